// Greedy NMS: candidates in score order, each kept unless a kept box (of the same class when
// class ids are given) overlaps it by IoU > threshold. Kept boxes are stored per class so a
// candidate is only compared with boxes it could be suppressed by.
#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include "kernels.h"

namespace sightline {

std::vector<int32_t> nmsCandidates(const NmsParams& p) {
  std::vector<int32_t> order;
  order.reserve(static_cast<size_t>(p.n));
  for (int64_t i = 0; i < p.n; ++i) {
    const double s = p.scores[i];
    // NaN scores never pass (the comparison is false).
    if (s >= p.scoreThreshold) order.push_back(static_cast<int32_t>(i));
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](int32_t a, int32_t b) { return p.scores[a] > p.scores[b]; });
  return order;
}

std::vector<int32_t> nmsCpu(const NmsParams& p) {
  std::vector<int32_t> kept;
  if (p.maxDetections <= 0) return kept;
  const std::vector<int32_t> order = nmsCandidates(p);
  // Per class: the kept boxes packed contiguously, so the scan below walks memory linearly.
  std::unordered_map<int32_t, std::vector<float>> keptBoxes;
  std::vector<float> allKept;
  for (int32_t idx : order) {
    const float* box = p.boxes + static_cast<int64_t>(idx) * 4;
    std::vector<float>& group = p.classes ? keptBoxes[p.classes[idx]] : allKept;
    const size_t count = group.size() / 4;
    const float* g = group.data();
    bool suppressed = false;
    for (size_t j = 0; j < count; ++j) {
      if (iou(g + j * 4, box) > p.iouThreshold) {
        suppressed = true;
        break;
      }
    }
    if (suppressed) continue;
    kept.push_back(idx);
    group.insert(group.end(), box, box + 4);
    if (static_cast<int64_t>(kept.size()) >= p.maxDetections) break;
  }
  return kept;
}

}  // namespace sightline
