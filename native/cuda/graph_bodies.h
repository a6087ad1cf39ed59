// Per-element bodies of the graph executor's kernels, as host/device functions.
// graph_kernels.cu runs them in grid-stride loops on the GPU; cpp/graph_emulation.cc runs
// the very same functions in loops on the CPU, so the CUDA indexing and arithmetic are
// tested against onnxruntime on machines without a GPU. S is the storage type of float
// tensors: float (FP32) or Half (FP16 storage); arithmetic and accumulation are FP32.
#pragma once

#include <cmath>
#include <cstdint>

#include "../cpp/common.h"
#include "../cpp/graph_plan.h"

namespace sightline {
namespace graph {

// IEEE binary16 bits. Conversions are done by hand (round to nearest even) so the host and
// the device produce the same bits without depending on cuda_fp16.h on the host.
struct Half {
  uint16_t bits;
};

SL_HD uint32_t floatBits(float f) {
  union {
    float f;
    uint32_t u;
  } v;
  v.f = f;
  return v.u;
}

SL_HD float bitsFloat(uint32_t u) {
  union {
    float f;
    uint32_t u;
  } v;
  v.u = u;
  return v.f;
}

SL_HD uint16_t floatToHalf(float f) {
  const uint32_t x = floatBits(f);
  const uint32_t sign = (x >> 16) & 0x8000u;
  const uint32_t absx = x & 0x7fffffffu;
  if (absx >= 0x7f800000u) return (uint16_t)(sign | 0x7c00u | (absx > 0x7f800000u ? 0x200u : 0u));  // inf / nan
  if (absx >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u);  // rounds to >= 65520: inf
  if (absx < 0x38800000u) {  // subnormal half (or zero)
    if (absx < 0x33000000u) return (uint16_t)sign;  // below half of the smallest subnormal
    const uint32_t mant = (absx & 0x7fffffu) | 0x800000u;
    const int shift = 113 - (int)(absx >> 23) + 13;  // 126 - exp + 14 - 1 ... bits to drop
    const uint32_t kept = mant >> shift;
    const uint32_t rem = mant & ((1u << shift) - 1u);
    const uint32_t halfway = 1u << (shift - 1);
    const uint32_t r = kept + ((rem > halfway || (rem == halfway && (kept & 1u))) ? 1u : 0u);
    return (uint16_t)(sign | r);
  }
  const uint32_t e = ((absx >> 23) - 112u) << 10;
  const uint32_t m = (absx >> 13) & 0x3ffu;
  const uint32_t rem = absx & 0x1fffu;
  uint32_t h = e | m;
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u))) h += 1u;  // carries into the exponent correctly
  return (uint16_t)(sign | h);
}

SL_HD float halfToFloat(uint16_t h) {
  const uint32_t sign = ((uint32_t)h & 0x8000u) << 16;
  const uint32_t e = (h >> 10) & 0x1fu;
  const uint32_t m = h & 0x3ffu;
  if (e == 0) {
    if (m == 0) return bitsFloat(sign);
    // subnormal: m * 2^-24
    float v = (float)m * 5.9604644775390625e-8f;
    return sign ? -v : v;
  }
  if (e == 31) return bitsFloat(sign | 0x7f800000u | (m << 13));
  return bitsFloat(sign | ((e + 112u) << 23) | (m << 13));
}

SL_HD float ld(const float* p, int64_t i) { return p[i]; }
SL_HD float ld(const Half* p, int64_t i) { return halfToFloat(p[i].bits); }
SL_HD void st(float* p, int64_t i, float v) { p[i] = v; }
SL_HD void st(Half* p, int64_t i, float v) { p[i].bits = floatToHalf(v); }

SL_HD float sigmoidf(float v) { return 1.0f / (1.0f + expf(-v)); }

SL_HD float activate(float v, int64_t act, const float* f) {
  switch (act) {
    case kActRelu: return v > 0.0f ? v : 0.0f;
    case kActClip: return fminf(fmaxf(v, f[0]), f[1]);
    case kActSigmoid: return sigmoidf(v);
    case kActHardSwish: {
      const float a = v * f[0];
      const float b = fminf(fmaxf(v + f[1], f[2]), f[3]);
      return a * b;
    }
    default: return v;
  }
}

