// The graph executor's CUDA kernel bodies run on the CPU: the same per-element functions and
// the same launch schedule (conv variants, TopK stages) as graph_kernels.cu, in loops split
// over the thread pool. Each element is computed by one call whatever the thread count, so
// results do not depend on it. This is how the CUDA path is checked without a GPU.
#include <chrono>
#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "../cuda/conv_tile_bodies.h"
#include "../cuda/graph_bodies.h"
#include "graph_common.h"
#include "parallel.h"

namespace sightline {
namespace graph {
namespace {

template <typename F>
void forEach(int64_t n, F&& body) {
  parallelFor(n, 4096, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end; ++i) body(i);
  });
}

template <typename S>
class EmulatedExecutor : public Executor {
 public:
  explicit EmulatedExecutor(PlanDesc plan) : p_(std::move(plan)), arena_(static_cast<size_t>(p_.arenaBytes)) {
    validatePlan(p_);
    for (size_t c = 0; c < p_.consts.size(); ++c) consts_.push_back(p_.consts[c]);
    // Float constants are stored like activations (FP16 in the FP16 plan).
    for (const TensorDesc& t : p_.tensors) {
      if (t.region != 1 || t.kind != kKindFloat || sizeof(S) == 4) continue;
      std::vector<uint8_t>& raw = consts_[t.offset];
      std::vector<uint8_t> half(static_cast<size_t>(t.count) * 2);
      const float* src = reinterpret_cast<const float*>(p_.consts[t.offset].data());
      for (int64_t i = 0; i < t.count; ++i) st(reinterpret_cast<S*>(half.data()), i, src[i]);
      raw = std::move(half);
    }
    for (const OpDesc& op : p_.ops) {
      if (op.code != kOpTopK) continue;
      TopkShape s = topkShape(op);
      topkWs_.emplace_back(s.rows * s.cols + 2 * topkCandidates(s));
      topkIdx_.emplace_back(2 * topkCandidates(s));
    }
  }

  const PlanDesc& plan() const override { return p_; }
  std::string describe() const override { return std::string("CUDA kernel bodies emulated on the CPU, ") + (p_.fp16 ? "FP16" : "FP32"); }

  void run(const std::vector<const float*>& inputs, const std::vector<void*>& outputs) override {
    if (inputs.size() != p_.inputs.size() || outputs.size() != p_.outputs.size()) throw std::invalid_argument("graph run: wrong number of inputs or outputs");
    for (size_t j = 0; j < inputs.size(); ++j) {
      const TensorDesc& t = p_.tensors[p_.inputs[j]];
      void* dst = ptr(p_.inputs[j]);
      if (t.kind == kKindFloat) forEach(t.count, [&](int64_t i) { st(static_cast<S*>(dst), i, inputs[j][i]); });
      else forEach(t.count, [&](int64_t i) { static_cast<int32_t*>(dst)[i] = (int32_t)inputs[j][i]; });
    }
    size_t topk = 0;
    for (const OpDesc& op : p_.ops) runOp(op, op.variant, topk);
    for (size_t j = 0; j < outputs.size(); ++j) {
      const TensorDesc& t = p_.tensors[p_.outputs[j]];
      const void* src = ptr(p_.outputs[j]);
      if (t.kind == kKindFloat) forEach(t.count, [&](int64_t i) { static_cast<float*>(outputs[j])[i] = ld(static_cast<const S*>(src), i); });
      else std::memcpy(outputs[j], src, static_cast<size_t>(t.count) * 4);
    }
  }

  std::vector<double> tune(int repeats) override {
    std::vector<double> ms(p_.ops.size() * kConvVariantCount, -1.0);
    size_t topk = 0;
    for (size_t o = 0; o < p_.ops.size(); ++o) {
      OpDesc& op = p_.ops[o];
      if (op.code != kOpConv) continue;
      const KernelArgs a = makeArgs(op, [this](int id) { return ptr(id); });
      for (int v = 0; v < kConvVariantCount; ++v) {
        if (!convVariantApplies(a, v, p_.fp16)) continue;
        const auto t0 = std::chrono::steady_clock::now();
        for (int r = 0; r < repeats; ++r) runOp(op, v, topk);
        ms[o * kConvVariantCount + v] = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count() / repeats;
      }
    }
    return ms;
  }

 private:
  void* ptr(int id) {
    const TensorDesc& t = p_.tensors[id];
    return t.region == 0 ? static_cast<void*>(arena_.data() + t.offset) : static_cast<void*>(consts_[t.offset].data());
  }

