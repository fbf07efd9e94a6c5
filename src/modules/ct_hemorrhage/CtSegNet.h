#pragma once

// Private to the ct-hemorrhage module (Torch types): the 2.5D segmentation network, its nine input channels (a slice
// and its two neighbours, each in three CT windows) on a fixed crop centred on the head, and the whole-study inference
// that returns labels on the CT grid.
#include "openrad/ai/ModelManifest.h"
#include "openrad/ai/PlaneGrid.h"
#include "openrad/ai/TorchBlocks.h"
#include "openrad/core/Image.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"

#include <torch/torch.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace openrad::modules::ct_hemorrhage {

inline constexpr const char* kWeightsFile = "weights.pt";
inline constexpr int kClasses = 4;              ///< background, hematoma, edema, extra-axial (phantom::HeadCtLabel)
inline constexpr int kWindows = 3;              ///< brain, subdural, bone
inline constexpr int kChannels = 3 * kWindows;  ///< slices below, at and above × windows

/// Network shape and input geometry; stored in the manifest so the runtime rebuilds exactly this.
struct CtSegConfig {
  int baseWidth = 16;
  double spacingMm = 1.0;  ///< in-plane mm per input pixel
  int crop = 224;          ///< input side (pixels, a multiple of 32)
  double slabMm = 5.0;     ///< slices thinner than this are averaged to slabs this thick, neighbours one slab away
};

/// The shared U-Net (ai::UNetImpl) on the nine channels, one logit per class, with the configuration it was built from.
class CtSegNetImpl : public ai::UNetImpl {
 public:
  explicit CtSegNetImpl(const CtSegConfig& config)
      : ai::UNetImpl(kChannels, kClasses, config.baseWidth), m_config(config) {}
  const CtSegConfig& config() const { return m_config; }

 private:
  CtSegConfig m_config;
};
TORCH_MODULE(CtSegNet);

/// A CT window: HU centre and width; the channel is (HU − centre + width/2) / width clamped to 0 … 1, then × 2 − 1.
struct CtWindow {
  double centre, width;
};
/// Brain 40/80, subdural 80/200, bone 600/2800.
const std::array<CtWindow, kWindows>& inputWindows();

/// HU of pixels outside the CT (air).
inline constexpr float kOutsideHu = -1024.0f;

/// The input planes of an axial CT: crop × crop pixels of spacingMm, display x toward the patient's left and y toward
/// posterior (whatever the array order of the file), centred on the centroid of the voxels above -300 HU of the whole
/// stack (the head; air and nothing else below). Throws std::invalid_argument when the stack holds no such voxel.
ai::PlaneGrid axialGrid(const core::Image& ct, const CtSegConfig& config);

/// Native slices per input slab and between the centres of neighbouring slabs.
struct SlabPlan {
  int thick = 1, step = 1;
};
SlabPlan slabPlan(double sliceSpacingMm, double slabMm);

/// The nine channels of native slice `s` from HU planes (slices × height × width, as samplePlane gives them): the slab
/// of `plan.thick` slices centred on s - step, s and s + step (clamped at the ends), each in the three windows, in the
/// order (below: brain, subdural, bone), (at: …), (above: …). `out` holds 9 × height × width floats.
void inputChannels(const std::vector<float>& huPlanes, const ai::PlaneGrid& grid, int s, const SlabPlan& plan,
                   float* out);

/// Class probabilities on the planes (slices × classes × height × width) back onto the CT grid: for each voxel, the
/// bilinear mean of each class's probability at its plane pixel on its own slice, then the most likely class;
/// background outside the planes. uint8 on `geometry`.
std::shared_ptr<core::Image> labelsFromPlanes(const float* probabilities, const ai::PlaneGrid& grid,
                                              const core::Geometry& geometry);

/// Labels on the CT grid (uint8, phantom::HeadCtLabel values) and where the network looked.
struct SegmentResult {
  std::shared_ptr<core::Image> labels;
  ai::PlaneGrid grid;
  /// Share of the head's voxels (above -300 HU) that fell outside the crop (a head larger than the crop).
  double outsideShare = 0;
};
/// Segments every slice of an axial CT (net on `device`, in eval mode).
SegmentResult segmentStudy(CtSegNet& net, const core::Image& ct, const torch::Device& device);

/// Model files.
CtSegConfig ctSegConfigFrom(const ai::ModelManifest& manifest);
ai::ModelManifest ctSegManifestFor(const CtSegConfig& config, const std::string& version);
/// Saves weights to dir/weights.pt, fills the manifest's SHA-256 and writes it; returns the SHA-256.
std::string saveCtSegModel(CtSegNet& net, ai::ModelManifest manifest, const std::string& dir);

}  // namespace openrad::modules::ct_hemorrhage