// Output element (n, m, oy, ox) of a grouped 2-D convolution for `mCount` consecutive output
// channels starting at m0 (the "channels per thread" variants). Every output sums its taps in
// the same (ci, ky, kx) order whatever the variant, so all variants give identical bits.
template <typename S>
SL_HD void convOutputs(const KernelArgs& a, int64_t pixel, int64_t n, int64_t m0, int64_t mCount) {
  const int64_t* p = a.i;
  const int64_t C = p[kConvC], H = p[kConvH], W = p[kConvW], M = p[kConvM], OH = p[kConvOH], OW = p[kConvOW];
  const int64_t KH = p[kConvKH], KW = p[kConvKW], G = p[kConvG];
  const int64_t oy = pixel / OW, ox = pixel % OW;
  const int64_t cg = C / G, mg = M / G;
  const S* x = static_cast<const S*>(a.in[0]);
  const S* w = static_cast<const S*>(a.in[1]);
  const S* b = p[kConvHasBias] ? static_cast<const S*>(a.in[2]) : nullptr;
  S* y = static_cast<S*>(a.out[0]);
  const int64_t iy0 = oy * p[kConvSH] - p[kConvPT], ix0 = ox * p[kConvSW] - p[kConvPL];
  for (int64_t mm = 0; mm < mCount; ++mm) {
    const int64_t m = m0 + mm;
    if (m >= M) break;
    const int64_t group = m / mg;
    const S* wm = w + m * cg * KH * KW;
    float acc = 0.0f;
    for (int64_t ci = 0; ci < cg; ++ci) {
      const S* xc = x + ((n * C) + group * cg + ci) * H * W;
      for (int64_t ky = 0; ky < KH; ++ky) {
        const int64_t iy = iy0 + ky * p[kConvDH];
        if (iy < 0 || iy >= H) continue;
        for (int64_t kx = 0; kx < KW; ++kx) {
          const int64_t ix = ix0 + kx * p[kConvDW];
          if (ix < 0 || ix >= W) continue;
          const float prod = ld(xc, iy * W + ix) * ld(wm, (ci * KH + ky) * KW + kx);
          acc = acc + prod;
        }
      }
    }
    if (b) acc = acc + ld(b, m);
    st(y, ((n * M + m) * OH + oy) * OW + ox, activate(acc, p[kConvAct], a.f));
  }
}

// Work item i of a conv with `perThread` output channels per item: items are ordered
// (n, channel block, pixel) so neighbouring threads read neighbouring pixels.
template <typename S>
SL_HD void convItem(const KernelArgs& a, int64_t i, int64_t perThread) {
  const int64_t pixels = a.i[kConvOH] * a.i[kConvOW];
  const int64_t blocks = (a.i[kConvM] + perThread - 1) / perThread;
  const int64_t pixel = i % pixels;
  const int64_t t = i / pixels;
  convOutputs<S>(a, pixel, t / blocks, (t % blocks) * perThread, perThread);
}

SL_HD int64_t convItems(const KernelArgs& a, int64_t perThread) {
  return a.i[kConvN] * ((a.i[kConvM] + perThread - 1) / perThread) * a.i[kConvOH] * a.i[kConvOW];
}

// Flat output index -> input offset through up to kMaxRank dims with per-axis strides.
SL_HD int64_t stridedOffset(int64_t i, const int64_t* dims, const int64_t* strides) {
  int64_t off = 0;
  for (int d = kMaxRank - 1; d >= 0; --d) {
    const int64_t c = i % dims[d];
    i /= dims[d];
    off += c * strides[d];
  }
  return off;
}

template <typename S>
SL_HD float ldKind(const void* p, int64_t kind, int64_t i) {
  return kind == kKindFloat ? ld(static_cast<const S*>(p), i) : (float)static_cast<const int32_t*>(p)[i];
}

