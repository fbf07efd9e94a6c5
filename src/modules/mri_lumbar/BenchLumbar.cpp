// `openrad-cli bench mri-lumbar`: analysis time of whole series against loading the same series from disk.
#include "Hooks.h"
#include "LumbarModule.h"

#include "openrad/ai/ModelRoot.h"
#include "openrad/core/ImageStatistics.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>

namespace openrad::modules::mri_lumbar {

std::function<int()> setupBench(CLI::App& command) {
  struct Args {
    std::string data, split = "val", model;
    int cases = 4, repeats = 2, threads = 0;
  };
  auto a = std::make_shared<Args>();
  command.add_option("--data", a->data, "Lumbar MRI folder (real-data format or lumbar-mri phantom output)")->required();
  command.add_option("--split", a->split, "Real-data split to time")->capture_default_str();
  command.add_option("--cases", a->cases, "Series to time")->capture_default_str();
  command.add_option("--repeats", a->repeats, "Runs per series (the first is a warm-up when > 1)")->capture_default_str();
  command.add_option("--threads", a->threads, "CPU threads (0 = all cores)")->capture_default_str();
  command.add_option("--model", a->model, "Model folder (default: the shipped one)");
  return [a] {
    using Clock = std::chrono::steady_clock;
    ai::RunContext ctx;
    ctx.threads = a->threads;
    const LumbarModule module(a->model.empty() ? shippedLumbarModel() : a->model, ctx);
    std::vector<LumbarCaseRef> refs = listLumbarDataset(a->data, a->split);
    if (static_cast<int>(refs.size()) > a->cases) refs.resize(static_cast<std::size_t>(a->cases));
    std::vector<double> load, analyse, ratio;
    std::printf("%-28s %12s %10s %10s %7s\n", "series", "size", "load s", "analyse s", "ratio");
    for (const auto& ref : refs) {
      const auto t0 = Clock::now();
      const LumbarCase c = loadLumbarCase(ref);  // image and label map, as a user opens a study with its labels
      const double tl = std::chrono::duration<double>(Clock::now() - t0).count();
      auto series = std::make_shared<core::Series>();
      series->info.seriesUid = "bench:" + ref.id;
      series->info.modality = "MR";
      series->image = c.image;
      double best = 1e30;
      for (int r = 0; r < std::max(1, a->repeats); ++r) {
        const auto t1 = Clock::now();
        try {
          (void)module.run(module.inputFor(series), ctx);
        } catch (const ai::Refused& e) {
          std::cerr << ref.id << ": " << e.what() << "\n";
          break;
        }
        const double t = std::chrono::duration<double>(Clock::now() - t1).count();
        if (a->repeats == 1 || r > 0) best = std::min(best, t);
      }
      if (best >= 1e30) continue;
      const auto& g = c.image->geometry();
      char size[32];
      std::snprintf(size, sizeof size, "%lldx%lldx%lld", static_cast<long long>(g.size[0]), static_cast<long long>(g.size[1]),
                    static_cast<long long>(g.size[2]));
      std::printf("%-28s %12s %10.3f %10.3f %7.2f\n", ref.id.c_str(), size, tl, best, best / tl);
      load.push_back(tl);
      analyse.push_back(best);
      ratio.push_back(best / tl);
    }
    if (analyse.empty()) {
      std::cerr << "no series analysed\n";
      return 1;
    }
    std::printf("median: load %.3f s, analyse %.3f s, analyse/load %.2f (target: analyse < 2 s on 2 cores)\n",
                core::median(load), core::median(analyse), core::median(ratio));
    return 0;
  };
}

}  // namespace openrad::modules::mri_lumbar
