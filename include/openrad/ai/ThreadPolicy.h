#pragma once

#include <cstddef>
#include <functional>

namespace openrad::ai {

/// The process-wide CPU thread policy of inference, set once by each program's main() before anything else runs:
/// OpenMP workers sleep instead of spin-waiting (OMP_WAIT_POLICY=PASSIVE), so an analysis beside another busy
/// process is not slowed several times by workers waiting for a descheduled peer. OpenMP reads the variable when
/// it is loaded, so when it is not yet set the program re-executes itself once with it set (argv unchanged); the
/// user's own setting is kept. Returns only when the policy is in force (or the re-exec failed).
void applyThreadPolicy(int argc, char** argv);

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
