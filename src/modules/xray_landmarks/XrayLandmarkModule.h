#pragma once

#include "openrad/ai/AiModule.h"
#include "openrad/ai/ModelManifest.h"
#include "openrad/measure/SpineLandmarks.h"

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
  Findings run(const AnalysisInput& input, const RunContext& context) const override;

  /// Why the corners found on a `cols` × `rows` film are not a plausible AP spine (empty when they are): corners off
  /// the film, vertebrae out of order, implausible sizes or spacing, or most corners of low confidence.
  static std::string implausibility(const measure::ApCorners& corners, const std::array<double, measure::kApCorners>& confidence,
                                    double cols, double rows);
  /// Why an image cannot be a spine radiograph at all (empty when it may be): too small, blank, not 2D.
  static std::string unsuitableImage(const core::Series& series);

private:
  struct Impl;  // Torch lives in the .cpp
  std::unique_ptr<Impl> m_impl;
};

}  // namespace openrad::ai::xray
