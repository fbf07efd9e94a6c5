#pragma once

#include "openrad/core/Image.h"
#include "openrad/phantom/Random.h"
#include "openrad/phantom/SpineModel.h"

#include <Eigen/Core>

#include <memory>
#include <string>

namespace openrad::phantom {

/// Grid of the spine CT: 256 x 256 axial pixels of 1.25 mm (320 mm field), 1.5 mm slices from above T1 to
/// below the sacral promontory, capped at 400 slices.
struct SpineCtSettings {
  int columns = 256;
  int rows = 256;
  double pixelSpacing = 1.25;
  double sliceSpacing = 1.5;
  int maxSlices = 400;
};

/// A CT volume (int16 HU) and its label map (uint8, SpineLabels values) on the same grid.
struct SpineCtVolume {
  std::shared_ptr<core::Image> ct;
  std::shared_ptr<core::Image> labels;
  double noiseHu = 0.0;  ///< standard deviation of the added noise
};

/// Voxelises the analytic model (voxel-centre sampling, [1 2 1] in-plane blur, Gaussian noise).
SpineCtVolume makeSpineCtVolume(const SpineModel& model, Random& rng, const SpineCtSettings& settings = {});

/// Whether a point given in the primitive's local frame lies in the solid (inMain) or in one of its cuts.
void primitiveContains(const Primitive& primitive, const Eigen::Vector3f& local, bool& inMain, bool& inCut);

}  // namespace openrad::phantom

