#include "openrad/modules/BenchAnalysis.h"

#include "openrad/core/ImageStatistics.h"

#include <chrono>
#include <cstdio>
#include <iostream>

namespace openrad::modules {

int benchAnalysisAgainstLoad(const ai::AiModule& module, const std::vector<BenchItem>& items, int repeats,
                             const ai::RunContext& context, const std::string& target) {
  using Clock = std::chrono::steady_clock;
  std::vector<double> load, analyse, ratio;
  std::printf("%-28s %12s %10s %10s %7s\n", "series", "size", "load s", "analyse s", "ratio");
  for (const BenchItem& item : items) {
    const auto t0 = Clock::now();
    const std::shared_ptr<const core::Series> series = item.load();
    const double tl = std::chrono::duration<double>(Clock::now() - t0).count();
    double best = 1e30;
    for (int r = 0; r < std::max(1, repeats); ++r) {
      const auto t1 = Clock::now();
      try {
        (void)module.run(module.inputFor(series), context);
      } catch (const ai::Refused& e) {
        std::cerr << item.id << ": " << e.what() << "\n";
        break;
      }
      const double t = std::chrono::duration<double>(Clock::now() - t1).count();
      if (repeats <= 1 || r > 0) best = std::min(best, t);
    }
    if (best >= 1e30) continue;
    const auto& g = series->image->geometry();
    char size[32];
    std::snprintf(size, sizeof size, "%lldx%lldx%lld", static_cast<long long>(g.size[0]),
                  static_cast<long long>(g.size[1]), static_cast<long long>(g.size[2]));
    std::printf("%-28s %12s %10.3f %10.3f %7.2f\n", item.id.c_str(), size, tl, best, best / tl);
    load.push_back(tl);
    analyse.push_back(best);
    ratio.push_back(best / tl);
  }
  if (analyse.empty()) {
    std::cerr << "no series analysed\n";
    return 1;
  }
  std::printf("median: load %.3f s, analyse %.3f s, analyse/load %.2f (target: %s)\n", core::median(load),
              core::median(analyse), core::median(ratio), target.c_str());
  return 0;
}

}  // namespace openrad::modules
