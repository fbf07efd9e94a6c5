#pragma once

// The common part of the `bench MODULE` commands that time a whole-series analysis against loading the series: what a
// reader waits for after opening a study, in units of the wait they already accept.

#include "openrad/ai/AiModule.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace openrad::modules {

/// One series to time: its name and how it is loaded (the timed part; throws io::IoError naming the file).
struct BenchItem {
  std::string id;
  std::function<std::shared_ptr<const core::Series>()> load;
};

/// Loads each item (timed), runs `module` on it `repeats` times (the first a warm-up when more than one; the best of
/// the others counts), prints a row per item (size, load s, analyse s, ratio) and the medians with `target` (e.g.
/// "analyse < 2 s on 2 cores"). A refused series is reported on stderr and left out. Returns the exit code: 1 when no
/// series was analysed.
int benchAnalysisAgainstLoad(const ai::AiModule& module, const std::vector<BenchItem>& items, int repeats,
                             const ai::RunContext& context, const std::string& target);

}  // namespace openrad::modules
