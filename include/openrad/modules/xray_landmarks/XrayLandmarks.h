#pragma once

#include "openrad/ai/AiModule.h"
#include "openrad/ai/RunContext.h"

#include <cstdint>
#include <memory>
#include <string>

namespace openrad::ai {

/// Module id of the AP spine radiograph landmark detector (also its folder under models/).
inline constexpr const char* kXrayLandmarksId = "xray-landmarks";
/// Name of the landmark set it produces (68 AP corners, AASCE order).
inline constexpr const char* kApCornerSetName = "ap-corners";
/// Corners whose confidence is below this are listed for review.
inline constexpr double kLowConfidence = 0.3;

/// Loads the AP landmark module from its model folder (manifest.json + weights); verifies the SHA-256
/// first. Throws ModelError naming the file when the model is missing, tampered or does not load.
std::unique_ptr<AiModule> loadXrayLandmarkModule(const std::string& modelDir, const RunContext& context = {});

/// Shape of a landmark network.
struct XrayNetShape {
  int inputWidth = 128;
  int inputHeight = 256;
  int baseWidth = 16;
};

/// Writes an untrained (randomly initialised, seeded) network and its manifest into `modelDir`, marked
/// version "untrained". For tests and as the trainer's starting point. Returns the weights' SHA-256.
std::string writeUntrainedXrayModel(const std::string& modelDir, const XrayNetShape& shape, std::uint64_t seed);

}  // namespace openrad::ai

namespace openrad::modules {
struct Module;
namespace xray_landmarks {
/// The module's registration: AI module, measurement rule, report section, overlay layer, train/eval/bench.
Module module();
}  // namespace xray_landmarks
}  // namespace openrad::modules
