#pragma once

#include "openrad/ai/AiModule.h"

#include <cstdint>
#include <memory>
#include <string>

namespace openrad::modules::mri_lumbar {

/// Segments a sagittal lumbar MR series, checks the levels, finds the corners of L1–S1 on the mid-sagittal slice and
/// measures. Refuses non-MR, non-sagittal, too coarse or blank series, and series without a lumbar spine.
class LumbarModule : public ai::AiModule {
public:
  /// Loads models/mri-lumbar (manifest + weights, SHA-256 checked); throws ai::ModelError naming the file.
  LumbarModule(const std::string& modelDir, const ai::RunContext& context);
  ~LumbarModule() override;
  ai::ModuleInfo info() const override;
  bool accepts(const core::Series& series) const override;
  ai::Findings run(const ai::AnalysisInput& input, const ai::RunContext& context) const override;
  /// Why a series is not something the module judges ("" when it is).
  static std::string unsuitable(const core::Series& series);
  /// A NIfTI volume records no modality (the loader says OT): taken as MR unless its values look like CT.
  static bool untypedVolume(const core::Series& series);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// The shipped model folder, models/mri-lumbar under the default models root.
std::string shippedLumbarModel();

/// A randomly initialised model folder (tests of the plumbing; never shipped). Returns the weights' SHA-256.
std::string writeUntrainedLumbarModel(const std::string& modelDir, std::uint64_t seed, int baseWidth = 8);

}  // namespace openrad::modules::mri_lumbar
