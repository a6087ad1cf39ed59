// Geometry checks run before any kernel (CPU or CUDA), whatever the caller. Buffer lengths
// are checked in addon.cc, which knows them. Throws std::invalid_argument.
#pragma once

#include "common.h"

namespace sightline {

void validate(const FrameParams& p);
void validate(const RoiParams& p);
void validate(const NmsParams& p);

}  // namespace sightline
