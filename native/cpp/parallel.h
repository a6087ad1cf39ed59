// Splits a loop across a small persistent thread pool. Each output element is computed by
// exactly one thread with the same arithmetic as the single-threaded loop, so results do not
// depend on the thread count.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>

namespace sightline {

int threadCount();
void setThreadCount(int n);

// Runs task(0..count-1): task 0 on the calling thread, the others on pool workers; returns
// when all are done.
void runTasks(int64_t count, const std::function<void(int64_t)>& task);

// Calls fn(begin, end) over [0, n) in contiguous chunks; stays on the calling thread when the
// work is too small to pay for waking threads (minPerThread items per thread at least).
template <class Fn>
void parallelFor(int64_t n, int64_t minPerThread, Fn&& fn) {
  if (n <= 0) return;
  const int64_t threads = std::min<int64_t>(threadCount(), n / std::max<int64_t>(minPerThread, 1));
  if (threads <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  const int64_t chunk = (n + threads - 1) / threads;
  runTasks(threads, [&](int64_t t) {
    const int64_t begin = t * chunk, end = std::min(n, begin + chunk);
    if (begin < end) fn(begin, end);
  });
}

}  // namespace sightline
