#pragma once

// Private to the mri-lumbar module (Torch types): the segmentation network, its input and the whole-series
// inference that returns labels on the native grid.
#include "openrad/ai/ModelManifest.h"
#include "openrad/ai/TorchBlocks.h"
#include "openrad/core/Image.h"
#include "openrad/measure/SagittalFrame.h"
#include "openrad/modules/mri_lumbar/LumbarLabels.h"
#include "openrad/modules/mri_lumbar/SagittalStack.h"

#include <torch/torch.h>

#include <memory>
#include <string>
#include <vector>

namespace openrad::modules::mri_lumbar {

inline constexpr const char* kModuleId = "mri-lumbar";
inline constexpr const char* kWeightsFile = "weights.pt";

/// Network shape and input geometry; stored in the manifest so the runtime rebuilds exactly this.
struct SegConfig {
  int baseWidth = 16;
  int classes = kClasses;
  double spacingMm = 1.5;  ///< in-plane mm per input pixel
  double slabMm = 3.0;     ///< thick series are used as they are; thinner ones are averaged to slabs this thick
  int maxPixels = 320;     ///< largest plane side at inference (centred crop beyond)
};

/// The shared U-Net (ai::UNetImpl: ResNet-style encoder to stride 32, decoder with skips back to full resolution) on the
/// three slab channels, with the configuration it was built from.
class SegNetImpl : public ai::UNetImpl {
public:
  explicit SegNetImpl(const SegConfig& config) : ai::UNetImpl(3, config.classes, config.baseWidth), m_config(config) {}
  const SegConfig& config() const { return m_config; }

private:
  SegConfig m_config;
};
TORCH_MODULE(SegNet);

/// A series on the canonical planes, intensities windowed to its 0.5–99.5 % percentiles (0 … 1; 0 outside).
struct PlaneStack {
  PlaneGrid grid;
  std::vector<float> values;  ///< slices × height × width
  std::size_t plane() const { return static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height); }
  const float* slice(int s) const { return values.data() + plane() * static_cast<std::size_t>(s); }
};
PlaneStack makeStack(const core::Image& image, const measure::SagittalFrame& frame, double spacingMm, int maxPixels);

/// The network's three input channels around native slice `s`: the slab of `thick` slices centred on s - step, s,
/// s + step (clamped at the ends), as (x - 0.5) × 2. `out` holds 3 × height × width floats.
void inputChannels(const PlaneStack& stack, int s, int thick, int step, float* out);

/// How a series is cut into network inputs: thick slices one by one, thin ones as slabs of ~slabMm.
struct SlabPlan {
  int thick = 1, step = 1;
  std::vector<int> centres;  ///< native slice at the centre of each input
};
SlabPlan slabPlan(const PlaneGrid& grid, double slabMm);

/// The class of a pixel from its class probabilities: vertebral bone (the sum over the levels) against background,
/// disc and canal, then the most likely level.
int decideClass(const float* probabilities, int classes);

/// Labels on the native grid (uint8, module classes) and what the network saw.
struct SegmentResult {
  std::shared_ptr<core::Image> labels;
  PlaneGrid grid;
  SlabPlan plan;
};
/// Segments a whole series (net on `device`, in eval mode).
SegmentResult segmentSeries(SegNet& net, const core::Image& image, const measure::SagittalFrame& frame,
                            const torch::Device& device);

/// Model files.
SegConfig segConfigFrom(const ai::ModelManifest& manifest);
ai::ModelManifest segManifestFor(const SegConfig& config, const std::string& version);
/// Saves weights to dir/weights.pt, fills the manifest's SHA-256 and writes it; returns the SHA-256.
std::string saveSegModel(SegNet& net, ai::ModelManifest manifest, const std::string& dir);

}  // namespace openrad::modules::mri_lumbar
