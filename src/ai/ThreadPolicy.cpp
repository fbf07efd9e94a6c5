#include "openrad/ai/ThreadPolicy.h"

#include <torch/torch.h>

#include <algorithm>
#include <cstdlib>
#include <mutex>
#include <thread>

#include <unistd.h>

namespace openrad::ai {

void applyThreadPolicy(int argc, char** argv) {
  (void)argc;
  if (std::getenv("OMP_WAIT_POLICY")) return;  // already in force (or the user's choice)
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  // libgomp read its environment when it was loaded, before main(): only a fresh image sees the variable.
  ::execv("/proc/self/exe", argv);
  // exec failed (no /proc): carry on with the policy unset for this process, set for its children.
}

void setInferenceThreads(int threads) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (torch::get_num_threads() != n) torch::set_num_threads(n);
}

}  // namespace openrad::ai
