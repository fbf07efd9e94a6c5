#pragma once

#include <string>

namespace openrad::cli {

/// Loads `path` (a compressed DICOM series: the real 20-slice J2K CT by default) `runs` times with the compressed-data
/// decoders in child processes and as often in the process, alternating, and prints the median times and the median
/// of the paired ratios against the 1.5x target. 0 when it ran, 1 when nothing loaded, 2 on errors.
int runDecodeBench(const std::string& path, int runs);

}  // namespace openrad::cli
