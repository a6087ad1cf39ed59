// Host-side helpers shared by the emulated and the CUDA executors: kernel arguments from an
// op, work-item counts, TopK staging and plan checks. Both executors run the same schedule.
#pragma once

#include <stdexcept>
#include <string>

#include "graph_plan.h"

namespace sightline {
namespace graph {

inline int64_t storageBytes(const PlanDesc& p, const TensorDesc& t) {
  return t.count * (t.kind == kKindFloat && p.fp16 ? 2 : 4);
}

// Checks every tensor lies inside its region and every op has the operands its kernel reads.
inline void validatePlan(const PlanDesc& p) {
  for (const TensorDesc& t : p.tensors) {
    if (t.region == 0 && (t.offset < 0 || t.offset + storageBytes(p, t) > p.arenaBytes)) throw std::invalid_argument("plan: tensor outside the arena");
    if (t.region == 1 && (t.offset < 0 || t.offset >= (int64_t)p.consts.size())) throw std::invalid_argument("plan: bad constant index");
    if (t.region == 1 && (int64_t)p.consts[t.offset].size() != t.count * 4) throw std::invalid_argument("plan: constant size mismatch");
  }
  for (const OpDesc& op : p.ops) {
    if (op.in.size() > (size_t)kMaxInputs || op.out.size() > 2 || op.out.empty() || op.ints.size() > (size_t)kMaxInts) {
      throw std::invalid_argument("plan: op " + op.name + " has too many operands or parameters");
    }
    for (int t : op.in) if (t < 0 || t >= (int)p.tensors.size()) throw std::invalid_argument("plan: bad tensor id in " + op.name);
    for (int t : op.out) if (t < 0 || t >= (int)p.tensors.size() || p.tensors[t].region != 0) throw std::invalid_argument("plan: bad output in " + op.name);
    if (op.code < kOpConv || op.code > kOpAvgPool) throw std::invalid_argument("plan: unknown op code in " + op.name);
  }
}

template <typename PtrFn>
KernelArgs makeArgs(const OpDesc& op, PtrFn ptr) {
  KernelArgs a{};
  for (size_t j = 0; j < op.ints.size(); ++j) a.i[j] = op.ints[j];
  for (size_t j = 0; j < op.floats.size() && j < 4; ++j) a.f[j] = op.floats[j];
  for (size_t j = 0; j < op.in.size(); ++j) a.in[j] = ptr(op.in[j]);
  for (size_t j = 0; j < op.out.size(); ++j) a.out[j] = ptr(op.out[j]);
  return a;
}

struct TopkShape {
  int64_t rows, cols, k, chunkLen;
};

inline TopkShape topkShape(const OpDesc& op) {
  return {op.ints[0], op.ints[1], op.ints[2], topkChunkLen(op.ints[2])};
}

inline int64_t chunksOf(int64_t len, int64_t chunkLen) { return (len + chunkLen - 1) / chunkLen; }

// Workspace floats/ints: the converted row values, then two candidate buffers.
inline int64_t topkCandidates(const TopkShape& s) { return s.rows * chunksOf(s.cols, s.chunkLen) * s.k; }

}  // namespace graph
}  // namespace sightline