  void runOp(const OpDesc& op, int variant, size_t& topk) {
    KernelArgs a = makeArgs(op, [this](int id) { return ptr(id); });
    const int64_t count = p_.tensors[op.out[0]].count;
    switch (op.code) {
      case kOpConv: {
        if (!convVariantApplies(a, variant, p_.fp16)) variant = 0;
        if (variant == kConvTiled) runConvTiled(a);
        else if (variant == kConvMma) runConvMma(a);
        else {
          const int64_t per = kConvVariants[variant];
          forEach(convItems(a, per), [&](int64_t i) { convItem<S>(a, i, per); });
        }
        break;
      }
      case kOpBinary: forEach(count, [&](int64_t i) { binaryElement<S>(a, i); }); break;
      case kOpUnary: forEach(count, [&](int64_t i) { unaryElement<S>(a, i); }); break;
      case kOpWhere: forEach(count, [&](int64_t i) { whereElement<S>(a, i); }); break;
      case kOpTranspose: forEach(count, [&](int64_t i) { gatherStrided<S>(a, i, 0, a.i + 1); }); break;
      case kOpSlice: forEach(count, [&](int64_t i) { gatherStrided<S>(a, i, a.i[1], a.i + 2); }); break;
      case kOpConcat: forEach(count, [&](int64_t i) { concatElement<S>(a, i); }); break;
      case kOpGather: forEach(count, [&](int64_t i) { gatherElement<S>(a, i); }); break;
      case kOpReduceMean: forEach(count, [&](int64_t i) { reduceMeanElement<S>(a, i); }); break;
      case kOpResize: forEach(count, [&](int64_t i) { resizeElement<S>(a, i); }); break;
      case kOpMaxPool: forEach(count, [&](int64_t i) { maxPoolElement<S>(a, i); }); break;
      case kOpTopK: runTopk(op, a, topk++); break;
      case kOpSoftmax: forEach(a.i[0] * a.i[2], [&](int64_t i) { softmaxRow<S>(a, i); }); break;
      case kOpMatMul: forEach(count, [&](int64_t i) { matMulElement<S>(a, i); }); break;
      case kOpAvgPool: forEach(count, [&](int64_t i) { avgPoolElement<S>(a, i); }); break;
      default: throw std::runtime_error("graph: unknown op code");
    }
  }

  // One thread block per work item: each phase of conv_tile_bodies.h runs for thread 0..255 in
  // turn, on this block's copy of the shared tile, as __syncthreads() orders them on the GPU.
  void runConvTiled(const KernelArgs& a) {
    parallelFor(convTileBlocks(a), 1, [&](int64_t begin, int64_t end) {
      std::vector<float> acc(kTileThreads * kTileRows * kTileCols);
      ConvTileSmem sm;
      for (int64_t block = begin; block < end; ++block) {
        const ConvTileGeom g = convTileGeom(a, block);
        std::fill(acc.begin(), acc.end(), 0.0f);
        for (int64_t k0 = 0; k0 < g.K; k0 += kTileK) {
          for (int t = 0; t < kTileThreads; ++t) convTileLoad<S>(a, g, k0, t, sm);
          for (int t = 0; t < kTileThreads; ++t) convTileCompute(sm, t, &acc[t * kTileRows * kTileCols]);
        }
        for (int t = 0; t < kTileThreads; ++t) convTileStore<S>(a, g, t, &acc[t * kTileRows * kTileCols]);
      }
    });
  }

  // The tensor-core tile with its warp MMA done by the scalar stand-in (8 warps per block).
  void runConvMma(const KernelArgs& a) {
    parallelFor(convTileBlocks(a), 1, [&](int64_t begin, int64_t end) {
      std::unique_ptr<ConvMmaSmem> sm(new ConvMmaSmem);
      for (int64_t block = begin; block < end; ++block) {
        const ConvTileGeom g = convTileGeom(a, block);
        for (int e = 0; e < kTileM * kTileN; ++e) sm->c[e / kTileN][e % kTileN] = 0.0f;
        for (int64_t k0 = 0; k0 < g.K; k0 += kTileK) {
          for (int t = 0; t < kTileThreads; ++t) convMmaLoad<S>(a, g, k0, t, *sm);
          for (int w = 0; w < kTileThreads / 32; ++w) convMmaScalar(*sm, w);
        }
        for (int t = 0; t < kTileThreads; ++t) convMmaStore<S>(a, g, t, *sm);
      }
    });
  }

  void runTopk(const OpDesc& op, KernelArgs& a, size_t which) {
    const TopkShape s = topkShape(op);
    float* vals = topkWs_[which].data();
    const int64_t cand = topkCandidates(s);
    float* bufV[2] = {vals + s.rows * s.cols, vals + s.rows * s.cols + cand};
    int32_t* bufI[2] = {topkIdx_[which].data(), topkIdx_[which].data() + cand};
    a.ws[0] = vals;
    forEach(s.rows * s.cols, [&](int64_t i) { topkLoadItem<S>(a, i); });
    const float* srcV = vals;
    const int32_t* srcI = nullptr;
    int64_t len = s.cols;
    int side = 0;
    for (;;) {
      const int64_t chunks = chunksOf(len, s.chunkLen);
      float* dv = bufV[side];
      int32_t* di = bufI[side];
      forEach(s.rows * chunks, [&](int64_t j) { topkStageItem(srcV, srcI, len, chunks, s.chunkLen, s.k, dv, di, j); });
      srcV = dv;
      srcI = di;
      len = chunks * s.k;
      side ^= 1;
      if (chunks == 1) break;
    }
    forEach(s.rows * s.k, [&](int64_t i) { topkStoreItem<S>(a, srcV, srcI, i); });
  }

  PlanDesc p_;
  std::vector<uint8_t> arena_;
  std::vector<std::vector<uint8_t>> consts_;
  std::vector<std::vector<float>> topkWs_;
  std::vector<std::vector<int32_t>> topkIdx_;
};

}  // namespace

std::unique_ptr<Executor> createEmulatedExecutor(PlanDesc plan) {
  if (plan.fp16) return std::make_unique<EmulatedExecutor<Half>>(std::move(plan));
  return std::make_unique<EmulatedExecutor<float>>(std::move(plan));
}

}  // namespace graph
}  // namespace sightline
