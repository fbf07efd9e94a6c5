// bench decode: what running the compressed-data decoders in child processes (issue 9) costs against decoding in the
// process, on the same files in the same run.
#include "BenchDecode.h"
#include "openrad/core/ImageStatistics.h"

#include "openrad/io/Loader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <vector>

namespace openrad::cli {
namespace {

double timeLoad(const std::string& path, bool isolated, std::size_t& series) {
  io::LoadOptions options;
  options.isolateDecoders = isolated;
  const auto start = std::chrono::steady_clock::now();
  const core::LoadResult r = io::loadPath(path, options);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  series = r.allSeries().size();
  return seconds;
}

}  // namespace

int runDecodeBench(const std::string& path, int runs) {
  try {
    std::size_t series = 0, check = 0;
    timeLoad(path, true, series);  // warm-up: file cache, codec registration
    if (series == 0) {
      std::fprintf(stderr, "bench decode: nothing loadable in %s\n", path.c_str());
      return 1;
    }
    std::vector<double> isolated, inProcess, ratios;
    for (int i = 0; i < runs; ++i) {
      // Alternate the order so that drift of a shared machine hits both contenders alike.
      const bool isolatedFirst = i % 2 == 0;
      const double a = timeLoad(path, isolatedFirst, check);
      const double b = timeLoad(path, !isolatedFirst, check);
      const double iso = isolatedFirst ? a : b, in = isolatedFirst ? b : a;
      isolated.push_back(iso);
      inProcess.push_back(in);
      ratios.push_back(iso / in);
    }
    const double ratio = core::median(ratios);
    std::printf("%s: %zu series, %d paired runs after a warm-up\n", path.c_str(), series, runs);
    std::printf("%-34s %10s\n", "contender", "median [s]");
    std::printf("%-34s %10.3f\n", "decoders in child processes", core::median(isolated));
    std::printf("%-34s %10.3f\n", "decoders in the process (peer)", core::median(inProcess));
    std::printf("\nratio                         value   target\n");
    std::printf("isolated / in-process time    %5.2f   <= 1.5   %s\n", ratio, ratio <= 1.5 ? "(met)" : "(MISSED)");
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench decode: %s\n", e.what());
    return 2;
  }
}

}  // namespace openrad::cli
