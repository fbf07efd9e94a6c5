#pragma once

#include "openrad/core/ParallelFor.h"
#include "openrad/io/Loader.h"

#include <algorithm>
#include <cstddef>
#include <string>
#include <utility>

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
  int threadsFor(std::size_t items) const { return core::parallelForThreads(items, m_options.threads); }
  const LoadOptions& options() const { return m_options; }

private:
  const LoadOptions& m_options;
  double m_base, m_span;
};

/// Runs job(i) for i in [0, n) on worker threads (core::parallelFor) while the calling thread reports progress
/// as "<what> done/n" and polls cancel. Jobs must catch their own errors; an escaped exception is rethrown after
/// all workers stop. Throws Cancelled (after the workers have stopped) when cancel was requested.
template <class Job>
void parallelFor(std::size_t n, const LoadContext& context, const std::string& what, Job job) {
  if (n == 0) return;
  core::ParallelForHooks hooks;
  hooks.cancelled = [&context] { return context.cancelRequested(); };
  hooks.progress = [&context, &what](std::size_t done, std::size_t total) {
    context.report(static_cast<double>(done) / static_cast<double>(total),
                   what + " " + std::to_string(done) + "/" + std::to_string(total));
  };
  core::parallelFor(n, context.threadsFor(n), std::move(job), hooks);
  context.checkCancel();  // a request that came in during the last items still cancels the load
}

}  // namespace openrad::io::detail
