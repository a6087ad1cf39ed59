// Greedy NMS: candidates in score order, each kept unless a kept box (of the same class when
// class ids are given) overlaps it by IoU > threshold. Kept boxes are stored per class as
// structure-of-arrays so the overlap scan is a branch-free loop the compiler vectorises; it
// computes exactly the arithmetic of `iou` in common.h, so the decisions are identical.
#include <algorithm>
#include <unordered_map>

#include "kernels.h"
#include "simd.h"

namespace sightline {

namespace {

struct KeptBoxes {
  std::vector<double> x1, y1, x2, y2, area;

  void push(double bx1, double by1, double bx2, double by2, double barea) {
    x1.push_back(bx1);
    y1.push_back(by1);
    x2.push_back(bx2);
    y2.push_back(by2);
    area.push_back(barea);
  }
};

SL_HD double boxArea(double x1, double y1, double x2, double y2) {
  const double w = x2 - x1, h = y2 - y1;
  return (w > 0.0 ? w : 0.0) * (h > 0.0 ? h : 0.0);
}

// True when some kept box overlaps the candidate by IoU > threshold. Blocks of 64 keep the
// inner loop branch-free while still stopping early once a block has a hit.
SL_CLONES bool overlapsAny(const KeptBoxes& k, double bx1, double by1, double bx2, double by2, double barea,
                           double threshold) {
  const size_t n = k.area.size();
  const double *x1 = k.x1.data(), *y1 = k.y1.data(), *x2 = k.x2.data(), *y2 = k.y2.data(), *area = k.area.data();
  for (size_t start = 0; start < n; start += 64) {
    const size_t end = std::min(n, start + 64);
    bool hit = false;
    for (size_t j = start; j < end; ++j) {
      const double iw = (x2[j] < bx2 ? x2[j] : bx2) - (x1[j] > bx1 ? x1[j] : bx1);
      const double ih = (y2[j] < by2 ? y2[j] : by2) - (y1[j] > by1 ? y1[j] : by1);
      const double inter = iw * ih;
      const double uni = area[j] + barea - inter;
      const bool positive = (iw > 0.0) & (ih > 0.0) & (uni > 0.0);
      const double iouValue = positive ? inter / uni : 0.0;
      hit |= iouValue > threshold;
    }
    if (hit) return true;
  }
  return false;
}

}  // namespace

std::vector<int32_t> nmsCandidates(const NmsParams& p) {
  std::vector<int32_t> order;
  order.reserve(static_cast<size_t>(p.n));
  for (int64_t i = 0; i < p.n; ++i) {
    const double s = p.scores[i];
    // NaN scores never pass (the comparison is false).
    if (s >= p.scoreThreshold) order.push_back(static_cast<int32_t>(i));
  }
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return p.scores[a] > p.scores[b]; });
  return order;
}

std::vector<int32_t> nmsCpu(const NmsParams& p) {
  std::vector<int32_t> kept;
  if (p.maxDetections <= 0) return kept;
  const std::vector<int32_t> order = nmsCandidates(p);
  std::unordered_map<int32_t, KeptBoxes> byClass;
  KeptBoxes all;
  for (int32_t idx : order) {
    const float* box = p.boxes + static_cast<int64_t>(idx) * 4;
    const double bx1 = box[0], by1 = box[1], bx2 = box[2], by2 = box[3];
    const double barea = boxArea(bx1, by1, bx2, by2);
    KeptBoxes& group = p.classes ? byClass[p.classes[idx]] : all;
    if (overlapsAny(group, bx1, by1, bx2, by2, barea, p.iouThreshold)) continue;
    kept.push_back(idx);
    group.push(bx1, by1, bx2, by2, barea);
    if (static_cast<int64_t>(kept.size()) >= p.maxDetections) break;
  }
  return kept;
}

}  // namespace sightline
