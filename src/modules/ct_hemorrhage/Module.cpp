#include "HemorrhageModule.h"
#include "HemorrhageOverlay.h"
#include "HemorrhageSection.h"
#include "Hooks.h"

#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"

namespace openrad::modules::ct_hemorrhage {

Module module() {
  Module m;
  m.id = kModuleId;
  m.name = "Head CT: Hematoma, Edema and Extra-Axial Collection (Volumes, ABC/2)";
  m.description =
      "Segment intraparenchymal hematoma, perihematomal edema and extra-axial collections on an axial head CT; "
      "volumes, lesions with side and location, ABC/2";
  m.create = [](const std::string& dir, const ai::RunContext& context) -> std::unique_ptr<ai::AiModule> {
    return std::make_unique<HemorrhageModule>(dir, context);
  };
  m.rules = {hemorrhageRule()};
  m.presentation.section = hemorrhageSection;
  m.presentation.layer = std::make_shared<HemorrhageLayer>();
  m.train = {"Train the head CT segmentation network on head-ct phantoms, checkpoint on a tuning seed (C++/LibTorch)",
             setupTrain};
  m.eval = {"Dice per class, hematoma/edema volume agreement (CCC, limits), lesion count accuracy, ABC/2 error",
            setupEval};
  m.bench = {"Whole-study analysis against loading the study (target < 10 s on 2 cores)", setupBench};
  return m;
}

}  // namespace openrad::modules::ct_hemorrhage