SL_HD int32_t intBinary(int64_t op, int32_t x, int32_t y) {
  switch (op) {
    case kBinAdd: return (int32_t)((uint32_t)x + (uint32_t)y);
    case kBinSub: return (int32_t)((uint32_t)x - (uint32_t)y);
    case kBinMul: return (int32_t)((uint32_t)x * (uint32_t)y);
    case kBinDiv: return y == 0 ? 0 : x / y;
    case kBinMod: {
      if (y == 0) return 0;
      const int32_t m = x % y;
      return (m != 0 && ((m < 0) != (y < 0))) ? m + y : m;
    }
    case kBinFMod: return y == 0 ? 0 : x % y;
    case kBinEqual: return x == y;
    case kBinLess: return x < y;
    case kBinGreater: return x > y;
    case kBinAnd: return (x != 0) && (y != 0);
    case kBinOr: return (x != 0) || (y != 0);
    case kBinXor: return (x != 0) != (y != 0);
    case kBinMin: return x < y ? x : y;
    case kBinMax: return x > y ? x : y;
  }
  return 0;
}

SL_HD float floatBinary(int64_t op, float x, float y) {
  switch (op) {
    case kBinAdd: return x + y;
    case kBinSub: return x - y;
    case kBinMul: return x * y;
    case kBinDiv: return x / y;
    case kBinMod:
    case kBinFMod: return fmodf(x, y);
    case kBinEqual: return x == y ? 1.0f : 0.0f;
    case kBinLess: return x < y ? 1.0f : 0.0f;
    case kBinGreater: return x > y ? 1.0f : 0.0f;
    case kBinAnd: return (x != 0.0f && y != 0.0f) ? 1.0f : 0.0f;
    case kBinOr: return (x != 0.0f || y != 0.0f) ? 1.0f : 0.0f;
    case kBinXor: return ((x != 0.0f) != (y != 0.0f)) ? 1.0f : 0.0f;
    case kBinMin: return fminf(x, y);
    case kBinMax: return fmaxf(x, y);
  }
  return 0.0f;
}

// ints: [op, kindIn, kindOut, dims[6], stridesA[6], stridesB[6]]
template <typename S>
SL_HD void binaryElement(const KernelArgs& a, int64_t i) {
  const int64_t* p = a.i;
  const int64_t offA = stridedOffset(i, p + 3, p + 9), offB = stridedOffset(i, p + 3, p + 15);
  if (p[1] == kKindFloat) {
    const float r = floatBinary(p[0], ld(static_cast<const S*>(a.in[0]), offA), ld(static_cast<const S*>(a.in[1]), offB));
    if (p[2] == kKindFloat) st(static_cast<S*>(a.out[0]), i, r);
    else static_cast<int32_t*>(a.out[0])[i] = (int32_t)r;
  } else {
    const int32_t r = intBinary(p[0], static_cast<const int32_t*>(a.in[0])[offA], static_cast<const int32_t*>(a.in[1])[offB]);
    if (p[2] == kKindFloat) st(static_cast<S*>(a.out[0]), i, (float)r);
    else static_cast<int32_t*>(a.out[0])[i] = r;
  }
}

// ints: [op, kindIn, kindOut, count]; floats: clip bounds.
template <typename S>
SL_HD void unaryElement(const KernelArgs& a, int64_t i) {
  const int64_t op = a.i[0], kin = a.i[1], kout = a.i[2];
  if (kin != kKindFloat && kout != kKindFloat) {  // integer / bool paths stay exact
    const int32_t v = static_cast<const int32_t*>(a.in[0])[i];
    int32_t r = v;
    if (op == kUnRelu) r = v > 0 ? v : 0;
    else if (op == kUnNot) r = v == 0;
    else if (op == kUnNeg) r = -v;
    else if (op == kUnClip) r = (int32_t)fminf(fmaxf((float)v, a.f[0]), a.f[1]);
    static_cast<int32_t*>(a.out[0])[i] = r;
    return;
  }
  float v = ldKind<S>(a.in[0], kin, i);
  switch (op) {
    case kUnRelu: v = v > 0.0f ? v : 0.0f; break;
    case kUnSigmoid: v = sigmoidf(v); break;
    case kUnClip: v = fminf(fmaxf(v, a.f[0]), a.f[1]); break;
    case kUnNot: v = v == 0.0f ? 1.0f : 0.0f; break;
    case kUnNeg: v = -v; break;
    default: break;
  }
  if (kout == kKindFloat) st(static_cast<S*>(a.out[0]), i, v);
  else static_cast<int32_t*>(a.out[0])[i] = (int32_t)v;  // Cast float -> int truncates, as ONNX
}

