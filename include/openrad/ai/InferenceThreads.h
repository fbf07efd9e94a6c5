#pragma once

// Part of the ai layer's Torch runtime (openrad_ai_torch): only the modules' ai parts use it.

#include <cstddef>
#include <functional>

namespace openrad::ai {

/// Sets Torch's intra-op thread count for the process (0 = hardware cores); called by the Torch session, which no
/// module creates on its own terms.
void setInferenceThreads(int threads);

/// Torch's intra-op thread count for inference (at least 1).
int inferenceThreads();

/// Runs job(i) once for every item of a CPU inference batch on the inference threads: items are handed out one at a
/// time and each runs single-threaded inside Torch, so no operator waits at a barrier for a thread that shares its
/// core with another process; beside a busy process the thread with a core to itself simply takes more items.
/// Serial when one inference thread is set. The jobs run in inference mode (no autograd).
void inferenceParallelFor(std::size_t n, const std::function<void(std::size_t)>& job);

}  // namespace openrad::ai
