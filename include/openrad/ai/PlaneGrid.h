#pragma once

// How a network's input plane lies on the native slices of a series: a regular grid of plane pixels (a fixed spacing in
// mm, any in-plane rotation and scale) mapped onto each native slice, the slice's voxels resampled onto it, and a
// native voxel's plane pixel for taking the network's output back to the series' grid. Shared by the modules that read
// native slices (sagittal MRI, axial CT). Pure (core, Eigen).

#include "openrad/core/Image.h"

#include <Eigen/Core>

#include <vector>

namespace openrad::ai {

/// Where the planes lie in the series.
struct PlaneGrid {
  int width = 0, height = 0;  ///< plane pixels
  double spacing = 1.5;       ///< mm per plane pixel
  int sliceAxis = 2;          ///< native array axis across the planes
  int slices = 0;             ///< native slices
  double sliceSpacing = 1.0;  ///< mm between native slices
  /// Continuous native index of plane pixel (0, 0) on slice 0, and its steps per plane pixel x, y and per slice.
  Eigen::Vector3d index0 = Eigen::Vector3d::Zero(), indexPerX = Eigen::Vector3d::Zero(),
                  indexPerY = Eigen::Vector3d::Zero(), indexPerSlice = Eigen::Vector3d::Zero();
  /// Native continuous index of plane pixel (x, y) on native slice s.
  Eigen::Vector3d nativeIndex(double x, double y, double s) const {
    return index0 + x * indexPerX + y * indexPerY + s * indexPerSlice;
  }
  /// Plane pixel (x, y) of native voxel (i, j, k) (its slice is the voxel's index along sliceAxis).
  Eigen::Vector2d planePixel(const Eigen::Vector3d& nativeIndex) const;
};

/// Native slice `s` on the plane grid: bilinear within the slice (`nearest` for label maps), `outside` beyond the
/// image. `out` holds width × height values, x fastest.
void samplePlane(const core::Image& image, const PlaneGrid& grid, int s, float* out, float outside, bool nearest);

/// Every native slice on the plane grid (slices × height × width, x fastest).
std::vector<float> sampleStack(const core::Image& image, const PlaneGrid& grid, float outside, bool nearest);

}  // namespace openrad::ai
