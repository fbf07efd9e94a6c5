#pragma once

#include <string>

namespace openrad::cli {

/// Writes a synthetic 512x512xN 16-bit CT series under workDir, then times (best of 3 after a warm-up)
/// and measures the peak RSS (one child process per contender) of: a raw read of the files, OpenRad's
/// loadPath, ITK's GDCM series reader and dcm2niix. Prints a table and the target ratios; returns 0
/// when every contender ran (targets missed are reported, not failed), non-zero on errors.
int runLoadBench(const std::string& workDir, int slices, bool keep);

}  // namespace openrad::cli
