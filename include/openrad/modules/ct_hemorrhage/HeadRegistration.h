#pragma once

// Rigid registration of two head CTs of one patient (ITK): each re-scan has a new pose in the scanner, so lesions are
// compared in one patient space only after the heads are aligned.

#include "openrad/core/Image.h"

#include <Eigen/Core>

#include <string>

namespace openrad::modules::ct_hemorrhage {

/// A rigid map between the patient spaces of two scans: fixed = rotation · moving + translation (LPS mm).
struct RigidMap {
  Eigen::Matrix3d rotation = Eigen::Matrix3d::Identity();
  Eigen::Vector3d translation = Eigen::Vector3d::Zero();
  double metric = 0;  ///< final Mattes mutual information (negative: lower is better)
  int iterations = 0;
  Eigen::Vector3d toFixed(const Eigen::Vector3d& movingLps) const { return rotation * movingLps + translation; }
};

/// Aligns `moving` to `fixed` (HU, any pixel type): intensities clamped to the head's range (-100 .. 1500 HU), the
/// centres of intensity mass first (an initial guess that survives any pose difference a patient makes), then a
/// versor rigid transform under Mattes mutual information (robust to the lesion itself changing between scans) on
/// three in-plane resolution levels (the slices stay as they are). std::invalid_argument when an image is not 3D.
RigidMap registerHeads(const core::Image& fixed, const core::Image& moving);

}  // namespace openrad::modules::ct_hemorrhage
