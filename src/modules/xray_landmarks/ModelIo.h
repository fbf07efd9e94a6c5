#pragma once

// Private to the xray-landmarks module: network ↔ manifest ↔ files.
#include "LandmarkNet.h"
#include "openrad/ai/ModelManifest.h"
#include "openrad/core/Image.h"
#include "openrad/measure/SpineLandmarks.h"

#include <opencv2/core.hpp>

#include <array>
#include <string>
#include <vector>

namespace openrad::ai::xray {

/// Weights file name inside the model folder.
inline constexpr const char* kWeightsFile = "weights.pt";

/// Network shape stored in a manifest.
NetConfig netConfigFrom(const ModelManifest& manifest);
/// A manifest describing `config` (architecture, input spec, labels); training fields left empty.
ModelManifest manifestFor(const NetConfig& config, const std::string& version);
/// Saves the network's weights to `dir`/weights.pt, fills the manifest's weights name and SHA-256, and
/// writes the manifest. Returns the SHA-256.
std::string saveModel(LandmarkNet& net, ModelManifest manifest, const std::string& dir);

/// 68 corners + confidences in original image pixels.
struct Prediction {
  measure::ApCorners corners;
  std::array<double, measure::kApCorners> confidence{};
};

/// Test-time augmentation and decoding used by predictImage / predictBases.
struct InferenceOptions {
  bool flip = true;  ///< also run the mirrored input; decodeMaps combines both
  /// Passes with the input shifted by (0,0), (2,2), (2,0), (0,2) input pixels (half an output cell), 1..4;
  /// corners are averaged over the passes.
  int shifts = 4;
  /// σ of combinePasses (input pixels); 0 = the passes' agreement does not change the confidence.
  double passSigma = 2.0;
  DecodeOptions decode;
};

/// Runs a network (already on `device`, in eval mode) on an image; corners in the image's pixels.
Prediction predictImage(LandmarkNet& net, const core::Image& image, const torch::Device& device,
                        const InferenceOptions& options = {});
/// Runs a network on a batch of 8-bit base images (see makeBase); corners in base pixels.
std::vector<Prediction> predictBases(LandmarkNet& net, const std::vector<cv::Mat>& bases, const torch::Device& device,
                                     const InferenceOptions& options = {});

}  // namespace openrad::ai::xray
