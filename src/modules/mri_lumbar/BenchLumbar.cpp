// `openrad-cli bench mri-lumbar`: analysis time of whole series against loading the same series from disk.
#include "Hooks.h"
#include "LumbarModule.h"

#include "openrad/modules/BenchAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"

#include <CLI/CLI.hpp>

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
    ai::RunContext ctx;
    ctx.threads = a->threads;
    const LumbarModule module(a->model.empty() ? shippedLumbarModel() : a->model, ctx);
    std::vector<LumbarCaseRef> refs = listLumbarDataset(a->data, a->split);
    if (static_cast<int>(refs.size()) > a->cases) refs.resize(static_cast<std::size_t>(a->cases));
    std::vector<BenchItem> items;
    for (const auto& ref : refs)
      items.push_back({ref.id, [ref]() -> std::shared_ptr<const core::Series> {
                         const LumbarCase c = loadLumbarCase(ref);  // image and label map, as a user opens a study with its labels
                         auto series = std::make_shared<core::Series>();
                         series->info.seriesUid = "bench:" + ref.id;
                         series->info.modality = "MR";
                         series->image = c.image;
                         return series;
                       }});
    return benchAnalysisAgainstLoad(module, items, a->repeats, ctx, "analyse < 2 s on 2 cores");
  };
}

}  // namespace openrad::modules::mri_lumbar