// ints: [kind, dims[6], stridesCond[6], stridesA[6], stridesB[6]]
template <typename S>
SL_HD void whereElement(const KernelArgs& a, int64_t i) {
  const int64_t* p = a.i;
  const bool c = static_cast<const int32_t*>(a.in[0])[stridedOffset(i, p + 1, p + 7)] != 0;
  const int64_t off = c ? stridedOffset(i, p + 1, p + 13) : stridedOffset(i, p + 1, p + 19);
  const void* src = c ? a.in[1] : a.in[2];
  if (p[0] == kKindFloat) static_cast<S*>(a.out[0])[i] = static_cast<const S*>(src)[off];
  else static_cast<int32_t*>(a.out[0])[i] = static_cast<const int32_t*>(src)[off];
}

// Transpose ([kind, dims[6], strides[6]]) and Slice ([kind, base, dims[6], strides[6]]): gathers.
template <typename S>
SL_HD void gatherStrided(const KernelArgs& a, int64_t i, int64_t base, const int64_t* dims) {
  const int64_t off = base + stridedOffset(i, dims, dims + kMaxRank);
  if (a.i[0] == kKindFloat) static_cast<S*>(a.out[0])[i] = static_cast<const S*>(a.in[0])[off];
  else static_cast<int32_t*>(a.out[0])[i] = static_cast<const int32_t*>(a.in[0])[off];
}

// ints: [kind, outer, total, count, chunk0, chunk1, ...]
template <typename S>
SL_HD void concatElement(const KernelArgs& a, int64_t i) {
  const int64_t total = a.i[2];
  const int64_t o = i / total;
  int64_t r = i % total;
  int j = 0;
  while (r >= a.i[4 + j]) r -= a.i[4 + j++];
  const int64_t src = o * a.i[4 + j] + r;
  if (a.i[0] == kKindFloat) static_cast<S*>(a.out[0])[i] = static_cast<const S*>(a.in[j])[src];
  else static_cast<int32_t*>(a.out[0])[i] = static_cast<const int32_t*>(a.in[j])[src];
}

// ints: [kind, outer, axisDim, inner, count]
template <typename S>
SL_HD void gatherElement(const KernelArgs& a, int64_t i) {
  const int64_t axisDim = a.i[2], inner = a.i[3], count = a.i[4];
  const int64_t e = i % inner, t = i / inner, j = t % count, o = t / count;
  int64_t idx = static_cast<const int32_t*>(a.in[1])[j];
  if (idx < 0) idx += axisDim;
  if (idx < 0 || idx >= axisDim) idx = 0;  // out of range: ONNX leaves it undefined; stay in bounds
  const int64_t src = (o * axisDim + idx) * inner + e;
  if (a.i[0] == kKindFloat) static_cast<S*>(a.out[0])[i] = static_cast<const S*>(a.in[0])[src];
  else static_cast<int32_t*>(a.out[0])[i] = static_cast<const int32_t*>(a.in[0])[src];
}

// ints: [outer, reduce, inner]
template <typename S>
SL_HD void reduceMeanElement(const KernelArgs& a, int64_t i) {
  const int64_t reduce = a.i[1], inner = a.i[2];
  const int64_t o = i / inner, e = i % inner;
  const S* x = static_cast<const S*>(a.in[0]);
  float acc = 0.0f;
  for (int64_t r = 0; r < reduce; ++r) acc = acc + ld(x, (o * reduce + r) * inner + e);
  st(static_cast<S*>(a.out[0]), i, acc / (float)reduce);
}

SL_HD float resizeCoord(int64_t mode, int64_t out, float scale, int64_t inSize, int64_t outSize) {
  switch (mode) {
    case 1: return ((float)out + 0.5f) / scale - 0.5f;
    case 2: return outSize > 1 ? (float)out * (float)(inSize - 1) / (float)(outSize - 1) : 0.0f;
    case 3: return outSize > 1 ? ((float)out + 0.5f) / scale - 0.5f : 0.0f;
    default: return (float)out / scale;
  }
}

