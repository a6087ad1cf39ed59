// Registers the graph executor's functions on the addon's exports (called from addon.cc).
#pragma once

#include <napi.h>

namespace sightline {
void registerGraphBindings(Napi::Env env, Napi::Object exports);
}
