// `openrad-cli bench ct-hemorrhage`: analysis time of whole head CT studies against loading the same study from disk.
#include "HemorrhageModule.h"
#include "Hooks.h"

#include "openrad/modules/BenchAnalysis.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageDataset.h"

#include <CLI/CLI.hpp>

namespace openrad::modules::ct_hemorrhage {

std::function<int()> setupBench(CLI::App& command) {
  struct Args {
    std::string data, model;
    int cases = 4, repeats = 2, threads = 0;
  };
  auto a = std::make_shared<Args>();
  command.add_option("--data", a->data, "head-ct phantom folder (`openrad-cli phantom head-ct`)")->required();
  command.add_option("--cases", a->cases, "Studies to time")->capture_default_str();
  command.add_option("--repeats", a->repeats, "Runs per study (the first is a warm-up when > 1)")
      ->capture_default_str();
  command.add_option("--threads", a->threads, "CPU threads (0 = all cores)")->capture_default_str();
  command.add_option("--model", a->model, "Model folder (default: the shipped one)");
  return [a] {
    ai::RunContext ctx;
    ctx.threads = a->threads;
    const HemorrhageModule module(a->model.empty() ? shippedHemorrhageModel() : a->model, ctx);
    std::vector<HeadCtStudyRef> refs = listHeadCtDataset(a->data);
    if (static_cast<int>(refs.size()) > a->cases) refs.resize(static_cast<std::size_t>(a->cases));
    std::vector<BenchItem> items;
    for (const auto& ref : refs) items.push_back({ref.id, [path = ref.ctPath] { return loadHeadCtSeries(path); }});
    return benchAnalysisAgainstLoad(module, items, a->repeats, ctx, "analyse < 10 s on 2 cores");
  };
}

}  // namespace openrad::modules::ct_hemorrhage
