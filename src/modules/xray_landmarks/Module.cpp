#include "Hooks.h"
#include "SpineOverlay.h"
#include "SpineSection.h"
#include "openrad/modules/xray_landmarks/SpineRules.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"

namespace openrad::modules::xray_landmarks {

Module module() {
  Module m;
  m.id = ai::kXrayLandmarksId;
  m.name = "AP Spine Radiograph: Landmarks and Cobb Angles";
  m.description = "Find the 68 vertebra corners T1–L5 and measure Cobb angles and heights";
  m.create = [](const std::string& dir, const ai::RunContext& context) { return ai::loadXrayLandmarkModule(dir, context); };
  m.rules = {ai::spineRule()};
  m.presentation.section = spineSection;
  m.presentation.layer = std::make_shared<SpineLayer>();
  m.train = {"Train the AP landmark network from phantoms or a real dataset folder (C++/LibTorch)", setupTrain};
  m.eval = {"Cobb SMAPE/MAE, landmark MRE and speed on a held-out labelled dataset", setupEval};
  m.bench = {"AP landmark analysis per radiograph vs opening it (target < 1 s on 2 cores), quiet and beside a busy process",
             setupBench};
  return m;
}

}  // namespace openrad::modules::xray_landmarks
