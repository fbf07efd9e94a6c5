#include "Hooks.h"
#include "LumbarModule.h"
#include "LumbarOverlay.h"
#include "LumbarSection.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"

namespace openrad::modules::mri_lumbar {

Module module() {
  Module m;
  m.id = "mri-lumbar";
  m.name = "Lumbar Sagittal MRI: Vertebrae, Corners and Lumbar Measurements";
  m.description = "Segment T9–S1 on a sagittal lumbar MRI, find the L1–S1 corners, measure lordosis, heights and listhesis";
  m.create = [](const std::string& dir, const ai::RunContext& context) -> std::unique_ptr<ai::AiModule> {
    return std::make_unique<LumbarModule>(dir, context);
  };
  m.rules = {lumbarRule()};
  m.presentation.section = lumbarSection;
  m.presentation.layer = std::make_shared<LumbarLayer>();
  m.train = {"Train the lumbar MRI segmentation network on the real train split and phantoms (C++/LibTorch)", setupTrain};
  m.eval = {"3D Dice per level, level accuracy, corner error; lordosis/listhesis error on phantoms", setupEval};
  m.bench = {"Whole-series analysis against loading the series (target < 2 s on 2 cores)", setupBench};
  return m;
}

}  // namespace openrad::modules::mri_lumbar
