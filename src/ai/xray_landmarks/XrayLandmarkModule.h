#pragma once

#include "openrad/ai/AiModule.h"
#include "openrad/ai/ModelManifest.h"

#include <memory>
#include <string>

namespace openrad::ai::xray {

/// AP spine radiograph → 68 vertebra corners (T1..L5, AASCE order) with confidences, plus the Cobb angles
/// and heights computed from them. Loads and verifies its model once, at construction.
class XrayLandmarkModule : public AiModule {
public:
  /// Reads `modelDir`/manifest.json, checks the weights' SHA-256, loads them; throws ModelError.
  XrayLandmarkModule(const std::string& modelDir, const RunContext& context);
  ~XrayLandmarkModule() override;

  ModuleInfo info() const override;
  bool accepts(const core::Series& series) const override;
  Findings run(const core::Series& series, const RunContext& context) const override;

private:
  struct Impl;  // Torch lives in the .cpp
  std::unique_ptr<Impl> m_impl;
};

}  // namespace openrad::ai::xray
