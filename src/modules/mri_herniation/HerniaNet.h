#pragma once

// Private to the mri-herniation module (Torch types): the one-stage detector (anchor-free centre/size heads on a
// ResNet-style feature pyramid), what it sees of a slice and how its output becomes boxes.
#include "openrad/ai/ModelManifest.h"
#include "openrad/ai/TorchBlocks.h"
#include "openrad/core/Image.h"
#include "openrad/measure/SagittalFrame.h"
#include "openrad/modules/mri_herniation/HerniationRules.h"
#include "openrad/modules/mri_lumbar/SagittalStack.h"

#include <torch/torch.h>

#include <string>
#include <vector>

namespace openrad::modules::mri_herniation {

inline constexpr const char* kModuleId = "mri-herniation";
inline constexpr const char* kWeightsFile = "weights.pt";

/// Network shape, input geometry and the shipped operating point; stored in the manifest.
struct DetConfig {
  int baseWidth = 16;
  int pyramidWidth = 32;
  double spacingMm = 1.0;  ///< in-plane mm per input pixel
  int crop = 224;          ///< input side (pixels, multiple of 32), centred on the lumbar bodies of the slice
  int stride = 4;          ///< output cell in input pixels: 4, or 2 (a pyramid lateral from stage 1 as well)
  double threshold = 0.3;  ///< box score at the shipped operating point
  int minSlices = 3;       ///< the consistency rule: slices that must agree
  int slices = 5;          ///< central slices read
};

/// Backbone: stem + 5 residual stages (stride 32); pyramid: top-down 1x1 laterals to the output stride (4, or 2);
/// heads per output cell: centre heat-map (1), log box size (2), centre offset (2), extrusion logit (1).
class HerniaNetImpl : public torch::nn::Module {
public:
  explicit HerniaNetImpl(const DetConfig& config);
  /// (B, 1, crop, crop) -> (B, 6, crop/stride, crop/stride): heat logit, log w, log h, dx, dy, type logit.
  torch::Tensor forward(const torch::Tensor& x);

private:
  torch::nn::Sequential m_stem{nullptr};
  ai::ResBlock m_e1{nullptr}, m_e2{nullptr}, m_e3{nullptr}, m_e4{nullptr}, m_e5{nullptr};
  torch::nn::Conv2d m_l1{nullptr}, m_l2{nullptr}, m_l3{nullptr}, m_l4{nullptr}, m_l5{nullptr};
  torch::nn::Sequential m_smooth{nullptr}, m_head{nullptr};
};
TORCH_MODULE(HerniaNet);

/// A series on canonical sagittal planes (x posterior, y caudal, spacingMm per pixel), windowed to its 0.5-99.5 %
/// percentiles (0..1.5, 0 outside the image).
struct Planes {
  mri_lumbar::PlaneGrid grid;
  std::vector<float> values;  ///< slices × height × width
  std::size_t plane() const { return static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height); }
  const float* slice(int s) const { return values.data() + plane() * static_cast<std::size_t>(s); }
};
Planes makePlanes(const core::Image& image, const measure::SagittalFrame& frame, double spacingMm);

/// Vertebral body centroids (module classes L1..S1 of mri-lumbar) of a label plane, cranial to caudal, named "L1"…
/// "S1"; bodies under 16 pixels are left out.
std::vector<std::pair<std::string, Eigen::Vector2d>> planeBodies(const float* labels, int width, int height);

/// The network input of one slice: a crop × crop window whose top-left corner is `origin` (plane pixels), as
/// (x - 0.5) * 2 with -1 outside the image; the mean of slices slice-half … slice+half (thin 3D series are read as
/// slabs about as thick as a clinical 2D slice).
void cropInput(const Planes& planes, int slice, int half, const Eigen::Vector2i& origin, int crop, float* out);

/// Half-width (in native slices) of the slab read per slice: 0 for slices of 2.5 mm or more, else about 4 mm in all.
int slabHalf(double sliceSpacingMm);

/// Decodes one output map (6 × h × w, after the forward pass) into boxes in input pixels: heat-map peaks (3×3 local
/// maxima) over `minScore`, at most `maxBoxes`, then boxes overlapping a better one by IoU > 0.3 dropped.
/// SliceBox::typeScore holds the extrusion probability.
std::vector<SliceBox> decode(const torch::Tensor& output, int stride, double minScore, int maxBoxes = 12);

/// What the detector found on the central slices of one series.
struct SeriesDetections {
  std::vector<int> slices;      ///< native slices read (centres of the slabs), ascending
  int step = 1;                 ///< native slices between two read slices
  int mid = 0;                  ///< the canal midline slice they are centred on
  std::vector<SliceBox> boxes;  ///< plane pixels, score >= the asked minimum, levels assigned where possible
  std::vector<std::string> levelOrder;  ///< disc levels present, cranial to caudal
};
/// Runs the detector on the `config.slices` slices (slabs) centred on `mid`, each cropped around the centroid of the
/// L1-S1 bodies of `labelPlanes` (mri-lumbar classes on the same plane grid); boxes get the disc level of the
/// bodies on their slice (the mid slice's when their own slice has fewer than two).
SeriesDetections detectSeries(HerniaNet& net, const DetConfig& config, const Planes& planes,
                              const std::vector<float>& labelPlanes, int mid, const torch::Device& device,
                              double minScore);

/// Model files.
DetConfig detConfigFrom(const ai::ModelManifest& manifest);
ai::ModelManifest detManifestFor(const DetConfig& config, const std::string& version);
std::string saveDetModel(HerniaNet& net, ai::ModelManifest manifest, const std::string& dir);

}  // namespace openrad::modules::mri_herniation
