#pragma once

#include "HerniaNet.h"

#include "openrad/ai/AiModule.h"

#include <cstdint>
#include <memory>
#include <string>

namespace openrad::modules::mri_herniation {

/// Reads the 5 central sagittal slices of a lumbar MR series that mri-lumbar has segmented (its label map is the
/// input that spans the two modules), detects herniations on each and keeps a level where at least 3 agree.
class HerniationModule : public ai::AiModule {
public:
  /// Loads models/mri-herniation (manifest + weights, SHA-256 checked); throws ai::ModelError naming the file.
  HerniationModule(const std::string& modelDir, const ai::RunContext& context);
  ~HerniationModule() override;
  ai::ModuleInfo info() const override;
  /// One input per sagittal MR series, with the mri-lumbar findings of that series when the document has them.
  std::vector<ai::AnalysisInput> candidates(const core::LoadResult& loaded, const core::Document& document) const override;
  bool accepts(const core::Series& series) const override;
  ai::Findings run(const ai::AnalysisInput& input, const ai::RunContext& context) const override;
  /// What the detector sees and finds on a sagittal series (checked by run()) given the mri-lumbar label map on its
  /// grid: the planes, the central slices' boxes with score >= `minScore`, the midline slice and how it was found.
  /// Throws std::invalid_argument when the label map has neither a canal nor lumbar bodies.
  struct Detection {
    Planes planes;
    SeriesDetections detections;
    int mid = 0;
    std::string how;
  };
  Detection detect(const core::Series& series, const core::Image& lumbarLabels, double minScore) const;
  /// The score threshold and rule of the loaded model.
  double threshold() const;
  int minSlices() const;
  const ai::ModelManifest& manifest() const;

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// The shipped model folder, models/mri-herniation under the default models root.
std::string shippedHerniationModel();

/// A randomly initialised model folder (tests of the plumbing; never shipped). Returns the weights' SHA-256.
std::string writeUntrainedHerniationModel(const std::string& modelDir, std::uint64_t seed, int baseWidth = 8);

}  // namespace openrad::modules::mri_herniation
