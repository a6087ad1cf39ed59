#include "parallel.h"

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

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

// Workers started on demand and kept for the life of the process (starting a thread per call
// costs about 0.1 ms, a sizeable share of a 1 ms kernel). Deliberately never destroyed: idle
// workers block on the condition variable and end with the process, which avoids static
// destruction order problems at exit.
class Pool {
 public:
  void submit(std::function<void()> job, size_t wanted) {
    std::lock_guard<std::mutex> lock(mutex_);
    while (workers_ < wanted) {
      std::thread([this] { loop(); }).detach();
      ++workers_;
    }
    jobs_.push_back(std::move(job));
    ready_.notify_one();
  }

 private:
  void loop() {
    for (;;) {
      std::function<void()> job;
      {
        std::unique_lock<std::mutex> lock(mutex_);
        ready_.wait(lock, [this] { return !jobs_.empty(); });
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<std::function<void()>> jobs_;
  size_t workers_ = 0;
};

Pool& pool() {
  static Pool* instance = new Pool();
  return *instance;
}

}  // namespace

int threadCount() { return gThreads.load(std::memory_order_relaxed); }

void setThreadCount(int n) { gThreads.store(n > 0 ? n : initialThreads(), std::memory_order_relaxed); }

void runTasks(int64_t count, const std::function<void(int64_t)>& task) {
  // Lives on this stack frame: we must not return (or unwind) before every worker is done.
  struct Latch {
    std::mutex mutex;
    std::condition_variable done;
    int64_t pending;
    std::exception_ptr error;
  } latch;
  latch.pending = count - 1;
  auto guarded = [&task, &latch](int64_t t) {
    try {
      task(t);
    } catch (...) {
      std::lock_guard<std::mutex> lock(latch.mutex);
      if (!latch.error) latch.error = std::current_exception();
    }
  };
  for (int64_t t = 1; t < count; ++t) {
    pool().submit(
        [&guarded, &latch, t] {
          guarded(t);
          std::lock_guard<std::mutex> lock(latch.mutex);
          if (--latch.pending == 0) latch.done.notify_one();
        },
        static_cast<size_t>(std::max(threadCount() - 1, 1)));
  }
  guarded(0);
  std::unique_lock<std::mutex> lock(latch.mutex);
  latch.done.wait(lock, [&latch] { return latch.pending == 0; });
  if (latch.error) std::rethrow_exception(latch.error);
}

}  // namespace sightline
