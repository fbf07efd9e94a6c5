#pragma once

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

}  // namespace openrad::ai
