#include "openrad/measure/PixelScale.h"

namespace openrad::measure {

double PixelScale::length(const Eigen::Vector2d& delta) const {
  return Eigen::Vector2d(delta.x() * mmPerPixelX, delta.y() * mmPerPixelY).norm();
}

PixelScale pixelScale(const core::Geometry& geometry, const core::SeriesInfo& info) {
  PixelScale s;
  if (!geometry.spacingKnown) return s;
  s.known = true;
  s.mmPerPixelX = geometry.spacing.x();
  s.mmPerPixelY = geometry.spacing.y();
  // Imager Pixel Spacing is measured at the detector; objects at the patient plane are magnified by
  // SID/SOD, so their true size is the detector size divided by that factor. Pixel Spacing (already
  // calibrated to the patient) and other sources are left as they are.
  const bool detectorSpacing =
      info.pixelSpacingSource == "ImagerPixelSpacing" || info.pixelSpacingSource.empty();
  if (detectorSpacing && info.distanceSourceToDetector && info.distanceSourceToPatient &&
      *info.distanceSourceToPatient > 0.0 && *info.distanceSourceToDetector >= *info.distanceSourceToPatient) {
    s.magnification = *info.distanceSourceToDetector / *info.distanceSourceToPatient;
    s.mmPerPixelX /= s.magnification;
    s.mmPerPixelY /= s.magnification;
  }
  return s;
}

PixelScale pixelScale(const core::Series& series) {
  core::Geometry g;
  if (series.image) g = series.image->geometry();
  else g.spacingKnown = false;
  return pixelScale(g, series.info);
}

}  // namespace openrad::measure
