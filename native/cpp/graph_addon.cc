// N-API bindings of the graph executor: create (plan object -> handle), run (sync or on the
// libuv pool), tune, set variants. The plan object is built by src/graph/graph-engine.ts and
// checked again here (validatePlan) because a bad offset would be a wild memory access.
#include <napi.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "graph_addon.h"
#include "graph_plan.h"

namespace sightline {
namespace {

using graph::Executor;
using std::invalid_argument;

struct Handle {
  std::unique_ptr<Executor> exec;
};

Napi::Value get(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  if (v.IsUndefined()) throw invalid_argument(std::string("graph plan: missing ") + key);
  return v;
}

template <typename T>
std::vector<T> numbers(const Napi::Value& v, const char* what) {
  if (!v.IsTypedArray()) throw invalid_argument(std::string("graph plan: ") + what + " must be a typed array");
  Napi::TypedArray arr = v.As<Napi::TypedArray>();
  std::vector<T> out(arr.ElementLength());
  switch (arr.TypedArrayType()) {
    case napi_int32_array: { auto a = v.As<Napi::Int32Array>(); for (size_t i = 0; i < out.size(); ++i) out[i] = (T)a[i]; break; }
    case napi_float64_array: { auto a = v.As<Napi::Float64Array>(); for (size_t i = 0; i < out.size(); ++i) out[i] = (T)a[i]; break; }
    case napi_float32_array: { auto a = v.As<Napi::Float32Array>(); for (size_t i = 0; i < out.size(); ++i) out[i] = (T)a[i]; break; }
    default: throw invalid_argument(std::string("graph plan: ") + what + " must be Int32Array, Float32Array or Float64Array");
  }
  return out;
}

graph::PlanDesc readPlan(const Napi::Object& o) {
  graph::PlanDesc p;
  p.fp16 = get(o, "fp16").ToBoolean().Value();
  p.arenaBytes = (int64_t)get(o, "arenaBytes").ToNumber().DoubleValue();
  std::vector<double> t = numbers<double>(get(o, "tensors"), "tensors");
  if (t.size() % 4 != 0) throw invalid_argument("graph plan: tensors must hold 4 numbers per tensor");
  for (size_t i = 0; i < t.size(); i += 4) p.tensors.push_back({(int)t[i], (int)t[i + 1], (int64_t)t[i + 2], (int64_t)t[i + 3]});
  Napi::Array ops = get(o, "ops").As<Napi::Array>();
  for (uint32_t i = 0; i < ops.Length(); ++i) {
    Napi::Object op = ops.Get(i).As<Napi::Object>();
    graph::OpDesc d;
    d.code = get(op, "code").ToNumber().Int32Value();
    d.name = get(op, "name").ToString().Utf8Value();
    d.in = numbers<int>(get(op, "inputs"), "op inputs");
    d.out = numbers<int>(get(op, "outputs"), "op outputs");
    d.ints = numbers<int64_t>(get(op, "ints"), "op ints");
    d.floats = numbers<float>(get(op, "floats"), "op floats");
    d.variant = get(op, "variant").ToNumber().Int32Value();
    if (d.variant < 0 || d.variant >= graph::kConvVariantCount) throw invalid_argument("graph plan: bad variant");
    p.ops.push_back(std::move(d));
  }
  Napi::Array consts = get(o, "consts").As<Napi::Array>();
  for (uint32_t i = 0; i < consts.Length(); ++i) {
    Napi::Value v = consts.Get(i);
    if (!v.IsTypedArray()) throw invalid_argument("graph plan: constants must be typed arrays");
    Napi::TypedArray arr = v.As<Napi::TypedArray>();
    const uint8_t* base = static_cast<const uint8_t*>(arr.ArrayBuffer().Data()) + arr.ByteOffset();
    p.consts.emplace_back(base, base + arr.ByteLength());
  }
  p.inputs = numbers<int>(get(o, "inputs"), "inputs");
  p.outputs = numbers<int>(get(o, "outputs"), "outputs");
  return p;
}

Handle* handleOf(const Napi::Value& v) {
  if (!v.IsExternal()) throw invalid_argument("expected a graph handle from graphCreate");
  return v.As<Napi::External<Handle>>().Data();
}

Napi::Error jsError(Napi::Env env, const std::exception& e) {
  const std::string msg = std::string("sightline native graph: ") + e.what();
  if (dynamic_cast<const invalid_argument*>(&e)) return Napi::TypeError::New(env, msg);
  return Napi::Error::New(env, msg);
}

Napi::Value GraphCreate(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    if (info.Length() < 2 || !info[0].IsObject() || !info[1].IsNumber()) throw invalid_argument("expected (plan, device)");
    graph::PlanDesc plan = readPlan(info[0].As<Napi::Object>());
    const int device = info[1].As<Napi::Number>().Int32Value();
    auto h = new Handle();
    try {
      h->exec = device == 1 ? graph::createCudaExecutor(std::move(plan)) : graph::createEmulatedExecutor(std::move(plan));
    } catch (...) {
      delete h;
      throw;
    }
    return Napi::External<Handle>::New(env, h, [](Napi::Env, Handle* p) { delete p; });
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw jsError(env, e);
  }
}

class RunWorker : public Napi::AsyncWorker {
 public:
  RunWorker(Napi::Env env, Executor* exec, std::vector<const float*> in, std::vector<void*> out, Napi::Object keep)
      : Napi::AsyncWorker(env, "sightline:graph"), deferred_(Napi::Promise::Deferred::New(env)), exec_(exec),
        in_(std::move(in)), out_(std::move(out)), keep_(Napi::Persistent(keep)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    try {
      exec_->run(in_, out_);
    } catch (const std::exception& e) {
      SetError(std::string("sightline native graph: ") + e.what());
    }
  }
  void OnOK() override { deferred_.Resolve(Env().Undefined()); }
  void OnError(const Napi::Error& e) override { deferred_.Reject(e.Value()); }

