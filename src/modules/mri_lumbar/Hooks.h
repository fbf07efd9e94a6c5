#pragma once

#include "openrad/modules/Module.h"

#include <functional>

namespace openrad::modules::mri_lumbar {

/// `openrad-cli train mri-lumbar`.
std::function<int()> setupTrain(CLI::App& command);
/// `openrad-cli eval mri-lumbar`: Dice per level (3D), level accuracy, corner error, lordosis/listhesis on phantoms.
std::function<EvalReport(const EvalOptions&)> setupEval(CLI::App& command);
/// `openrad-cli bench mri-lumbar`: whole-series analysis against loading the series.
std::function<int()> setupBench(CLI::App& command);

}  // namespace openrad::modules::mri_lumbar
