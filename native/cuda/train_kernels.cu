// CUDA versions of the training kernels (../cpp/train_ops.h): one thread per output element,
// grid-stride loops over the bodies in train_bodies.h, compiled with -fmad=false so the double
// arithmetic gives the CPU's bits (softmax's exp and log may differ in the last bit). Each call
// copies its arrays to the device and back: simple and correct; keeping a head's weights on the
// device across a mini-batch is the next step for speed. Every CUDA call is checked.
#include <cuda_runtime.h>

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "../cpp/kernels.h"
#include "../cpp/train_ops.h"
#include "train_bodies.h"

namespace sightline {
namespace train {
namespace cuda {
namespace {

constexpr int kThreads = 256;

void check(cudaError_t err, const char* expr, int line) {
  if (err == cudaSuccess) return;
  cudaGetLastError();
  throw std::runtime_error(std::string("CUDA error ") + cudaGetErrorName(err) + " (" + cudaGetErrorString(err) +
                           ") in `" + expr + "` at train_kernels.cu:" + std::to_string(line));
}
#define SL_CUDA(expr) check((expr), #expr, __LINE__)

void requireDevice() {
  if (sightline::cudaDeviceCount() == 0) throw std::runtime_error("no CUDA device is available (cudaDeviceCount() is 0); train on the cpp backend");
}

// One call's device copy of a host array: uploaded on creation when `in`, downloaded by `fetch`.
template <typename T>
class Mirror {
 public:
  Mirror(const T* host, int64_t count, bool in) : host_(const_cast<T*>(host)), count_(host ? count : 0) {
    if (!host_) return;
    SL_CUDA(cudaMalloc(reinterpret_cast<void**>(&dev_), std::max<int64_t>(count_, 1) * sizeof(T)));
    if (in && count_) SL_CUDA(cudaMemcpy(dev_, host_, count_ * sizeof(T), cudaMemcpyHostToDevice));
  }
  ~Mirror() {
    if (dev_) cudaFree(dev_);
  }
  Mirror(const Mirror&) = delete;
  Mirror& operator=(const Mirror&) = delete;
  T* get() const { return dev_; }
  void fetch() {
    if (dev_ && count_) SL_CUDA(cudaMemcpy(host_, dev_, count_ * sizeof(T), cudaMemcpyDeviceToHost));
  }

