#pragma once

#include "openrad/modules/Module.h"

#include <functional>

namespace openrad::modules::ct_hemorrhage {

/// `openrad-cli train ct-hemorrhage`.
std::function<int()> setupTrain(CLI::App& command);
/// `openrad-cli eval ct-hemorrhage`: Dice per class, volume agreement, lesion count, ABC/2 error on head-ct phantoms.
std::function<EvalReport(const EvalOptions&)> setupEval(CLI::App& command);
/// `openrad-cli bench ct-hemorrhage`: whole-study analysis against loading the study.
std::function<int()> setupBench(CLI::App& command);

}  // namespace openrad::modules::ct_hemorrhage
