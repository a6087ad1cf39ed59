// Shared-memory tiled implicit-GEMM convolution, written as the phases of one thread block so
// the CUDA kernels (graph_conv_tiled.cu) and the CPU emulation (cpp/graph_emulation.cc) run the
// same code: the GPU runs the phases in every thread between __syncthreads(); the emulation runs
// each phase for thread 0..255 in turn on a block-local copy of the shared tile.
//
// GEMM view per group: out[m, p] = sum_k W[m, k] * X[k, p], m an output channel of the group,
// p = (n, oy, ox) an output pixel, k = (ci, ky, kx) a tap. A block computes a 64 x 64 tile of
// (m, p), stepping k by 16. Every output sums its taps in ascending k, as the simple kernel
// does (graph_bodies.h, convOutputs); padded taps add a +-0 product, which leaves an FP32 sum
// unchanged, so the scalar tiled variant gives the simple variant's bits.
//
// The MMA variant (FP16 plans) stages half tiles and multiplies them per warp with WMMA on
// sm >= 70; elsewhere, and in the emulation, a scalar loop over the same fragments stands in
// (products of halves summed in k order in FP32). Tensor cores sum in their own order, so on a
// GPU that variant agrees with the others within FP16 tolerance, not bit for bit.
#pragma once

#include "graph_bodies.h"

