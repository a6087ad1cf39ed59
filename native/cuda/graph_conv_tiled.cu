// Tiled implicit-GEMM convolution kernels over the block phases of conv_tile_bodies.h: the
// scalar FP32-arithmetic tile for FP32 and FP16 storage, and the FP16 tile whose products run
// on tensor cores (WMMA 16x16x16, FP32 accumulation) where the device code is built for
// sm >= 70. Built with -fmad=false like graph_kernels.cu, so the scalar tile gives the simple
// kernel's bits.
#include <cuda_fp16.h>
#include <cuda_runtime.h>
#include <mma.h>

// Tensor-core path only in device code for sm >= 70 (WMMA needs Volta or newer).
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 700
#define SL_WMMA 1
#endif

#include "../cpp/graph_conv_tiled.h"
#include "conv_tile_bodies.h"

namespace sightline {
namespace graph {
namespace {

template <typename S>
__global__ void __launch_bounds__(kTileThreads) convTileKernel(KernelArgs a) {
  __shared__ ConvTileSmem sm;
  const ConvTileGeom g = convTileGeom(a, blockIdx.x);
  float acc[kTileRows * kTileCols] = {};
  for (int64_t k0 = 0; k0 < g.K; k0 += kTileK) {
    convTileLoad<S>(a, g, k0, threadIdx.x, sm);
    __syncthreads();
    convTileCompute(sm, threadIdx.x, acc);
    __syncthreads();
  }
  convTileStore<S>(a, g, threadIdx.x, acc);
}

__global__ void __launch_bounds__(kTileThreads) convMmaKernel(KernelArgs a) {
  __shared__ ConvMmaSmem sm;
  const ConvTileGeom g = convTileGeom(a, blockIdx.x);
  const int warp = threadIdx.x / 32;
#ifdef SL_WMMA
  using namespace nvcuda;
  wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc[2];
  for (int f = 0; f < 2; ++f) wmma::fill_fragment(acc[f], 0.0f);
#else
  for (int e = threadIdx.x; e < kTileM * kTileN; e += kTileThreads) sm.c[e / kTileN][e % kTileN] = 0.0f;
#endif
  for (int64_t k0 = 0; k0 < g.K; k0 += kTileK) {
    convMmaLoad<Half>(a, g, k0, threadIdx.x, sm);
    __syncthreads();
#ifdef SL_WMMA
    for (int f = 0; f < 2; ++f) {
      int row, col;
      convMmaFragment(warp, f, row, col);
      wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
      wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> fb;
      wmma::load_matrix_sync(fa, reinterpret_cast<const __half*>(&sm.a[row][0]), kTileK);
      wmma::load_matrix_sync(fb, reinterpret_cast<const __half*>(&sm.b[0][col]), kTileN);
      wmma::mma_sync(acc[f], fa, fb, acc[f]);
    }
#else
    if (threadIdx.x % 32 == 0) convMmaScalar(sm, warp);
#endif
    __syncthreads();
  }
#ifdef SL_WMMA
  for (int f = 0; f < 2; ++f) {
    int row, col;
    convMmaFragment(warp, f, row, col);
    wmma::store_matrix_sync(&sm.c[row][col], acc[f], kTileN, wmma::mem_row_major);
  }
  __syncthreads();
#endif
  convMmaStore<Half>(a, g, threadIdx.x, sm);
}

}  // namespace

bool launchConvTiled(const KernelArgs& a, bool mma, bool fp16, void* stream) {
  const int64_t blocks = convTileBlocks(a);
  if (blocks <= 0) return true;
  if (blocks > 2147483647LL) return false;
  cudaStream_t s = static_cast<cudaStream_t>(stream);
  const unsigned grid = static_cast<unsigned>(blocks);
  if (mma) {
    if (!fp16) return false;
    convMmaKernel<<<grid, kTileThreads, 0, s>>>(a);
  } else if (fp16) {
    convTileKernel<Half><<<grid, kTileThreads, 0, s>>>(a);
  } else {
    convTileKernel<float><<<grid, kTileThreads, 0, s>>>(a);
  }
  return true;
}

}  // namespace graph
}  // namespace sightline