// Bilinear resize of NCHW planes. ints: [planes, H, W, OH, OW, mode]; floats: [scaleH, scaleW]
template <typename S>
SL_HD void resizeElement(const KernelArgs& a, int64_t i) {
  const int64_t H = a.i[1], W = a.i[2], OH = a.i[3], OW = a.i[4];
  const int64_t ox = i % OW, t = i / OW, oy = t % OH, plane = t / OH;
  float fy = resizeCoord(a.i[5], oy, a.f[0], H, OH), fx = resizeCoord(a.i[5], ox, a.f[1], W, OW);
  fy = fminf(fmaxf(fy, 0.0f), (float)(H - 1));
  fx = fminf(fmaxf(fx, 0.0f), (float)(W - 1));
  const int64_t y0 = (int64_t)fy, x0 = (int64_t)fx;
  const int64_t y1 = y0 + 1 < H ? y0 + 1 : H - 1, x1 = x0 + 1 < W ? x0 + 1 : W - 1;
  const float dy = fy - (float)y0, dx = fx - (float)x0;
  const S* x = static_cast<const S*>(a.in[0]) + plane * H * W;
  const float top = ld(x, y0 * W + x0) * (1.0f - dx) + ld(x, y0 * W + x1) * dx;
  const float bottom = ld(x, y1 * W + x0) * (1.0f - dx) + ld(x, y1 * W + x1) * dx;
  st(static_cast<S*>(a.out[0]), i, top * (1.0f - dy) + bottom * dy);
}

// ints: [planes, H, W, OH, OW, KH, KW, SH, SW, PT, PL]; padded taps are ignored.
template <typename S>
SL_HD void maxPoolElement(const KernelArgs& a, int64_t i) {
  const int64_t* p = a.i;
  const int64_t H = p[1], W = p[2], OH = p[3], OW = p[4];
  const int64_t ox = i % OW, t = i / OW, oy = t % OH, plane = t / OH;
  const S* x = static_cast<const S*>(a.in[0]) + plane * H * W;
  float best = -INFINITY;
  for (int64_t ky = 0; ky < p[5]; ++ky) {
    const int64_t iy = oy * p[7] - p[9] + ky;
    if (iy < 0 || iy >= H) continue;
    for (int64_t kx = 0; kx < p[6]; ++kx) {
      const int64_t ix = ox * p[8] - p[10] + kx;
      if (ix < 0 || ix >= W) continue;
      const float v = ld(x, iy * W + ix);
      if (v > best) best = v;
    }
  }
  st(static_cast<S*>(a.out[0]), i, best);
}

// Softmax over one axis. ints: [outer, axisDim, inner]; work item i is row (i / inner, i % inner).
// Max first (so exp never overflows), then the sum, then each value, all in FP32.
template <typename S>
SL_HD void softmaxRow(const KernelArgs& a, int64_t i) {
  const int64_t dim = a.i[1], inner = a.i[2];
  const int64_t base = (i / inner) * dim * inner + i % inner;
  const S* x = static_cast<const S*>(a.in[0]);
  S* y = static_cast<S*>(a.out[0]);
  float mx = -INFINITY;
  for (int64_t d = 0; d < dim; ++d) mx = fmaxf(mx, ld(x, base + d * inner));
  float sum = 0.0f;
  for (int64_t d = 0; d < dim; ++d) sum = sum + expf(ld(x, base + d * inner) - mx);
  for (int64_t d = 0; d < dim; ++d) st(y, base + d * inner, expf(ld(x, base + d * inner) - mx) / sum);
}

// Batched matrix product [.., M, K] x [.., K, N]. ints: [M, K, N, strideA, strideB, batchDims[6],
// batchStridesA[6], batchStridesB[6]] (batch strides 0 where broadcast); sums k ascending.
template <typename S>
SL_HD void matMulElement(const KernelArgs& a, int64_t i) {
  const int64_t M = a.i[0], K = a.i[1], N = a.i[2];
  const int64_t n = i % N, m = (i / N) % M, b = i / (N * M);
  const S* x = static_cast<const S*>(a.in[0]) + stridedOffset(b, a.i + 5, a.i + 11) + m * K;
  const S* w = static_cast<const S*>(a.in[1]) + stridedOffset(b, a.i + 5, a.i + 17) + n;
  float acc = 0.0f;
  for (int64_t k = 0; k < K; ++k) acc = acc + ld(x, k) * ld(w, k * N);
  st(static_cast<S*>(a.out[0]), i, acc);
}

