#include "openrad/render/IntensityStatistics.h"

#include "openrad/core/ImageStatistics.h"

namespace openrad::render {

bool looksLikeCt(const core::Series& series) {
  if (series.info.modality == "CT" || series.info.units == "HU") return true;
  if (!series.image || series.image->geometry().is2D()) return false;
  if (!series.info.modality.empty() && series.info.modality != "OT") return false;
  const auto [low, high] = core::quantileRange(*series.image, 0.01, 0.99, 1 << 18);
  return low <= -850.0 && low >= -1100.0 && high >= 150.0;
}

}  // namespace openrad::render
