// N-API bindings: a flat API over the kernels. Each kernel has a sync form (small inputs, no
// thread hop) and an async form (Napi::AsyncWorker on the libuv pool, returns a Promise).
// Parameters arrive as one plain object built by src/native-engine.ts; everything is
// validated again here because a bad length would otherwise be a wild memory access.
#include <napi.h>

#include <cmath>
#include <functional>
#include <stdexcept>
#include <string>

#include "graph_addon.h"
#include "kernels.h"
#include "parallel.h"
#include "validate.h"

namespace sightline {

// Training kernels (train_addon.cc).
void registerTrainBindings(Napi::Env env, Napi::Object exports);

namespace {

// Bumped whenever the parameter objects change; the loader refuses a stale build.
constexpr int kAbiVersion = 2;

using std::invalid_argument;

Napi::Value field(const Napi::Object& o, const char* key) { return o.Get(key); }

double number(const Napi::Object& o, const char* key) {
  Napi::Value v = field(o, key);
  if (!v.IsNumber()) throw invalid_argument(std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

int64_t integer(const Napi::Object& o, const char* key) {
  double d = number(o, key);
  if (!(std::floor(d) == d) || std::fabs(d) > 9007199254740991.0) {
    throw invalid_argument(std::string(key) + " must be an integer");
  }
  return static_cast<int64_t>(d);
}

bool boolean(const Napi::Object& o, const char* key) {
  Napi::Value v = field(o, key);
  if (!v.IsBoolean()) throw invalid_argument(std::string(key) + " must be a boolean");
  return v.As<Napi::Boolean>().Value();
}

template <typename T>
T* typed(const Napi::Object& o, const char* key, napi_typedarray_type type, const char* typeName,
         size_t* length, bool optional = false) {
  Napi::Value v = field(o, key);
  if (optional && (v.IsUndefined() || v.IsNull())) {
    *length = 0;
    return nullptr;
  }
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw invalid_argument(std::string(key) + " must be a " + typeName);
  }
  Napi::TypedArrayOf<T> arr = v.As<Napi::TypedArrayOf<T>>();
  *length = arr.ElementLength();
  return arr.Data();
}

int64_t product(std::initializer_list<int64_t> xs) {
  int64_t r = 1;
  for (int64_t x : xs) {
    if (x < 0 || __builtin_mul_overflow(r, x, &r)) throw invalid_argument("tensor size overflows");
  }
  return r;
}

void requireLength(size_t have, int64_t need, const char* what) {
  if (static_cast<int64_t>(have) < need) {
    throw invalid_argument(std::string(what) + " has " + std::to_string(have) + " elements, needs " +
                           std::to_string(need));
  }
}

void readTriple(const Napi::Object& o, const char* key, double out[3]) {
  Napi::Value v = field(o, key);
  if (!v.IsArray() || v.As<Napi::Array>().Length() != 3) throw invalid_argument(std::string(key) + " must be 3 numbers");
  Napi::Array a = v.As<Napi::Array>();
  for (uint32_t i = 0; i < 3; ++i) {
    Napi::Value e = a.Get(i);
    if (!e.IsNumber()) throw invalid_argument(std::string(key) + " must be 3 numbers");
    out[i] = e.As<Napi::Number>().DoubleValue();
  }
}

FrameParams readFrame(const Napi::Object& o) {
  FrameParams p{};
  size_t srcLen = 0, outLen = 0;
  p.src = typed<uint8_t>(o, "data", napi_uint8_array, "Uint8Array", &srcLen);
  p.out = typed<float>(o, "out", napi_float32_array, "Float32Array", &outLen);
  p.srcW = integer(o, "width");
  p.srcH = integer(o, "height");
  p.channels = integer(o, "channels");
  p.outW = integer(o, "outWidth");
  p.outH = integer(o, "outHeight");
  p.padX = integer(o, "padX");
  p.padY = integer(o, "padY");
  p.contentW = integer(o, "contentWidth");
  p.contentH = integer(o, "contentHeight");
  p.padValue = number(o, "padValue");
  p.scale = number(o, "scale");
  readTriple(o, "mean", p.mean);
  readTriple(o, "std", p.stdev);
  p.nchw = boolean(o, "nchw");
  validate(p);
  requireLength(srcLen, product({p.srcW, p.srcH, p.channels}), "frame data");
  requireLength(outLen, product({p.outW, p.outH, 3}), "output tensor");
  return p;
}

RoiParams readRoi(const Napi::Object& o) {
  RoiParams p{};
  size_t inLen = 0, boxLen = 0, batchLen = 0, outLen = 0;
  p.input = typed<float>(o, "input", napi_float32_array, "Float32Array", &inLen);
  p.boxes = typed<float>(o, "boxes", napi_float32_array, "Float32Array", &boxLen);
  p.batch = typed<int32_t>(o, "batchIndices", napi_int32_array, "Int32Array", &batchLen, true);
  p.out = typed<float>(o, "out", napi_float32_array, "Float32Array", &outLen);
  p.n = integer(o, "n");
  p.c = integer(o, "c");
  p.h = integer(o, "h");
  p.w = integer(o, "w");
  p.nchw = boolean(o, "nchw");
  p.k = static_cast<int64_t>(boxLen / 4);
  p.outH = integer(o, "outHeight");
  p.outW = integer(o, "outWidth");
  p.spatialScale = number(o, "spatialScale");
  p.samplingRatio = integer(o, "samplingRatio");
  p.aligned = boolean(o, "aligned");
  if (boxLen % 4 != 0) throw invalid_argument("boxes length must be a multiple of 4");
  if (p.batch) requireLength(batchLen, p.k, "batchIndices");
  requireLength(inLen, product({p.n, p.c, p.h, p.w}), "feature map");
  requireLength(outLen, product({p.k, p.c, p.outH, p.outW}), "output tensor");
  validate(p);
  return p;
}

NmsParams readNms(const Napi::Object& o) {
  NmsParams p{};
  size_t boxLen = 0, scoreLen = 0, classLen = 0;
  p.boxes = typed<float>(o, "boxes", napi_float32_array, "Float32Array", &boxLen);
  p.scores = typed<float>(o, "scores", napi_float32_array, "Float32Array", &scoreLen);
  p.classes = typed<int32_t>(o, "classIds", napi_int32_array, "Int32Array", &classLen, true);
  if (boxLen % 4 != 0) throw invalid_argument("boxes length must be a multiple of 4");
  p.n = static_cast<int64_t>(boxLen / 4);
  if (static_cast<int64_t>(scoreLen) != p.n) throw invalid_argument("scores must have one entry per box");
  if (p.classes && static_cast<int64_t>(classLen) != p.n) throw invalid_argument("classIds must have one entry per box");
  p.iouThreshold = number(o, "iouThreshold");
  p.scoreThreshold = number(o, "scoreThreshold");
  double maxDet = number(o, "maxDetections");
  p.maxDetections = maxDet >= 9.0e15 ? INT64_MAX : static_cast<int64_t>(maxDet);
  validate(p);
  return p;
}

Napi::Value toInt32Array(Napi::Env env, const std::vector<int32_t>& v) {
  Napi::Int32Array arr = Napi::Int32Array::New(env, v.size());
  for (size_t i = 0; i < v.size(); ++i) arr[i] = v[i];
  return arr;
}

Napi::Error toJsError(Napi::Env env, const std::exception& e) {
  if (dynamic_cast<const invalid_argument*>(&e)) return Napi::TypeError::New(env, std::string("sightline native: ") + e.what());
  return Napi::Error::New(env, std::string("sightline native: ") + e.what());
}

// Runs `run` on the libuv pool; `finish` turns its result into a JS value on the main thread.
// Holds a reference to the parameter object so its typed arrays outlive the work.
class TaskWorker : public Napi::AsyncWorker {
 public:
  TaskWorker(Napi::Env env, Napi::Object params, std::function<void()> run,
             std::function<Napi::Value(Napi::Env)> finish)
      : Napi::AsyncWorker(env, "sightline:native"),
        deferred_(Napi::Promise::Deferred::New(env)),
        params_(Napi::Persistent(params)),
        run_(std::move(run)),
        finish_(std::move(finish)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      run_();
    } catch (const std::exception& e) {
      SetError(std::string("sightline native: ") + e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(finish_(Env())); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Napi::ObjectReference params_;
  std::function<void()> run_;
  std::function<Napi::Value(Napi::Env)> finish_;
};

// (params, device, async) -> result | Promise. device: 0 CPU, 1 CUDA, 2 the CUDA kernel bodies
// emulated on the CPU (tests). Parse errors reject the promise in async mode.
template <typename Params, typename Result>
Napi::Value dispatch(const Napi::CallbackInfo& info, Params (*read)(const Napi::Object&),
                     Result (*cpu)(const Params&), Result (*cuda)(const Params&), Result (*emulated)(const Params&),
                     Napi::Value (*wrap)(Napi::Env, const Result&)) {
  Napi::Env env = info.Env();
  const bool isAsync = info.Length() > 2 && info[2].ToBoolean().Value();
  try {
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsNumber()) {
      throw invalid_argument("expected (params, device, async)");
    }
    Napi::Object obj = info[0].As<Napi::Object>();
    Params p = read(obj);
    const int device = info[1].As<Napi::Number>().Int32Value();
    if (device < 0 || device > 2) throw invalid_argument("device must be 0 (cpu), 1 (cuda) or 2 (cuda emulated)");
    auto kernel = device == 1 ? cuda : device == 2 ? emulated : cpu;
    if (!isAsync) return wrap(env, kernel(p));
    auto result = std::make_shared<Result>();
    auto* worker = new TaskWorker(
        env, obj, [p, kernel, result] { *result = kernel(p); },
        [result, wrap](Napi::Env e) { return wrap(e, *result); });
    Napi::Promise promise = worker->Promise();
    worker->Queue();
    return promise;
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    Napi::Error err = toJsError(env, e);
    if (!isAsync) throw err;
    auto deferred = Napi::Promise::Deferred::New(env);
    deferred.Reject(err.Value());
    return deferred.Promise();
  }
}

// Kernels that write into the caller's output return nothing: adapt them to the template.
struct Unit {};
template <typename Params, void (*F)(const Params&)>
Unit asUnit(const Params& p) {
  F(p);
  return {};
}
Napi::Value undefinedValue(Napi::Env env, const Unit&) { return env.Undefined(); }

Napi::Value FrameToTensor(const Napi::CallbackInfo& info) {
  return dispatch<FrameParams, Unit>(info, readFrame, asUnit<FrameParams, frameToTensorCpu>,
                                     asUnit<FrameParams, frameToTensorCuda>,
                                     asUnit<FrameParams, frameToTensorCudaEmulated>, undefinedValue);
}

Napi::Value RoiAlign(const Napi::CallbackInfo& info) {
  return dispatch<RoiParams, Unit>(info, readRoi, asUnit<RoiParams, roiAlignCpu>, asUnit<RoiParams, roiAlignCuda>,
                                   asUnit<RoiParams, roiAlignCudaEmulated>, undefinedValue);
}

Napi::Value Nms(const Napi::CallbackInfo& info) {
  return dispatch<NmsParams, std::vector<int32_t>>(info, readNms, nmsCpu, nmsCuda, nmsCudaEmulated, toInt32Array);
}

Napi::Value CudaDeviceCount(const Napi::CallbackInfo& info) {
  return Napi::Number::New(info.Env(), cudaDeviceCount());
}

Napi::Value CudaDescribe(const Napi::CallbackInfo& info) {
  return Napi::String::New(info.Env(), cudaDescribe());
}

Napi::Value SetThreads(const Napi::CallbackInfo& info) {
  if (info.Length() > 0 && info[0].IsNumber()) setThreadCount(info[0].As<Napi::Number>().Int32Value());
  return Napi::Number::New(info.Env(), threadCount());
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("abiVersion", Napi::Number::New(env, kAbiVersion));
  exports.Set("cudaCompiled", Napi::Boolean::New(env, cudaCompiled()));
  exports.Set("frameToTensor", Napi::Function::New(env, FrameToTensor, "frameToTensor"));
  exports.Set("roiAlign", Napi::Function::New(env, RoiAlign, "roiAlign"));
  exports.Set("nms", Napi::Function::New(env, Nms, "nms"));
  exports.Set("cudaDeviceCount", Napi::Function::New(env, CudaDeviceCount, "cudaDeviceCount"));
  exports.Set("cudaDescribe", Napi::Function::New(env, CudaDescribe, "cudaDescribe"));
  exports.Set("threads", Napi::Function::New(env, SetThreads, "threads"));
  registerGraphBindings(env, exports);
  registerTrainBindings(env, exports);
  return exports;
}

}  // namespace
}  // namespace sightline

static Napi::Object InitSightline(Napi::Env env, Napi::Object exports) { return sightline::Init(env, exports); }

NODE_API_MODULE(sightline_native, InitSightline)