 private:
  Napi::Promise::Deferred deferred_;
  Executor* exec_;
  std::vector<const float*> in_;
  std::vector<void*> out_;
  Napi::ObjectReference keep_;
};

// (handle, inputs: Float32Array[], outputs: (Float32Array|Int32Array)[], async)
Napi::Value GraphRun(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    if (info.Length() < 3 || !info[1].IsArray() || !info[2].IsArray()) throw invalid_argument("expected (handle, inputs, outputs, async)");
    Executor* exec = handleOf(info[0])->exec.get();
    const graph::PlanDesc& plan = exec->plan();
    Napi::Array ins = info[1].As<Napi::Array>(), outs = info[2].As<Napi::Array>();
    if (ins.Length() != plan.inputs.size() || outs.Length() != plan.outputs.size()) throw invalid_argument("wrong number of inputs or outputs");
    std::vector<const float*> in;
    std::vector<void*> out;
    for (uint32_t j = 0; j < ins.Length(); ++j) {
      Napi::Value v = ins.Get(j);
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != napi_float32_array) throw invalid_argument("inputs must be Float32Arrays");
      auto a = v.As<Napi::Float32Array>();
      if ((int64_t)a.ElementLength() != plan.tensors[plan.inputs[j]].count) throw invalid_argument("input " + std::to_string(j) + " has the wrong length");
      in.push_back(a.Data());
    }
    for (uint32_t j = 0; j < outs.Length(); ++j) {
      Napi::Value v = outs.Get(j);
      const graph::TensorDesc& t = plan.tensors[plan.outputs[j]];
      const napi_typedarray_type want = t.kind == graph::kKindFloat ? napi_float32_array : napi_int32_array;
      if (!v.IsTypedArray() || v.As<Napi::TypedArray>().TypedArrayType() != want) throw invalid_argument("output " + std::to_string(j) + " has the wrong type");
      Napi::TypedArray a = v.As<Napi::TypedArray>();
      if ((int64_t)a.ElementLength() != t.count) throw invalid_argument("output " + std::to_string(j) + " has the wrong length");
      out.push_back(static_cast<uint8_t*>(a.ArrayBuffer().Data()) + a.ByteOffset());
    }
    if (info.Length() > 3 && info[3].ToBoolean().Value()) {
      Napi::Object keep = Napi::Object::New(env);
      keep.Set("h", info[0]);
      keep.Set("i", ins);
      keep.Set("o", outs);
      auto* w = new RunWorker(env, exec, std::move(in), std::move(out), keep);
      Napi::Promise promise = w->Promise();
      w->Queue();
      return promise;
    }
    exec->run(in, out);
    return env.Undefined();
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw jsError(env, e);
  }
}

Napi::Value GraphTune(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  try {
    Executor* exec = handleOf(info[0])->exec.get();
    const int repeats = info.Length() > 1 && info[1].IsNumber() ? info[1].As<Napi::Number>().Int32Value() : 3;
    std::vector<double> ms = exec->tune(repeats < 1 ? 1 : repeats);
    Napi::Float64Array arr = Napi::Float64Array::New(env, ms.size());
    for (size_t i = 0; i < ms.size(); ++i) arr[i] = ms[i];
    return arr;
  } catch (const Napi::Error&) {
    throw;
  } catch (const std::exception& e) {
    throw jsError(env, e);
  }
}

Napi::Value GraphDescribe(const Napi::CallbackInfo& info) {
  try {
    return Napi::String::New(info.Env(), handleOf(info[0])->exec->describe());
  } catch (const std::exception& e) {
    throw jsError(info.Env(), e);
  }
}

}  // namespace

void registerGraphBindings(Napi::Env env, Napi::Object exports) {
  exports.Set("graphCreate", Napi::Function::New(env, GraphCreate, "graphCreate"));
  exports.Set("graphRun", Napi::Function::New(env, GraphRun, "graphRun"));
  exports.Set("graphTune", Napi::Function::New(env, GraphTune, "graphTune"));
  exports.Set("graphDescribe", Napi::Function::New(env, GraphDescribe, "graphDescribe"));
}

}  // namespace sightline
