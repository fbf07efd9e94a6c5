#include "openrad/app/WindowLevel.h"

#include "openrad/core/ImageStatistics.h"
#include "openrad/render/IntensityStatistics.h"

#include <algorithm>
#include <tuple>

namespace openrad::app {

std::vector<WindowLevelPreset> ctWindowLevelPresets() {
  return {
      {"CT Brain", {80.0, 40.0}, "F2"},
      {"CT Subdural", {200.0, 75.0}, "F3"},
      {"CT Bone", {2000.0, 500.0}, "F4"},
      {"CT Soft Tissue", {400.0, 40.0}, "F5"},
  };
}

WindowLevel autoWindowLevel(const core::Image& image) {
  auto [low, high] = core::quantileRange(image, 0.005, 0.995);
  // Sparse images (label maps, masks) have equal quantiles: use the full range instead.
  if (high - low < 1e-6) std::tie(low, high) = image.range();
  WindowLevel wl;
  wl.window = std::max(high - low, 1e-3);
  wl.level = 0.5 * (low + high);
  return wl;
}

WindowLevel defaultWindowLevel(const core::Series& series) {
  if (series.info.windowWidth && series.info.windowCenter && *series.info.windowWidth > 0)
    return {*series.info.windowWidth, *series.info.windowCenter};
  if (render::looksLikeCt(series)) return {400.0, 40.0};
  if (series.image) return autoWindowLevel(*series.image);
  return {};
}

}  // namespace openrad::app
