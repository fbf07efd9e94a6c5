#include "openrad/ai/InferenceThreads.h"

#include "openrad/core/ParallelFor.h"

#include <ATen/Parallel.h>
#include <torch/torch.h>

#include <omp.h>

#include <algorithm>
#include <mutex>
#include <thread>

namespace openrad::ai {

void setInferenceThreads(int threads) {
  static std::mutex mutex;
  std::lock_guard<std::mutex> lock(mutex);
  const int n = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  if (torch::get_num_threads() != n) torch::set_num_threads(n);
}

int inferenceThreads() { return std::max(1, torch::get_num_threads()); }

void inferenceParallelFor(std::size_t n, const std::function<void(std::size_t)>& job) {
  const int threads = inferenceThreads();
  if (threads <= 1 || n <= 1) {
    c10::InferenceMode guard;
    for (std::size_t i = 0; i < n; ++i) job(i);
    return;
  }
  core::parallelFor(n, threads, [&job](std::size_t i) {
    thread_local bool single = false;
    if (!single) {
      // Torch sets each thread's OpenMP team size lazily on its first parallel operator; set it first, then make
      // this worker's own team one thread (the setting is per thread: the caller keeps its count).
      at::internal::lazy_init_num_threads();
      omp_set_num_threads(1);
      single = true;
    }
    c10::InferenceMode guard;
    job(i);
  });
}

}  // namespace openrad::ai
