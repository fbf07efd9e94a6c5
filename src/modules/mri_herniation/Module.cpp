#include "HerniationModule.h"
#include "HerniationSection.h"
#include "Hooks.h"

#include "openrad/modules/mri_herniation/HerniationReview.h"

namespace openrad::modules::mri_herniation {

Module module() {
  Module m;
  m.id = kModuleId;
  m.name = "Lumbar MRI: Disc Herniation (5 Central Slices, 3 of 5 Agree)";
  m.description =
      "Detect disc herniations on the 5 central sagittal slices of a series mri-lumbar has segmented; a level is a "
      "finding where at least 3 slices agree";
  m.create = [](const std::string& dir, const ai::RunContext& context) -> std::unique_ptr<ai::AiModule> {
    return std::make_unique<HerniationModule>(dir, context);
  };
  m.rules = {herniationRule()};
  m.presentation.section = herniationSection;
  m.train = {"Train the herniation detector on lumbar-mri phantoms and choose its threshold on a tuning seed (C++/LibTorch)", setupTrain};
  m.eval = {"Slice mAP@0.5; per disc level sensitivity, specificity, FPR with and without the 3-of-5 rule; threshold sweep",
            setupEval};
  m.bench = {"The 5 central slices against the mri-lumbar segmentation of the same series (target < 1 s on 2 cores)",
             setupBench};
  return m;
}

}  // namespace openrad::modules::mri_herniation