// Average pooling with maxPoolElement's parameters + [countIncludePad]: padded taps count in
// the divisor only when asked (ONNX count_include_pad).
template <typename S>
SL_HD void avgPoolElement(const KernelArgs& a, int64_t i) {
  const int64_t* p = a.i;
  const int64_t H = p[1], W = p[2], OH = p[3], OW = p[4];
  const int64_t ox = i % OW, t = i / OW, oy = t % OH, plane = t / OH;
  const S* x = static_cast<const S*>(a.in[0]) + plane * H * W;
  float sum = 0.0f;
  int64_t taps = 0;
  for (int64_t ky = 0; ky < p[5]; ++ky) {
    const int64_t iy = oy * p[7] - p[9] + ky;
    for (int64_t kx = 0; kx < p[6]; ++kx) {
      const int64_t ix = ox * p[8] - p[10] + kx;
      if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
        if (p[11]) ++taps;
        continue;
      }
      sum = sum + ld(x, iy * W + ix);
      ++taps;
    }
  }
  st(static_cast<S*>(a.out[0]), i, taps > 0 ? sum / (float)taps : 0.0f);
}

// TopK, largest first, ties to the lower index (onnxruntime's order). Done in stages: each
// work item keeps the best k of one chunk of candidates in a sorted list (insertion), then the
// chunk winners are chunked again until one chunk remains.
SL_HD bool topkBefore(float av, int32_t ai, float bv, int32_t bi) { return av > bv || (av == bv && ai < bi); }

// Best k of candidates [begin, end) of one row into outV/outI (k slots, sorted). Candidate
// values come from `vals` (floats) and indices from `idx`, or are the positions when idx is null.
SL_HD void topkChunk(const float* vals, const int32_t* idx, int64_t begin, int64_t end, int64_t k, float* outV,
                     int32_t* outI) {
  int64_t filled = 0;
  for (int64_t c = begin; c < end; ++c) {
    const float v = vals[c];
    const int32_t id = idx ? idx[c] : (int32_t)c;
    if (v != v) continue;  // NaN never ranks
    if (filled == k && !topkBefore(v, id, outV[k - 1], outI[k - 1])) continue;
    int64_t pos = filled < k ? filled++ : k - 1;
    while (pos > 0 && topkBefore(v, id, outV[pos - 1], outI[pos - 1])) {
      outV[pos] = outV[pos - 1];
      outI[pos] = outI[pos - 1];
      --pos;
    }
    outV[pos] = v;
    outI[pos] = id;
  }
  for (int64_t r = filled; r < k; ++r) {
    outV[r] = -INFINITY;
    outI[r] = -1;
  }
}

// TopK args: ints [rows, cols, k, largest, kind]; ws[0] the row values as float (negated for
// smallest-first), ws[1..2] and ws[3..4] ping-pong candidate values / indices.
template <typename S>
SL_HD void topkLoadItem(const KernelArgs& a, int64_t i) {
  const float v = ldKind<S>(a.in[0], a.i[4], i);
  static_cast<float*>(a.ws[0])[i] = a.i[3] ? v : -v;
}

// Work item j of a stage: row j / chunks, chunk j % chunks of `len` candidates per row.
SL_HD void topkStageItem(const float* srcV, const int32_t* srcI, int64_t len, int64_t chunks, int64_t chunkLen, int64_t k,
                         float* dstV, int32_t* dstI, int64_t j) {
  const int64_t r = j / chunks, c = j % chunks;
  const int64_t begin = c * chunkLen, end = begin + chunkLen < len ? begin + chunkLen : len;
  topkChunk(srcV + r * len, srcI ? srcI + r * len : nullptr, begin, end, k, dstV + j * k, dstI + j * k);
}

template <typename S>
SL_HD void topkStoreItem(const KernelArgs& a, const float* v, const int32_t* idx, int64_t i) {
  const float x = a.i[3] ? v[i] : -v[i];
  if (a.i[4] == kKindFloat) st(static_cast<S*>(a.out[0]), i, x);
  else static_cast<int32_t*>(a.out[0])[i] = (int32_t)x;
  static_cast<int32_t*>(a.out[1])[i] = idx[i];
}

}  // namespace graph
}  // namespace sightline
