// Arithmetic shared by the C++ and CUDA kernels (and mirrored line by line in src/reference/*.ts).
// Everything is computed in double with a fixed operation order and no FMA contraction
// (-ffp-contract=off, nvcc -fmad=false), so every backend produces bit-identical float32 outputs.
#pragma once

#include <cstdint>
#include <cmath>

#if defined(__CUDACC__)
#define SL_HD __host__ __device__ __forceinline__
#else
#define SL_HD inline
#endif

namespace sightline {

// Resolved by the TypeScript facade (letterbox geometry, defaults); validated again in C++.
struct FrameParams {
  const uint8_t* src;
  int64_t srcW, srcH, channels;  // channels 3 (RGB24) or 4 (RGBA, alpha ignored)
  float* out;
  int64_t outW, outH;
  int64_t padX, padY, contentW, contentH;  // where the resized frame lies in the output
  double padValue, scale;  // raw pixel value of the padding; multiplier before mean/std
  double mean[3], stdev[3];
  bool nchw;
};

struct RoiParams {
  const float* input;
  int64_t n, c, h, w;  // logical sizes, independent of layout
  bool nchw;
  const float* boxes;        // k * 4, xyxy
  const int32_t* batch;      // k batch indices, or nullptr for all zero
  int64_t k;
  int64_t outH, outW;
  double spatialScale;
  int64_t samplingRatio;     // <= 0: adaptive, ceil(roi size / output size)
  bool aligned;
  float* out;                // k*c*outH*outW
};

struct NmsParams {
  const float* boxes;     // n * 4, xyxy
  const float* scores;    // n
  const int32_t* classes; // n, or nullptr for class-agnostic
  int64_t n;
  double iouThreshold, scoreThreshold;
  int64_t maxDetections;
};

// Half-pixel source coordinate of output index `dst` (align_corners=false, like cv2/TF/torch).
struct Tap {
  int64_t i0, i1;
  double t;
};

SL_HD Tap sourceTap(int64_t dst, int64_t pad, double ratio, int64_t srcSize) {
  double s = ((double)(dst - pad) + 0.5) * ratio - 0.5;
  if (s < 0.0) s = 0.0;
  int64_t i = (int64_t)s;
  Tap tap;
  if (i >= srcSize - 1) {
    tap.i0 = srcSize - 1;
    tap.i1 = srcSize - 1;
    tap.t = 0.0;
  } else {
    tap.i0 = i;
    tap.i1 = i + 1;
    tap.t = s - (double)i;
  }
  return tap;
}

SL_HD double lerp(double a, double b, double t) { return a + (b - a) * t; }

SL_HD float normalise(double v, double scale, double mean, double stdev) {
  return (float)((v * scale - mean) / stdev);
}

// torchvision roi_align bilinear_interpolate: which four taps and weights a sample uses.
struct RoiTaps {
  int64_t o1, o2, o3, o4;  // pixel offsets (y * w + x)
  double w1, w2, w3, w4;
  bool valid;
};

SL_HD RoiTaps roiTaps(double y, double x, int64_t h, int64_t w) {
  RoiTaps r;
  if (y < -1.0 || y > (double)h || x < -1.0 || x > (double)w) {
    r.valid = false;
    r.o1 = r.o2 = r.o3 = r.o4 = 0;
    r.w1 = r.w2 = r.w3 = r.w4 = 0.0;
    return r;
  }
  if (y <= 0.0) y = 0.0;
  if (x <= 0.0) x = 0.0;
  int64_t yLow = (int64_t)y, xLow = (int64_t)x, yHigh, xHigh;
  if (yLow >= h - 1) {
    yHigh = yLow = h - 1;
    y = (double)yLow;
  } else {
    yHigh = yLow + 1;
  }
  if (xLow >= w - 1) {
    xHigh = xLow = w - 1;
    x = (double)xLow;
  } else {
    xHigh = xLow + 1;
  }
  double ly = y - (double)yLow, lx = x - (double)xLow;
  double hy = 1.0 - ly, hx = 1.0 - lx;
  r.o1 = yLow * w + xLow;
  r.o2 = yLow * w + xHigh;
  r.o3 = yHigh * w + xLow;
  r.o4 = yHigh * w + xHigh;
  r.w1 = hy * hx;
  r.w2 = hy * lx;
  r.w3 = ly * hx;
  r.w4 = ly * lx;
  r.valid = true;
  return r;
}

// Per-box geometry of roi_align (torchvision, aligned=true shifts by half a pixel).
struct RoiBox {
  double startY, startX, binH, binW;
  int64_t gridH, gridW;
  double count;
};

SL_HD RoiBox roiBox(const float* box, const RoiParams& p) {
  double offset = p.aligned ? 0.5 : 0.0;
  double startX = (double)box[0] * p.spatialScale - offset;
  double startY = (double)box[1] * p.spatialScale - offset;
  double endX = (double)box[2] * p.spatialScale - offset;
  double endY = (double)box[3] * p.spatialScale - offset;
  double roiW = endX - startX, roiH = endY - startY;
  if (!p.aligned) {
    if (roiW < 1.0) roiW = 1.0;
    if (roiH < 1.0) roiH = 1.0;
  }
  RoiBox b;
  b.startY = startY;
  b.startX = startX;
  b.binH = roiH / (double)p.outH;
  b.binW = roiW / (double)p.outW;
  b.gridH = p.samplingRatio > 0 ? p.samplingRatio : (int64_t)ceil(roiH / (double)p.outH);
  b.gridW = p.samplingRatio > 0 ? p.samplingRatio : (int64_t)ceil(roiW / (double)p.outW);
  int64_t cells = b.gridH * b.gridW;
  b.count = (double)(cells > 1 ? cells : 1);
  return b;
}

SL_HD double roiSampleY(const RoiBox& b, int64_t ph, int64_t iy) {
  return b.startY + (double)ph * b.binH + ((double)iy + 0.5) * b.binH / (double)b.gridH;
}

SL_HD double roiSampleX(const RoiBox& b, int64_t pw, int64_t ix) {
  return b.startX + (double)pw * b.binW + ((double)ix + 0.5) * b.binW / (double)b.gridW;
}

// IoU of a higher-ranked box `a` with a lower-ranked box `b` (argument order is fixed so
// every backend sums the areas in the same order). Degenerate boxes have zero area.
SL_HD double iou(const float* a, const float* b) {
  double ax1 = a[0], ay1 = a[1], ax2 = a[2], ay2 = a[3];
  double bx1 = b[0], by1 = b[1], bx2 = b[2], by2 = b[3];
  double iw = (ax2 < bx2 ? ax2 : bx2) - (ax1 > bx1 ? ax1 : bx1);
  double ih = (ay2 < by2 ? ay2 : by2) - (ay1 > by1 ? ay1 : by1);
  if (iw <= 0.0 || ih <= 0.0) return 0.0;
  double aw = ax2 - ax1, ah = ay2 - ay1, bw = bx2 - bx1, bh = by2 - by1;
  double areaA = (aw > 0.0 ? aw : 0.0) * (ah > 0.0 ? ah : 0.0);
  double areaB = (bw > 0.0 ? bw : 0.0) * (bh > 0.0 ? bh : 0.0);
  double inter = iw * ih;
  double uni = areaA + areaB - inter;
  return uni > 0.0 ? inter / uni : 0.0;
}

}  // namespace sightline
