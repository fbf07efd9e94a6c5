#pragma once

namespace openrad::ai {

/// The process-wide CPU thread policy of inference, set once by each program's main() before anything else runs:
/// OpenMP workers sleep instead of spin-waiting (OMP_WAIT_POLICY=PASSIVE), so an analysis beside another busy
/// process is not slowed several times by workers waiting for a descheduled peer. libgomp reads the variable once,
/// when it is loaded: when libgomp is not mapped yet (openrad-cli, which loads LibTorch with its AI commands'
/// library only when such a command runs) setting the variable is enough; when it is already mapped (a program
/// linked to LibTorch or Qt, whose libb2 needs libgomp) the program re-executes itself once with it set (argv
/// unchanged). The user's own setting is kept. Returns only when the policy is in force (or the re-exec failed).
void applyThreadPolicy(int argc, char** argv);

/// True when libgomp is mapped in this process (it has then read its environment already).
bool openMpLoaded();

}  // namespace openrad::ai
