// N-API bindings of the training kernels (train_ops.h). Synchronous: one call is one layer of one
// mini-batch, small enough that a trip through the libuv pool would cost more than it saves; a
// trainer that must not block its event loop runs in a worker thread. Every length is checked
// against the shape it claims, because a wrong one would be a wild memory access.
#include <napi.h>

#include <stdexcept>
#include <string>

#include "train_ops.h"

namespace sightline {
namespace {

using std::invalid_argument;

int64_t dim(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw invalid_argument(std::string(key) + " must be a number");
  const double d = v.As<Napi::Number>().DoubleValue();
  if (!(d >= 0 && d <= 2147483647.0) || static_cast<double>(static_cast<int64_t>(d)) != d) {
    throw invalid_argument(std::string(key) + " must be a non-negative integer");
  }
  return static_cast<int64_t>(d);
}

double num(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (!v.IsNumber()) throw invalid_argument(std::string(key) + " must be a number");
  return v.As<Napi::Number>().DoubleValue();
}

template <typename T>
T* arr(const Napi::Object& o, const char* key, napi_typedarray_type type, const char* typeName, int64_t need,
       bool optional = false) {
  Napi::Value v = o.Get(key);
  if (optional && (v.IsUndefined() || v.IsNull())) return nullptr;
  if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != type) {
    throw invalid_argument(std::string(key) + " must be a " + typeName);
  }
  auto a = v.As<Napi::TypedArrayOf<T>>();
  if (static_cast<int64_t>(a.ElementLength()) != need) {
    throw invalid_argument(std::string(key) + " has " + std::to_string(a.ElementLength()) + " elements, expected " +
                           std::to_string(need));
  }
  return a.Data();
}

float* f32(const Napi::Object& o, const char* key, int64_t need, bool optional = false) {
  return arr<float>(o, key, napi_float32_array, "Float32Array", need, optional);
}

// Which kernels run a call: `device` absent or "cpp" (the threaded CPU kernels), "cuda" (the GPU)
// or "cuda-emulated" (the CUDA bodies looped on the CPU: the test hook for machines without a GPU).
enum class Device { Cpu, Emulated, Cuda };
Device deviceOf(const Napi::Object& o) {
  Napi::Value v = o.Get("device");
  if (v.IsUndefined()) return Device::Cpu;
  const std::string name = v.IsString() ? v.As<Napi::String>().Utf8Value() : "";
  if (name == "cpp") return Device::Cpu;
  if (name == "cuda") return Device::Cuda;
  if (name == "cuda-emulated") return Device::Emulated;
  throw invalid_argument("device must be \"cpp\", \"cuda\" or \"cuda-emulated\"");
}
#define SL_TRAIN_CALL(dev, fn, ...)                                                         \
  ((dev) == Device::Emulated ? train::emulated::fn(__VA_ARGS__)                             \
                             : (dev) == Device::Cuda ? train::cuda::fn(__VA_ARGS__) : train::fn(__VA_ARGS__))

Napi::Object params(const Napi::CallbackInfo& info) {
  if (info.Length() < 1 || !info[0].IsObject()) throw invalid_argument("expected one parameter object");
  return info[0].As<Napi::Object>();
}

template <typename Fn>
Napi::Value guarded(const Napi::CallbackInfo& info, Fn&& fn) {
  try {
    return fn(params(info));
  } catch (const std::exception& e) {
    throw Napi::TypeError::New(info.Env(), std::string("@sightline/native train: ") + e.what());
  }
}

Napi::Value DenseForward(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const int64_t n = dim(o, "n"), in = dim(o, "in"), out = dim(o, "out");
    SL_TRAIN_CALL(dev, denseForward, f32(o, "x", n * in), f32(o, "w", out * in), f32(o, "b", out), f32(o, "y", n * out), n, in, out);
    return info.Env().Undefined();
  });
}

Napi::Value DenseBackward(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const int64_t n = dim(o, "n"), in = dim(o, "in"), out = dim(o, "out");
    SL_TRAIN_CALL(dev, denseBackward, f32(o, "x", n * in), f32(o, "w", out * in), f32(o, "dy", n * out), f32(o, "dx", n * in, true),
                         f32(o, "dw", out * in), f32(o, "db", out), n, in, out);
    return info.Env().Undefined();
  });
}

train::ConvShape convShape(const Napi::Object& o) {
  train::ConvShape s{dim(o, "n"), dim(o, "c"), dim(o, "h"), dim(o, "w"), dim(o, "o"), dim(o, "k"), dim(o, "pad"), 0, 0};
  if (s.k < 1) throw invalid_argument("k must be at least 1");
  s.oh = s.h + 2 * s.pad - s.k + 1;
  s.ow = s.w + 2 * s.pad - s.k + 1;
  if (s.oh < 1 || s.ow < 1) throw invalid_argument("the kernel is larger than the padded input");
  return s;
}

Napi::Value ConvForward(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const train::ConvShape s = convShape(o);
    SL_TRAIN_CALL(dev, convForward, f32(o, "x", s.n * s.c * s.h * s.w), f32(o, "weight", s.o * s.c * s.k * s.k), f32(o, "b", s.o),
                       f32(o, "y", s.n * s.o * s.oh * s.ow), s);
    return info.Env().Undefined();
  });
}