namespace sightline {
namespace graph {

constexpr int kTileM = 64, kTileN = 64, kTileK = 16, kTileThreads = 256;
constexpr int kTileRows = kTileM / 16, kTileCols = kTileN / 16;  // per-thread 4 x 4 outputs

struct ConvTileSmem {
  float a[kTileK][kTileM];  // weights: tap k, channel m
  float b[kTileK][kTileN];  // im2col of the input: tap k, pixel p
};

struct alignas(32) ConvMmaSmem {
  Half a[kTileM][kTileK];  // row-major m x k (WMMA matrix_a, ldm 16)
  Half b[kTileK][kTileN];  // row-major k x p (WMMA matrix_b, ldm 64)
  float c[kTileM][kTileN];  // accumulators (scalar MMA) / fragments stored for the epilogue
};

// Which (group, channel tile, pixel tile) block `block` computes, and the GEMM sizes.
struct ConvTileGeom {
  int64_t group, m0, p0, mg, cg, pixels, K;
};

SL_HD int64_t convTileBlocks(const KernelArgs& a) {
  const int64_t* p = a.i;
  const int64_t mg = p[kConvM] / p[kConvG];
  const int64_t pixels = p[kConvN] * p[kConvOH] * p[kConvOW];
  return p[kConvG] * ((mg + kTileM - 1) / kTileM) * ((pixels + kTileN - 1) / kTileN);
}

SL_HD ConvTileGeom convTileGeom(const KernelArgs& a, int64_t block) {
  const int64_t* p = a.i;
  ConvTileGeom g;
  g.mg = p[kConvM] / p[kConvG];
  g.cg = p[kConvC] / p[kConvG];
  g.pixels = p[kConvN] * p[kConvOH] * p[kConvOW];
  g.K = g.cg * p[kConvKH] * p[kConvKW];
  const int64_t pTiles = (g.pixels + kTileN - 1) / kTileN, mTiles = (g.mg + kTileM - 1) / kTileM;
  g.p0 = (block % pTiles) * kTileN;
  const int64_t t = block / pTiles;
  g.m0 = (t % mTiles) * kTileM;
  g.group = t / mTiles;
  return g;
}

// Tiles pay off only with enough output channels per group (not for depthwise convolutions);
// the tensor-core tile needs FP16 storage.
SL_HD bool convVariantApplies(const KernelArgs& a, int variant, bool fp16) {
  if (variant < kConvTiled) return variant >= 0;
  if (a.i[kConvM] / a.i[kConvG] < 8) return false;
  return variant == kConvTiled || (variant == kConvMma && fp16);
}

// Weight W[m, k] of the group (0 outside the matrix).
template <typename S>
SL_HD float convTileWeight(const KernelArgs& a, const ConvTileGeom& g, int64_t m, int64_t k) {
  if (m >= g.mg || k >= g.K) return 0.0f;
  return ld(static_cast<const S*>(a.in[1]), (g.group * g.mg + m) * g.K + k);
}

// im2col value X[k, p] of the group (0 for padding and outside the matrix).
template <typename S>
SL_HD float convTileInput(const KernelArgs& a, const ConvTileGeom& g, int64_t k, int64_t pix) {
  if (k >= g.K || pix >= g.pixels) return 0.0f;
  const int64_t* p = a.i;
  const int64_t KH = p[kConvKH], KW = p[kConvKW], H = p[kConvH], W = p[kConvW], OH = p[kConvOH], OW = p[kConvOW];
  const int64_t kx = k % KW, ky = (k / KW) % KH, ci = k / (KW * KH);
  const int64_t ox = pix % OW, oy = (pix / OW) % OH, n = pix / (OW * OH);
  const int64_t iy = oy * p[kConvSH] - p[kConvPT] + ky * p[kConvDH];
  const int64_t ix = ox * p[kConvSW] - p[kConvPL] + kx * p[kConvDW];
  if (iy < 0 || iy >= H || ix < 0 || ix >= W) return 0.0f;
  return ld(static_cast<const S*>(a.in[0]), ((n * p[kConvC] + g.group * g.cg + ci) * H + iy) * W + ix);
}

// Output (m, pix) of the group: bias, activation, store (skipped outside the matrix).
template <typename S>
SL_HD void convTileOutput(const KernelArgs& a, const ConvTileGeom& g, int64_t m, int64_t pix, float acc) {
  if (m >= g.mg || pix >= g.pixels) return;
  const int64_t* p = a.i;
  const int64_t OHW = p[kConvOH] * p[kConvOW];
  const int64_t mm = g.group * g.mg + m;
  if (p[kConvHasBias]) acc = acc + ld(static_cast<const S*>(a.in[2]), mm);
  const int64_t n = pix / OHW, r = pix % OHW;
  st(static_cast<S*>(a.out[0]), (n * p[kConvM] + mm) * OHW + r, activate(acc, p[kConvAct], a.f));
}

// Phase 1 (scalar variant): thread t stages 4 weights and 4 input values of the k0 slice.
// Consecutive threads take consecutive pixels, so global reads of the input coalesce.
template <typename S>
SL_HD void convTileLoad(const KernelArgs& a, const ConvTileGeom& g, int64_t k0, int t, ConvTileSmem& sm) {
  for (int r = 0; r < (kTileK * kTileM) / kTileThreads; ++r) {
    const int e = t + r * kTileThreads;
    const int kk = e % kTileK, mm = e / kTileK;  // weights are contiguous in k
    sm.a[kk][mm] = convTileWeight<S>(a, g, g.m0 + mm, k0 + kk);
    const int nn = e % kTileN, kb = e / kTileN;
    sm.b[kb][nn] = convTileInput<S>(a, g, k0 + kb, g.p0 + nn);
  }
}

// Phase 2: thread t adds the slice's products to its 4 x 4 outputs (rows ty + 16 i, columns
// tx + 16 j), k ascending.
SL_HD void convTileCompute(const ConvTileSmem& sm, int t, float* acc) {
  const int tx = t % 16, ty = t / 16;
  for (int kk = 0; kk < kTileK; ++kk) {
    for (int i = 0; i < kTileRows; ++i) {
      const float w = sm.a[kk][ty + 16 * i];
      for (int j = 0; j < kTileCols; ++j) acc[i * kTileCols + j] = acc[i * kTileCols + j] + w * sm.b[kk][tx + 16 * j];
    }
  }
}

// Phase 3: thread t writes its outputs.
template <typename S>
SL_HD void convTileStore(const KernelArgs& a, const ConvTileGeom& g, int t, const float* acc) {
  const int tx = t % 16, ty = t / 16;
  for (int i = 0; i < kTileRows; ++i)
    for (int j = 0; j < kTileCols; ++j) convTileOutput<S>(a, g, g.m0 + ty + 16 * i, g.p0 + tx + 16 * j, acc[i * kTileCols + j]);
}

// MMA variant, phase 1: thread t stages 4 weights and 4 inputs as halves (FP16 plans store
// halves already, so this is a copy of the same bits).
template <typename S>
SL_HD void convMmaLoad(const KernelArgs& a, const ConvTileGeom& g, int64_t k0, int t, ConvMmaSmem& sm) {
  for (int r = 0; r < (kTileK * kTileM) / kTileThreads; ++r) {
    const int e = t + r * kTileThreads;
    const int kk = e % kTileK, mm = e / kTileK;
    sm.a[mm][kk].bits = floatToHalf(convTileWeight<S>(a, g, g.m0 + mm, k0 + kk));
    const int nn = e % kTileN, kb = e / kTileN;
    sm.b[kb][nn].bits = floatToHalf(convTileInput<S>(a, g, k0 + kb, g.p0 + nn));
  }
}

// Warp w owns the 16 x 16 fragments (row w / 2, columns 2 (w % 2) and 2 (w % 2) + 1).
SL_HD void convMmaFragment(int warp, int f, int& row, int& col) {
  row = (warp / 2) * 16;
  col = ((warp % 2) * 2 + f) * 16;
}

// MMA variant, phase 2 without tensor cores: lane 0 of warp w does the warp's fragments.
SL_HD void convMmaScalar(ConvMmaSmem& sm, int warp) {
  for (int f = 0; f < 2; ++f) {
    int row, col;
    convMmaFragment(warp, f, row, col);
    for (int r = row; r < row + 16; ++r)
      for (int c = col; c < col + 16; ++c) {
        float acc = sm.c[r][c];
        for (int kk = 0; kk < kTileK; ++kk) acc = acc + halfToFloat(sm.a[r][kk].bits) * halfToFloat(sm.b[kk][c].bits);
        sm.c[r][c] = acc;
      }
  }
}

// MMA variant, phase 3: thread t finishes 16 of the block's accumulators.
template <typename S>
SL_HD void convMmaStore(const KernelArgs& a, const ConvTileGeom& g, int t, const ConvMmaSmem& sm) {
  for (int r = 0; r < (kTileM * kTileN) / kTileThreads; ++r) {
    const int e = t + r * kTileThreads;
    const int mm = e / kTileN, nn = e % kTileN;
    convTileOutput<S>(a, g, g.m0 + mm, g.p0 + nn, sm.c[mm][nn]);
  }
}

}  // namespace graph
}  // namespace sightline
