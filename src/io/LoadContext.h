#pragma once

#include "openrad/io/Loader.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace openrad::io::detail {

/// Maps a sub-task's progress (0..1) into a slice [base, base + span] of the caller's progress and
/// polls the cancel hook. Only called from the loading (calling) thread.
class LoadContext {
public:
  LoadContext(const LoadOptions& options, double base = 0.0, double span = 1.0)
      : m_options(options), m_base(base), m_span(span) {}

  /// A context covering the sub-range [from, to] of this one.
  LoadContext sub(double from, double to) const {
    return LoadContext(m_options, m_base + m_span * from, m_span * (to - from));
  }
  /// Reports progress; throws Cancelled when the caller asked to stop.
  void progress(double fraction, const std::string& what) const {
    checkCancel();
    if (m_options.progress) m_options.progress(m_base + m_span * std::clamp(fraction, 0.0, 1.0), what);
  }
  /// Reports progress without polling cancel.
  void report(double fraction, const std::string& what) const {
    if (m_options.progress) m_options.progress(m_base + m_span * std::clamp(fraction, 0.0, 1.0), what);
  }
  /// Throws Cancelled when the caller asked to stop.
  void checkCancel() const {
    if (cancelRequested()) throw Cancelled();
  }
  /// True when the caller asked to stop.
  bool cancelRequested() const { return m_options.cancelled && m_options.cancelled(); }
  /// Worker threads to use for `items` independent jobs.
  int threadsFor(std::size_t items) const {
    int t = m_options.threads > 0 ? m_options.threads : static_cast<int>(std::thread::hardware_concurrency());
    t = std::max(1, t);
    return static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(t), std::max<std::size_t>(1, items)));
  }
  const LoadOptions& options() const { return m_options; }

private:
  const LoadOptions& m_options;
  double m_base, m_span;
};

/// Runs job(i) for i in [0, n) on worker threads while the calling thread reports progress and polls
/// cancel. Jobs must catch their own errors; an escaped exception is rethrown after all workers stop.
/// Throws Cancelled (after the workers have stopped) when cancel was requested.
template <class Job>
void parallelFor(std::size_t n, const LoadContext& context, const std::string& what, Job job) {
  if (n == 0) return;
  const int threads = context.threadsFor(n);
  const auto label = [&](std::size_t done) { return what + " " + std::to_string(done) + "/" + std::to_string(n); };
  if (threads <= 1) {
    for (std::size_t i = 0; i < n; ++i) {
      context.progress(static_cast<double>(i) / static_cast<double>(n), label(i));
      job(i);
    }
    context.progress(1.0, label(n));
    return;
  }
  std::atomic<std::size_t> next{0}, done{0};
  std::atomic<bool> stop{false};
  std::mutex mutex;
  std::condition_variable finished;
  std::exception_ptr error;
  auto worker = [&] {
    for (;;) {
      if (stop.load(std::memory_order_relaxed)) break;
      const std::size_t i = next.fetch_add(1);
      if (i >= n) break;
      try {
        job(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error) error = std::current_exception();
        stop = true;
      }
      if (done.fetch_add(1) + 1 == n) {
        std::lock_guard<std::mutex> lock(mutex);
        finished.notify_all();
      }
    }
    std::lock_guard<std::mutex> lock(mutex);
    finished.notify_all();
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<std::size_t>(threads));
  for (int t = 0; t < threads; ++t) pool.emplace_back(worker);
  bool cancelled = false;
  {
    std::unique_lock<std::mutex> lock(mutex);
    while (done.load() < n && !stop.load()) {
      finished.wait_for(lock, std::chrono::milliseconds(30));
      lock.unlock();
      if (context.cancelRequested()) {
        cancelled = true;
        stop = true;
      } else {
        const std::size_t d = done.load();
        context.report(static_cast<double>(d) / static_cast<double>(n), label(d));
      }
      lock.lock();
    }
  }
  for (auto& t : pool) t.join();
  if (error) std::rethrow_exception(error);
  if (cancelled) throw Cancelled();
  context.progress(1.0, label(n));
}

}  // namespace openrad::io::detail
