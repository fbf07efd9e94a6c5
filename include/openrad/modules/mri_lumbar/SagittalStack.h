#pragma once

// The mri-lumbar module's view of a sagittal series (issue 10): every native sagittal slice resampled onto one
// canonical plane grid — pixel x toward posterior, y toward caudal, a fixed spacing in mm — whatever the array order
// of the file (the real data are stored inferior/posterior/right). The network sees these planes; its labels go back
// to the native grid through the same mapping. Pure (core, measure, Eigen).

#include "openrad/core/Image.h"
#include "openrad/measure/SagittalFrame.h"

#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <vector>

namespace openrad::modules::mri_lumbar {

/// Where the canonical planes lie in the series.
struct PlaneGrid {
  int width = 0, height = 0;  ///< plane pixels (x posterior, y caudal)
  double spacing = 1.5;       ///< mm per plane pixel
  int sliceAxis = 2;          ///< native array axis across the sagittal planes
  int slices = 0;             ///< native sagittal slices
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

/// The plane grid of a series: centred on the volume, `spacingMm` per pixel, the in-plane extent rounded up to a
/// multiple of `multiple` pixels and at most `maxPixels` per side (centred crop beyond).
PlaneGrid planeGridFor(const core::Geometry& geometry, const measure::SagittalFrame& frame, double spacingMm,
                       int multiple = 32, int maxPixels = 320);

/// Native slice `s` on the plane grid: bilinear within the slice (`nearest` for label maps), `outside` beyond the
/// image. `out` holds width × height values, x fastest.
void samplePlane(const core::Image& image, const PlaneGrid& grid, int s, float* out, float outside, bool nearest);

/// Every native slice on the plane grid (slices × height × width, x fastest).
std::vector<float> sampleStack(const core::Image& image, const PlaneGrid& grid, float outside, bool nearest);

/// Robust window of a stack: the 0.5 and 99.5 % percentiles of its values inside the image (NaN-free).
std::pair<float, float> robustWindow(const std::vector<float>& stack, float outside);

}  // namespace openrad::modules::mri_lumbar
