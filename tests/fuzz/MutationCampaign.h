#pragma once

// A DICOM mutation campaign: mutants of seed files (the attacks of issue 9: bytes flipped, lengths huge or odd,
// Rows/Columns/frames/bit depths out of range, deep nesting, fragments cut, emptied or multiplied, transfer syntax
// swapped, files truncated) each loaded through io::loadPath in a child process with a time and memory limit, so a
// crash or a hang is seen and counted instead of ending the campaign.

#include <cstdint>
#include <string>
#include <vector>

namespace openrad::fuzz {

struct CampaignOptions {
  std::vector<std::string> seeds;  ///< seed files (valid DICOM)
  int count = 300;                 ///< mutants
  std::uint64_t seed = 1;          ///< RNG seed: the same options give the same mutants
  double timeoutSeconds = 20.0;    ///< per mutant: beyond it the load counts as a hang
  std::uint64_t memoryLimit = 3ull << 30;  ///< address space of each child (bytes)
  int parallel = 2;                ///< children at once
  std::string workDir;             ///< where mutants are written (required)
  std::string keepDir;             ///< when set, mutants that crashed, hung or failed silently are copied here
  /// When set, each mutant is given to this program instead of io::loadPath in a forked child: the mutant's path is
  /// appended as the last argument (e.g. {"build/src/cli/openrad-cli", "info"}). Exit 0 counts as loaded; exit 1 or 2
  /// as refused when the program's output names the mutant, else as a silent failure; any other exit status as an
  /// escaped exception; a signal as a crash.
  std::vector<std::string> command;
};

struct CampaignResult {
  int files = 0;
  int loaded = 0;        ///< at least one series came back
  int refused = 0;       ///< no series, and an issue naming the file says why
  int crashes = 0;       ///< the child died on a signal
  int hangs = 0;         ///< the child ran past the timeout
  int exceptions = 0;    ///< an exception escaped io::loadPath (or the command exited with an unexpected status)
  int silent = 0;        ///< no series and no issue naming the file
  std::vector<std::string> failures;  ///< one line per crash/hang/exception/silent failure: mutant, seed, mutation
  bool clean() const { return crashes == 0 && hangs == 0 && exceptions == 0 && silent == 0; }
};

/// Runs the campaign; progress lines go to stderr when `verbose`.
CampaignResult runCampaign(const CampaignOptions& options, bool verbose = false);

/// DICOM files under `folder` (recursive; by the DICM marker), sorted.
std::vector<std::string> dicomFilesUnder(const std::string& folder);

}  // namespace openrad::fuzz
