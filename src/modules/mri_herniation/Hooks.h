#pragma once

#include "HerniaNet.h"
#include "openrad/modules/Module.h"

#include <functional>
#include <utility>
#include <vector>

namespace openrad::modules::mri_herniation {

struct PhantomSeries;

/// `openrad-cli train mri-herniation`.
std::function<int()> setupTrain(CLI::App& command);
/// `openrad-cli eval mri-herniation`: slice mAP@0.5, per-level sensitivity/specificity/FPR with and without the rule.
std::function<EvalReport(const EvalOptions&)> setupEval(CLI::App& command);
/// `openrad-cli bench mri-herniation`: the 5 central slices against the lumbar segmentation of the same series.
std::function<int()> setupBench(CLI::App& command);

/// What the tuning set says of a network: slice mAP@0.5, and per-level outcomes under the rule per threshold.
struct TuningResult {
  double map50 = 0;
  double threshold = -1;  ///< the lowest threshold reaching the asked specificity
  LevelCounts atThreshold;
  std::vector<std::pair<double, LevelCounts>> sweep;  ///< thresholds 0.01 … 0.95
};
/// Runs the detector on phantom series with their own labels (levels and midline from the phantom).
TuningResult tune(HerniaNet& net, const DetConfig& config, const std::vector<PhantomSeries>& series,
                  const torch::Device& device, double specificity);

}  // namespace openrad::modules::mri_herniation
