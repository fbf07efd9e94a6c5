#pragma once

// Runs a third-party decoder that may abort, corrupt memory or hang on a hostile stream in a forked child process,
// under a time and an address-space limit, so that any of those becomes an error naming what happened instead of
// the end of the workstation. Private to the io layer.

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>

namespace openrad::io::detail {

struct IsolationLimits {
  double seconds = 60.0;                   ///< wall time before the child is killed
  std::uint64_t addressSpace = 8ull << 30; ///< address space the child may add to what it inherits
};

/// The child failed: its message says how ("JPEG-LS decoder aborted (signal 6)", "... ran past 60 s").
struct IsolatedFailure : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Runs `work` in a child process and returns the bytes it produced. An exception in `work` comes back as an
/// IsolatedFailure with its message; so do a signal, a timeout or a child that could not be started. `what` names the
/// decoder in those messages. The child only runs `work` and exits: it touches nothing else of the process.
std::string runIsolated(const std::string& what, const std::function<std::string()>& work, const IsolationLimits& limits = {});

}  // namespace openrad::io::detail
