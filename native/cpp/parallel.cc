#include "parallel.h"

#include <cstdlib>

namespace sightline {

namespace {
int initialThreads() {
  if (const char* env = std::getenv("SIGHTLINE_NATIVE_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw > 0 ? static_cast<int>(hw) : 1;
}
std::atomic<int> gThreads{initialThreads()};
}  // namespace

int threadCount() { return gThreads.load(std::memory_order_relaxed); }

void setThreadCount(int n) { gThreads.store(n > 0 ? n : initialThreads(), std::memory_order_relaxed); }

}  // namespace sightline
