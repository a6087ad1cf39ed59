#include "validate.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace sightline {

namespace {
void require(bool ok, const std::string& what) {
  if (!ok) throw std::invalid_argument(what);
}
constexpr int64_t kMaxSide = int64_t{1} << 20;
constexpr double kMaxCoord = 16777216.0;  // 2^24 feature pixels: keeps sampling grids finite
}  // namespace

void validate(const FrameParams& p) {
  require(p.channels == 3 || p.channels == 4, "frame channels must be 3 (rgb24) or 4 (rgba)");
  require(p.srcW >= 1 && p.srcH >= 1 && p.srcW <= kMaxSide && p.srcH <= kMaxSide,
          "frame width and height must be between 1 and 2^20");
  require(p.outW >= 1 && p.outH >= 1 && p.outW <= kMaxSide && p.outH <= kMaxSide,
          "output width and height must be between 1 and 2^20");
  require(p.contentW >= 1 && p.contentH >= 1 && p.padX >= 0 && p.padY >= 0 &&
              p.padX + p.contentW <= p.outW && p.padY + p.contentH <= p.outH,
          "content rectangle must lie inside the output");
  for (int c = 0; c < 3; ++c) {
    require(std::isfinite(p.mean[c]) && std::isfinite(p.stdev[c]) && p.stdev[c] != 0.0,
            "mean must be finite and std finite and non-zero");
  }
  require(std::isfinite(p.scale) && std::isfinite(p.padValue), "scale and padValue must be finite");
}

void validate(const RoiParams& p) {
  require(p.n >= 1 && p.c >= 0 && p.h >= 1 && p.w >= 1, "feature map needs n >= 1, c >= 0, h >= 1, w >= 1");
  require(p.outH >= 1 && p.outW >= 1 && p.outH <= 4096 && p.outW <= 4096, "output size must be between 1 and 4096");
  require(std::isfinite(p.spatialScale) && p.spatialScale > 0.0, "spatialScale must be finite and positive");
  require(p.samplingRatio <= 1024, "samplingRatio must be at most 1024");
  for (int64_t i = 0; i < p.k; ++i) {
    for (int j = 0; j < 4; ++j) {
      double v = (double)p.boxes[i * 4 + j] * p.spatialScale;
      require(std::isfinite(v) && std::fabs(v) <= kMaxCoord,
              "box " + std::to_string(i) + " has a non-finite coordinate or one beyond 2^24 feature pixels");
    }
    if (p.batch) {
      require(p.batch[i] >= 0 && p.batch[i] < p.n,
              "box " + std::to_string(i) + " has batch index " + std::to_string(p.batch[i]) + " outside [0, n)");
    }
  }
}

void validate(const NmsParams& p) {
  require(!std::isnan(p.iouThreshold), "iouThreshold must be a number");
  require(!std::isnan(p.scoreThreshold), "scoreThreshold must be a number");
}

}  // namespace sightline
