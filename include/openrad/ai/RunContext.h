#pragma once

#include <atomic>
#include <functional>
#include <string>

namespace openrad::ai {

/// Where inference runs.
enum class Device { Auto, Cpu, Cuda };

/// Hooks and choices for one run of a module (progress and cancel are called from the running thread).
struct RunContext {
  /// fraction 0..1 and a short text.
  std::function<void(double fraction, const std::string& what)> progress;
  /// Set by another thread to stop the run; the module then throws io::Cancelled.
  const std::atomic<bool>* cancel = nullptr;
  /// Auto picks CUDA when available, else the CPU.
  Device device = Device::Auto;
  /// CPU threads (0 = hardware cores).
  int threads = 0;

  /// Reports progress when a callback is set.
  void report(double fraction, const std::string& what) const {
    if (progress) progress(fraction, what);
  }
  /// True when cancellation was requested.
  bool cancelled() const { return cancel && cancel->load(); }
};

}  // namespace openrad::ai
