// The execution plan as the executors hold it, and the codes shared with
// src/graph/plan-types.ts (op codes, element kinds, parameter positions).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace sightline {
namespace graph {

constexpr int kMaxRank = 6;
constexpr int kMaxInputs = 8;
constexpr int kMaxInts = 48;

enum OpCode { kOpConv = 1, kOpBinary, kOpUnary, kOpWhere, kOpTranspose, kOpConcat, kOpSlice, kOpGather, kOpReduceMean, kOpResize, kOpMaxPool, kOpTopK, kOpSoftmax, kOpMatMul, kOpAvgPool };
enum Kind { kKindFloat = 0, kKindInt = 1 };
enum Act { kActNone = 0, kActRelu, kActClip, kActSigmoid, kActHardSwish };
enum BinaryOp { kBinAdd = 0, kBinSub, kBinMul, kBinDiv, kBinMod, kBinFMod, kBinEqual, kBinLess, kBinGreater, kBinAnd, kBinOr, kBinXor, kBinMin, kBinMax };
enum UnaryOp { kUnCopy = 0, kUnRelu, kUnSigmoid, kUnClip, kUnNot, kUnNeg };
// Conv parameter positions (lower-ops.ts, case 'Conv').
enum ConvParam { kConvN = 0, kConvC, kConvH, kConvW, kConvM, kConvOH, kConvOW, kConvKH, kConvKW, kConvSH, kConvSW, kConvDH, kConvDW, kConvPT, kConvPL, kConvG, kConvAct, kConvHasBias };

// Everything one kernel launch needs, passed by value (fits CUDA's parameter space).
struct KernelArgs {
  int64_t i[kMaxInts];
  float f[4];
  const void* in[kMaxInputs];
  void* out[2];
  void* ws[6];  // per-op workspace (TopK stages)
};

struct TensorDesc {
  int kind;      // kKindFloat / kKindInt
  int region;    // 0 arena, 1 constant
  int64_t offset;  // bytes into the arena, or constant index
  int64_t count;
};

struct OpDesc {
  int code;
  std::string name;
  std::vector<int> in, out;
  std::vector<int64_t> ints;
  std::vector<float> floats;
  int variant = 0;  // kernel variant chosen by autotuning (conv: see kConvVariants)
};

struct PlanDesc {
  bool fp16 = false;
  int64_t arenaBytes = 0;
  std::vector<TensorDesc> tensors;
  std::vector<OpDesc> ops;
  std::vector<std::vector<uint8_t>> consts;  // float32 or int32 little-endian values
  std::vector<int> inputs, outputs;
};

// Conv variants: 0..2 the simple kernel with 1, 4 or 8 output channels per work item; 3 the
// shared-memory tiled implicit GEMM; 4 the same tile with FP16 tensor-core products (FP16
// plans only). Variants 3 and 4 need >= 8 output channels per group, else variant 0 runs.
constexpr int kConvVariants[] = {1, 4, 8};
constexpr int kConvTiled = 3, kConvMma = 4;
constexpr int kConvVariantCount = 5;

// TopK chunk length: every stage keeps the best k of each chunk of this many candidates.
inline int64_t topkChunkLen(int64_t k) { return k * 4 > 1024 ? k * 4 : 1024; }

// A loaded plan that runs on one device. Inputs are float32 host arrays; outputs are float32
// (float tensors) or int32 host arrays, in plan order.
class Executor {
 public:
  virtual ~Executor() = default;
  virtual void run(const std::vector<const float*>& inputs, const std::vector<void*>& outputs) = 0;
  // Times each variant of every tunable op; returns ms per (op, variant), -1 where not applicable.
  virtual std::vector<double> tune(int repeats) = 0;
  virtual const PlanDesc& plan() const = 0;
  virtual std::string describe() const = 0;
};

std::unique_ptr<Executor> createEmulatedExecutor(PlanDesc plan);
// Throws when the build has no CUDA or no device is present.
std::unique_ptr<Executor> createCudaExecutor(PlanDesc plan);

}  // namespace graph
}  // namespace sightline
