#pragma once

// The one worker pool of the code base: job(i) for i in [0, n) on worker threads, with the calling thread
// reporting progress and polling cancel. Header-only; std only.

#include "openrad/core/Errors.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace openrad::core {

/// Optional callbacks of parallelFor; both run on the calling thread only.
struct ParallelForHooks {
  /// Polled about every 30 ms (between items when running serially); true stops the loop with Cancelled.
  std::function<bool()> cancelled;
  /// Told how many of the n items are done, about every 30 ms and once with (n, n) at the end.
  std::function<void(std::size_t done, std::size_t n)> progress;
};

/// Worker threads parallelFor uses for n items: `threads` (hardware_concurrency() when <= 0), at least 1, at most n.
inline int parallelForThreads(std::size_t n, int threads) {
  if (threads <= 0) threads = static_cast<int>(std::thread::hardware_concurrency());
  threads = std::max(1, threads);
  return static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads), std::max<std::size_t>(1, n)));
}

/// Runs job(i) once for every i in [0, n) on parallelForThreads(n, threads) worker threads (on the calling
/// thread when that is 1) while the calling thread reports progress and polls cancel. Items are handed out in
/// no fixed order, so job(i) must depend on i only. The first exception escaping a job stops the other workers
/// (no new items are taken) and is rethrown once all have joined; a cancel request does the same and throws
/// Cancelled. Returns only after every item is done.
template <class Job>
void parallelFor(std::size_t n, int threads, Job job, const ParallelForHooks& hooks = {}) {
  if (n == 0) return;
  const auto cancelRequested = [&] { return hooks.cancelled && hooks.cancelled(); };
  const auto report = [&](std::size_t done) {
    if (hooks.progress) hooks.progress(done, n);
  };
  const int count = parallelForThreads(n, threads);
  if (count <= 1) {
    for (std::size_t i = 0; i < n; ++i) {
      if (cancelRequested()) throw Cancelled();
      report(i);
      job(i);
    }
    report(n);
    return;
  }

  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable changed;
  std::exception_ptr error;  // first escaped exception (a job's, or the calling thread's); guarded by mutex
  const auto fail = [&](std::exception_ptr e) {
    std::lock_guard<std::mutex> lock(mutex);
    if (!error) error = std::move(e);
    stop = true;
    changed.notify_all();
  };
  auto worker = [&] {
    while (!stop.load(std::memory_order_relaxed)) {
      const std::size_t i = next.fetch_add(1);
      if (i >= n) break;
      try {
        job(i);
      } catch (...) {
        fail(std::current_exception());
        break;
      }
      if (done.fetch_add(1) + 1 == n) {
        std::lock_guard<std::mutex> lock(mutex);
        changed.notify_all();
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    changed.notify_all();
  };

  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(count));
  bool cancelled = false;
  try {
    for (int t = 0; t < count; ++t) pool.emplace_back(worker);
    std::unique_lock<std::mutex> lock(mutex);
    while (done.load() < n && !stop.load()) {
      changed.wait_for(lock, std::chrono::milliseconds(30));
      lock.unlock();  // the hooks run unlocked: a slow one must not hold up the workers
      if (cancelRequested()) {
        cancelled = true;
        stop = true;
      } else {
        report(done.load());
      }
      lock.lock();
    }
  } catch (...) {  // a hook threw, or a thread could not be started
    fail(std::current_exception());
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  if (cancelled) throw Cancelled();
  report(n);
}

}  // namespace openrad::core
