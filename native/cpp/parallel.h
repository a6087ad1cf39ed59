// Splits a loop across threads. Each output element is computed by exactly one thread with the
// same arithmetic as the single-threaded loop, so results do not depend on the thread count.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <thread>
#include <vector>

namespace sightline {

int threadCount();
void setThreadCount(int n);

// Calls fn(begin, end) over [0, n) in contiguous chunks; stays on the calling thread when the
// work is too small to pay for starting threads (minPerThread items per thread at least).
template <class Fn>
void parallelFor(int64_t n, int64_t minPerThread, Fn&& fn) {
  if (n <= 0) return;
  int64_t threads = std::min<int64_t>(threadCount(), n / std::max<int64_t>(minPerThread, 1));
  if (threads <= 1) {
    fn(int64_t{0}, n);
    return;
  }
  int64_t chunk = (n + threads - 1) / threads;
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(threads - 1));
  for (int64_t t = 1; t < threads; ++t) {
    int64_t begin = t * chunk, end = std::min(n, begin + chunk);
    if (begin < end) pool.emplace_back([&fn, begin, end] { fn(begin, end); });
  }
  fn(int64_t{0}, std::min(n, chunk));
  for (auto& th : pool) th.join();
}

}  // namespace sightline
