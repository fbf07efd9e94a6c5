#include "BenchXray.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModuleRegistry.h"
#include "openrad/ai/XrayLandmarks.h"
#include "openrad/io/Loader.h"
#include "openrad/phantom/Phantom.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <unistd.h>

namespace openrad::cli {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? 0.0 : v[v.size() / 2];
}

}  // namespace

int runXrayLandmarkBench(int images, int threads, std::uint64_t seed, const std::string& models) {
  namespace fs = std::filesystem;
  using Clock = std::chrono::steady_clock;
  const std::string root = models.empty() ? ai::defaultModelsRoot() : models;
  ai::RunContext context;
  context.threads = threads;
  std::unique_ptr<ai::AiModule> module;
  try {
    module = ai::ModuleRegistry::builtIn().create(ai::kXrayLandmarksId, root, context);
  } catch (const ai::ModelError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  const fs::path dir = fs::temp_directory_path() / ("openrad-bench-xray-" + std::to_string(::getpid()));
  phantom::GenerateOptions o;
  o.count = images;
  o.seed = seed;
  o.outDir = dir.string();
  phantom::generateSpineXray(o);

  std::vector<double> load, run;
  for (int i = 0; i < images; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "spine_xray_%05d", i);
    const fs::path ap = dir / name / "ap";
    io::LoadOptions lo;
    lo.threads = threads;
    const auto t0 = Clock::now();
    const core::LoadResult loaded = io::loadPath(ap.string(), lo);
    const auto t1 = Clock::now();
    const auto series = loaded.allSeries();
    if (series.empty()) continue;
    module->run(*series.front(), context);
    const auto t2 = Clock::now();
    load.push_back(std::chrono::duration<double>(t1 - t0).count());
    if (i > 0) run.push_back(std::chrono::duration<double>(t2 - t1).count());  // the first run warms up
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (run.empty()) {
    std::fprintf(stderr, "error: no radiograph could be analysed\n");
    return 1;
  }
  const double l = median(load), r = median(run);
  std::printf("xray-landmarks %s: %zu AP radiographs (phantom seed %llu), %d thread(s)\n",
              module->info().version.c_str(), run.size(), static_cast<unsigned long long>(seed), threads);
  std::printf("  open the radiograph (io::loadPath, peer)  median %7.3f s\n", l);
  std::printf("  analyse (module run, all passes)          median %7.3f s   max %7.3f s\n", r,
              *std::max_element(run.begin(), run.end()));
  std::printf("  ratio analyse / open                      %7.2f\n", l > 0 ? r / l : 0.0);
  std::printf("  ratio analyse / 1 s target                %7.2f %s\n", r, r < 1.0 ? "(met)" : "(MISSED)");
  return 0;
}

}  // namespace openrad::cli
