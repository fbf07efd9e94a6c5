#pragma once

// Which way a lumbar MR series is sagittal (issue 10): the array axis along the patient's left-right direction, found
// from the direction cosines rather than the array order (the real data are stored inferior/posterior/right), and the
// anterior and cranial directions in the pixel grid of its sagittal planes. Pure (core geometry and Eigen).

#include "openrad/core/Image.h"

#include <Eigen/Core>

#include <string>
#include <variant>

namespace openrad::measure {

/// The sagittal planes of a series.
struct SagittalFrame {
  int sliceAxis = 2;              ///< the array axis (0 i, 1 j, 2 k) along left-right: one sagittal plane per index
  int columnAxis = 0, rowAxis = 1;  ///< the array axes of a plane's pixel x and y (in array order)
  Eigen::Vector2d anterior, cranial;  ///< unit directions toward the front and the head, in plane pixel coordinates
  double obliquityDegrees = 0;    ///< angle between the slice axis and the patient's left-right
};

/// The frame, or why the series cannot be judged as sagittal: no array axis within `maxObliquityDegrees` of left-right,
/// or slices that are thick across left-right in-plane (an axial or coronal stack: more than 1.5x its finest spacing).
std::variant<SagittalFrame, std::string> sagittalFrame(const core::Geometry& geometry, double maxObliquityDegrees = 30.0);

}  // namespace openrad::measure
