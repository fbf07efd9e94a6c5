// `openrad-cli bench mri-herniation`: the herniation module on a segmented series (5 central slices: planes, detector,
// levels, rule) against its peer in the same run, the mri-lumbar segmentation of the same series it depends on.
#include "HerniationModule.h"
#include "Hooks.h"

#include "openrad/core/ImageStatistics.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>

namespace openrad::modules::mri_herniation {

std::function<int()> setupBench(CLI::App& command) {
  struct Args {
    std::string data, split = "val", model;
    int cases = 4, repeats = 3, threads = 0;
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
    const std::string model = a->model.empty() ? shippedHerniationModel() : a->model;
    const HerniationModule module(model, ctx);
    const auto lumbar = Registry::builtIn().create("mri-lumbar", std::filesystem::path(model).parent_path().string(), ctx);
    std::vector<mri_lumbar::LumbarCaseRef> refs = mri_lumbar::listLumbarDataset(a->data, a->split);
    if (static_cast<int>(refs.size()) > a->cases) refs.resize(static_cast<std::size_t>(a->cases));
    const auto best = [&](const std::function<void()>& f) {
      double b = 1e30;
      for (int r = 0; r < std::max(1, a->repeats); ++r) {
        const auto t = Clock::now();
        f();
        const double s = std::chrono::duration<double>(Clock::now() - t).count();
        if (a->repeats == 1 || r > 0) b = std::min(b, s);
      }
      return b;
    };
    std::vector<double> seg, det, ratio;
    std::printf("%-28s %8s %14s %16s %7s\n", "series", "slices", "segment s", "5 slices s", "ratio");
    for (const auto& ref : refs) {
      const mri_lumbar::LumbarCase c = mri_lumbar::loadLumbarCase(ref);
      auto series = std::make_shared<core::Series>();
      series->info.seriesUid = "bench:" + ref.id;
      series->info.modality = "MR";
      series->image = c.image;
      ai::AnalysisInput segIn = lumbar->inputFor(series);
      ai::Findings segmented;
      try {
        segmented = lumbar->run(segIn, ctx);
      } catch (const ai::Refused& e) {
        std::cerr << ref.id << ": " << e.what() << "\n";
        continue;
      }
      ai::AnalysisInput in = module.inputFor(series);
      in.annotations[series->info.seriesUid] = segmented.series.begin()->second;
      double td = 0;
      try {
        td = best([&] { (void)module.run(in, ctx); });
      } catch (const ai::Refused& e) {
        std::cerr << ref.id << ": " << e.what() << "\n";
        continue;
      }
      const double ts = best([&] { (void)lumbar->run(segIn, ctx); });
      std::printf("%-28s %8lld %14.3f %16.3f %7.3f\n", ref.id.c_str(), static_cast<long long>(c.image->geometry().size[2]), ts, td,
                  td / ts);
      seg.push_back(ts);
      det.push_back(td);
      ratio.push_back(td / ts);
    }
    if (det.empty()) {
      std::cerr << "no series analysed\n";
      return 1;
    }
    std::printf("median: mri-lumbar segmentation %.3f s, mri-herniation (5 slices) %.3f s, ratio %.3f "
                "(target: 5 slices < 1 s on 2 cores)\n",
                core::median(seg), core::median(det), core::median(ratio));
    return 0;
  };
}

}  // namespace openrad::modules::mri_herniation