Napi::Value ConvBackward(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const train::ConvShape s = convShape(o);
    const int64_t xLen = s.n * s.c * s.h * s.w, wLen = s.o * s.c * s.k * s.k;
    SL_TRAIN_CALL(dev, convBackward, f32(o, "x", xLen), f32(o, "weight", wLen), f32(o, "dy", s.n * s.o * s.oh * s.ow),
                        f32(o, "dx", xLen, true), f32(o, "dw", wLen), f32(o, "db", s.o), s);
    return info.Env().Undefined();
  });
}

Napi::Value MaxPoolForward(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const int64_t nc = dim(o, "nc"), h = dim(o, "h"), w = dim(o, "w"), k = dim(o, "k");
    if (k < 1 || k > h || k > w) throw invalid_argument("k must be from 1 to the input size");
    const int64_t outs = nc * (h / k) * (w / k);
    SL_TRAIN_CALL(dev, maxPoolForward, f32(o, "x", nc * h * w), f32(o, "y", outs),
                          arr<int32_t>(o, "argmax", napi_int32_array, "Int32Array", outs), nc, h, w, k);
    return info.Env().Undefined();
  });
}

Napi::Value MaxPoolBackward(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const int64_t nc = dim(o, "nc"), h = dim(o, "h"), w = dim(o, "w"), k = dim(o, "k");
    if (k < 1 || k > h || k > w) throw invalid_argument("k must be from 1 to the input size");
    const int64_t outs = nc * (h / k) * (w / k);
    const int32_t* argmax = arr<int32_t>(o, "argmax", napi_int32_array, "Int32Array", outs);
    for (int64_t i = 0; i < outs; ++i)
      if (argmax[i] < 0 || argmax[i] >= nc * h * w) throw invalid_argument("argmax index out of range");
    SL_TRAIN_CALL(dev, maxPoolBackward, f32(o, "dy", outs), argmax, f32(o, "dx", nc * h * w), nc, h, w, k);
    return info.Env().Undefined();
  });
}

Napi::Value Relu(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const int64_t len = dim(o, "len");
    if (o.Get("dy").IsUndefined()) SL_TRAIN_CALL(dev, reluForward, f32(o, "x", len), f32(o, "y", len), len);
    else SL_TRAIN_CALL(dev, reluBackward, f32(o, "x", len), f32(o, "dy", len), f32(o, "dx", len), len);
    return info.Env().Undefined();
  });
}

Napi::Value Dropout(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const int64_t len = dim(o, "len");
    SL_TRAIN_CALL(dev, dropout, f32(o, "x", len), arr<uint8_t>(o, "mask", napi_uint8_array, "Uint8Array", len), num(o, "scale"),
                   f32(o, "y", len), len);
    return info.Env().Undefined();
  });
}

Napi::Value SoftmaxCrossEntropy(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const int64_t n = dim(o, "n"), k = dim(o, "k");
    if (k < 1) throw invalid_argument("k must be at least 1");
    const int32_t* labels = arr<int32_t>(o, "labels", napi_int32_array, "Int32Array", n);
    for (int64_t i = 0; i < n; ++i)
      if (labels[i] < 0 || labels[i] >= k) throw invalid_argument("labels must be class indices from 0 to k-1");
    const double loss = SL_TRAIN_CALL(dev, softmaxCrossEntropy, f32(o, "logits", n * k), labels, f32(o, "classWeights", k, true),
                                                   f32(o, "probs", n * k), f32(o, "dlogits", n * k), n, k);
    return Napi::Number::New(info.Env(), loss);
  });
}

Napi::Value OptimizerStep(const Napi::CallbackInfo& info) {
  return guarded(info, [&](const Napi::Object& o) {
    const Device dev = deviceOf(o);
    const int64_t len = dim(o, "len");
    if (!o.Get("m").IsUndefined()) {
      SL_TRAIN_CALL(dev, adamStep, f32(o, "param", len), f32(o, "grad", len), f32(o, "m", len), f32(o, "v", len), len, num(o, "lr"),
                      num(o, "beta1"), num(o, "beta2"), num(o, "eps"), num(o, "weightDecay"), num(o, "bc1"), num(o, "bc2"));
    } else {
      SL_TRAIN_CALL(dev, sgdStep, f32(o, "param", len), f32(o, "grad", len), f32(o, "v", len), len, num(o, "lr"), num(o, "momentum"),
                     num(o, "weightDecay"));
    }
    return info.Env().Undefined();
  });
}

}  // namespace

void registerTrainBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("trainDenseForward", Napi::Function::New(env, DenseForward, "trainDenseForward"));
  exports.Set("trainDenseBackward", Napi::Function::New(env, DenseBackward, "trainDenseBackward"));
  exports.Set("trainConvForward", Napi::Function::New(env, ConvForward, "trainConvForward"));
  exports.Set("trainConvBackward", Napi::Function::New(env, ConvBackward, "trainConvBackward"));
  exports.Set("trainMaxPoolForward", Napi::Function::New(env, MaxPoolForward, "trainMaxPoolForward"));
  exports.Set("trainMaxPoolBackward", Napi::Function::New(env, MaxPoolBackward, "trainMaxPoolBackward"));
  exports.Set("trainRelu", Napi::Function::New(env, Relu, "trainRelu"));
  exports.Set("trainDropout", Napi::Function::New(env, Dropout, "trainDropout"));
  exports.Set("trainSoftmaxCrossEntropy", Napi::Function::New(env, SoftmaxCrossEntropy, "trainSoftmaxCrossEntropy"));
  exports.Set("trainOptimizerStep", Napi::Function::New(env, OptimizerStep, "trainOptimizerStep"));
}

}  // namespace sightline