 private:
  T* host_;
  int64_t count_;
  T* dev_ = nullptr;
};

unsigned blocksFor(int64_t n) {
  return static_cast<unsigned>(std::min<int64_t>(std::max<int64_t>((n + kThreads - 1) / kThreads, 1), 65535));
}

void launched() {
  SL_CUDA(cudaGetLastError());
  SL_CUDA(cudaDeviceSynchronize());
}

#define SL_GRID_STRIDE(total) for (int64_t e = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; e < (total); e += (int64_t)blockDim.x * gridDim.x)

__global__ void denseForwardKernel(const float* x, const float* w, const float* b, float* y, int64_t n, int64_t in, int64_t out) {
  SL_GRID_STRIDE(n * out) body::denseForward(x, w, b, y, in, out, e);
}
__global__ void denseDxKernel(const float* w, const float* dy, float* dx, int64_t n, int64_t in, int64_t out) {
  SL_GRID_STRIDE(n * in) body::denseBackwardDx(w, dy, dx, in, out, e);
}
__global__ void denseDwKernel(const float* x, const float* dy, float* dw, int64_t n, int64_t in, int64_t out) {
  SL_GRID_STRIDE(out * in) body::denseBackwardDw(x, dy, dw, n, in, out, e);
}
__global__ void denseDbKernel(const float* dy, float* db, int64_t n, int64_t out) {
  SL_GRID_STRIDE(out) body::denseBackwardDb(dy, db, n, out, e);
}
__global__ void convForwardKernel(const float* x, const float* w, const float* b, float* y, body::ConvDims s) {
  SL_GRID_STRIDE(s.n * s.o * s.oh * s.ow) body::convForward(x, w, b, y, s, e);
}
__global__ void convDxKernel(const float* w, const float* dy, float* dx, body::ConvDims s) {
  SL_GRID_STRIDE(s.n * s.c * s.h * s.w) body::convBackwardDx(w, dy, dx, s, e);
}
__global__ void convDwKernel(const float* x, const float* dy, float* dw, body::ConvDims s) {
  SL_GRID_STRIDE(s.o * s.c * s.k * s.k) body::convBackwardDw(x, dy, dw, s, e);
}
__global__ void convDbKernel(const float* dy, float* db, body::ConvDims s) {
  SL_GRID_STRIDE(s.o) body::convBackwardDb(dy, db, s, e);
}
__global__ void poolForwardKernel(const float* x, float* y, int32_t* argmax, int64_t outs, int64_t h, int64_t w, int64_t k) {
  SL_GRID_STRIDE(outs) body::maxPoolForward(x, y, argmax, h, w, k, e);
}
__global__ void poolBackwardKernel(const float* dy, const int32_t* argmax, float* dx, int64_t len, int64_t h, int64_t w, int64_t k) {
  SL_GRID_STRIDE(len) body::maxPoolBackward(dy, argmax, dx, h, w, k, e);
}
__global__ void reluForwardKernel(const float* x, float* y, int64_t len) {
  SL_GRID_STRIDE(len) body::reluForward(x, y, e);
}
__global__ void reluBackwardKernel(const float* x, const float* dy, float* dx, int64_t len) {
  SL_GRID_STRIDE(len) body::reluBackward(x, dy, dx, e);
}
__global__ void dropoutKernel(const float* x, const uint8_t* mask, double scale, float* y, int64_t len) {
  SL_GRID_STRIDE(len) body::dropout(x, mask, scale, y, e);
}
__global__ void softmaxKernel(const float* logits, const int32_t* labels, const float* weights, float* probs, float* dlogits,
                              double* rowLoss, int64_t n, int64_t k, double totalWeight) {
  SL_GRID_STRIDE(n) body::softmaxRow(logits, labels, weights, probs, dlogits, rowLoss, k, totalWeight, e);
}
__global__ void sgdKernel(float* p, const float* g, float* v, int64_t len, double lr, double momentum, double wd) {
  SL_GRID_STRIDE(len) body::sgdStep(p, g, v, lr, momentum, wd, e);
}
__global__ void adamKernel(float* p, const float* g, float* m, float* v, int64_t len, double lr, double b1, double b2,
                           double eps, double wd, double bc1, double bc2) {
  SL_GRID_STRIDE(len) body::adamStep(p, g, m, v, lr, b1, b2, eps, wd, bc1, bc2, e);
}

body::ConvDims dims(const ConvShape& s) { return {s.n, s.c, s.h, s.w, s.o, s.k, s.pad, s.oh, s.ow}; }

}  // namespace

void denseForward(const float* x, const float* w, const float* b, float* y, int64_t n, int64_t in, int64_t out) {
  requireDevice();
  Mirror<float> dx_(x, n * in, true), dw_(w, out * in, true), db_(b, out, true), dy_(y, n * out, false);
  denseForwardKernel<<<blocksFor(n * out), kThreads>>>(dx_.get(), dw_.get(), db_.get(), dy_.get(), n, in, out);
  launched();
  dy_.fetch();
}

void denseBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, int64_t n,
                   int64_t in, int64_t out) {
  requireDevice();
  Mirror<float> mx(x, n * in, true), mw(w, out * in, true), mdy(dy, n * out, true), mdx(dx, n * in, false), mdw(dw, out * in, false), mdb(db, out, false);
  if (dx) denseDxKernel<<<blocksFor(n * in), kThreads>>>(mw.get(), mdy.get(), mdx.get(), n, in, out);
  denseDwKernel<<<blocksFor(out * in), kThreads>>>(mx.get(), mdy.get(), mdw.get(), n, in, out);
  denseDbKernel<<<blocksFor(out), kThreads>>>(mdy.get(), mdb.get(), n, out);
  launched();
  mdx.fetch();
  mdw.fetch();
  mdb.fetch();
}

void convForward(const float* x, const float* w, const float* b, float* y, const ConvShape& s) {
  requireDevice();
  Mirror<float> mx(x, s.n * s.c * s.h * s.w, true), mw(w, s.o * s.c * s.k * s.k, true), mb(b, s.o, true), my(y, s.n * s.o * s.oh * s.ow, false);
  convForwardKernel<<<blocksFor(s.n * s.o * s.oh * s.ow), kThreads>>>(mx.get(), mw.get(), mb.get(), my.get(), dims(s));
  launched();
  my.fetch();
}

void convBackward(const float* x, const float* w, const float* dy, float* dx, float* dw, float* db, const ConvShape& s) {
  requireDevice();
  const int64_t xLen = s.n * s.c * s.h * s.w, wLen = s.o * s.c * s.k * s.k, yLen = s.n * s.o * s.oh * s.ow;
  Mirror<float> mx(x, xLen, true), mw(w, wLen, true), mdy(dy, yLen, true), mdx(dx, xLen, false), mdw(dw, wLen, false), mdb(db, s.o, false);
  if (dx) convDxKernel<<<blocksFor(xLen), kThreads>>>(mw.get(), mdy.get(), mdx.get(), dims(s));
  convDwKernel<<<blocksFor(wLen), kThreads>>>(mx.get(), mdy.get(), mdw.get(), dims(s));
  convDbKernel<<<blocksFor(s.o), kThreads>>>(mdy.get(), mdb.get(), dims(s));
  launched();
  mdx.fetch();
  mdw.fetch();
  mdb.fetch();
}

void maxPoolForward(const float* x, float* y, int32_t* argmax, int64_t nc, int64_t h, int64_t w, int64_t k) {
  requireDevice();
  const int64_t outs = nc * (h / k) * (w / k);
  Mirror<float> mx(x, nc * h * w, true), my(y, outs, false);
  Mirror<int32_t> ma(argmax, outs, false);
  poolForwardKernel<<<blocksFor(outs), kThreads>>>(mx.get(), my.get(), ma.get(), outs, h, w, k);
  launched();
  my.fetch();
  ma.fetch();
}

void maxPoolBackward(const float* dy, const int32_t* argmax, float* dx, int64_t nc, int64_t h, int64_t w, int64_t k) {
  requireDevice();
  const int64_t outs = nc * (h / k) * (w / k);
  Mirror<float> mdy(dy, outs, true), mdx(dx, nc * h * w, false);
  Mirror<int32_t> ma(argmax, outs, true);
  poolBackwardKernel<<<blocksFor(nc * h * w), kThreads>>>(mdy.get(), ma.get(), mdx.get(), nc * h * w, h, w, k);
  launched();
  mdx.fetch();
}

void reluForward(const float* x, float* y, int64_t len) {
  requireDevice();
  Mirror<float> mx(x, len, true), my(y, len, false);
  reluForwardKernel<<<blocksFor(len), kThreads>>>(mx.get(), my.get(), len);
  launched();
  my.fetch();
}

void reluBackward(const float* x, const float* dy, float* dx, int64_t len) {
  requireDevice();
  Mirror<float> mx(x, len, true), mdy(dy, len, true), mdx(dx, len, false);
  reluBackwardKernel<<<blocksFor(len), kThreads>>>(mx.get(), mdy.get(), mdx.get(), len);
  launched();
  mdx.fetch();
}

void dropout(const float* x, const uint8_t* mask, double scale, float* y, int64_t len) {
  requireDevice();
  Mirror<float> mx(x, len, true), my(y, len, false);
  Mirror<uint8_t> mm(mask, len, true);
  dropoutKernel<<<blocksFor(len), kThreads>>>(mx.get(), mm.get(), scale, my.get(), len);
  launched();
  my.fetch();
}

double softmaxCrossEntropy(const float* logits, const int32_t* labels, const float* classWeights, float* probs,
                           float* dlogits, int64_t n, int64_t k) {
  requireDevice();
  double totalWeight = 0;
  for (int64_t r = 0; r < n; ++r) totalWeight += classWeights ? static_cast<double>(classWeights[labels[r]]) : 1.0;
  if (!(totalWeight > 0)) totalWeight = 1;
  std::vector<double> rowLoss(static_cast<size_t>(n));
  Mirror<float> ml(logits, n * k, true), mw(classWeights, k, true), mp(probs, n * k, false), md(dlogits, n * k, false);
  Mirror<int32_t> my(labels, n, true);
  Mirror<double> mr(rowLoss.data(), n, false);
  softmaxKernel<<<blocksFor(n), kThreads>>>(ml.get(), my.get(), mw.get(), mp.get(), md.get(), mr.get(), n, k, totalWeight);
  launched();
  mp.fetch();
  md.fetch();
  mr.fetch();
  double loss = 0;
  for (int64_t r = 0; r < n; ++r) loss += rowLoss[r];
  return loss / totalWeight;
}

void sgdStep(float* p, const float* g, float* v, int64_t len, double lr, double momentum, double weightDecay) {
  requireDevice();
  Mirror<float> mp(p, len, true), mg(g, len, true), mv(v, len, true);
  sgdKernel<<<blocksFor(len), kThreads>>>(mp.get(), mg.get(), mv.get(), len, lr, momentum, weightDecay);
  launched();
  mp.fetch();
  mv.fetch();
}

void adamStep(float* p, const float* g, float* m, float* v, int64_t len, double lr, double beta1, double beta2,
              double eps, double weightDecay, double bc1, double bc2) {
  requireDevice();
  Mirror<float> mp(p, len, true), mg(g, len, true), mm(m, len, true), mv(v, len, true);
  adamKernel<<<blocksFor(len), kThreads>>>(mp.get(), mg.get(), mm.get(), mv.get(), len, lr, beta1, beta2, eps, weightDecay, bc1, bc2);
  launched();
  mp.fetch();
  mm.fetch();
  mv.fetch();
}

}  // namespace cuda
}  // namespace train
}  // namespace sightline
