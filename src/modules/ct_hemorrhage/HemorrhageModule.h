#pragma once

#include "openrad/ai/AiModule.h"
#include "openrad/ai/ModelManifest.h"

#include <cstdint>
#include <memory>
#include <string>

namespace openrad::modules::ct_hemorrhage {

/// Segments an axial head CT slice by slice (hematoma, perihematomal oedema, extra-axial collection) and measures the
/// label map: volumes, lesions with side, compartment and location, ABC/2. Refuses what is not an axial head CT.
class HemorrhageModule : public ai::AiModule {
 public:
  /// Loads models/ct-hemorrhage (manifest + weights, SHA-256 checked); throws ai::ModelError naming the file.
  HemorrhageModule(const std::string& modelDir, const ai::RunContext& context);
  ~HemorrhageModule() override;
  ai::ModuleInfo info() const override;
  bool accepts(const core::Series& series) const override;
  ai::Findings run(const ai::AnalysisInput& input, const ai::RunContext& context) const override;
  const ai::ModelManifest& manifest() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

/// The shipped model folder, models/ct-hemorrhage under the default models root.
std::string shippedHemorrhageModel();

/// A randomly initialised model folder (tests of the plumbing; never shipped). Returns the weights' SHA-256.
std::string writeUntrainedHemorrhageModel(const std::string& modelDir, std::uint64_t seed, int baseWidth = 8);

}  // namespace openrad::modules::ct_hemorrhage
