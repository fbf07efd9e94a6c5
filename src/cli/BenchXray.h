#pragma once

#include <cstdint>
#include <string>

namespace openrad::cli {

/// `openrad-cli bench xray-landmarks`: writes `images` phantom AP radiographs (seed `seed`) to a scratch
/// folder, then times, per radiograph, opening it with io::loadPath (the peer) and the full module run
/// (preprocessing, network passes, decoding, measurements) on `threads` CPU threads. Prints medians, the
/// ratio to the peer and to the 1 s per radiograph target. Returns the exit code.
int runXrayLandmarkBench(int images, int threads, std::uint64_t seed, const std::string& models);

}  // namespace openrad::cli
