#pragma once

#include "openrad/core/Image.h"
#include "openrad/report/Overlay.h"

#include <Eigen/Core>

#include <string>

namespace openrad::app {

/// How a 2D view cuts and lays out a voxel grid: the plane normal is voxel axis `axis`; screen x runs
/// along voxel axis `u`, screen y along `v`, mirrored when flipU/flipV (so that volumes show in the
/// radiological convention: patient right on screen left, anterior up, head up).
struct SlicePlane {
  int axis = 2;
  int u = 0;
  int v = 1;
  bool flipU = false;
  bool flipV = false;

  /// Plane normal to voxel axis `axis`; `canonical` picks flips from the direction cosines.
  static SlicePlane forAxis(const core::Geometry& geometry, int axis, bool canonical);
  /// The voxel axis whose direction is closest to an LPS axis (0 = x: sagittal, 1 = y: coronal,
  /// 2 = z: axial).
  static int voxelAxisClosestTo(const core::Geometry& geometry, int lpsAxis);

  /// Columns and rows of the displayed slice.
  std::int64_t columns(const core::Geometry& geometry) const { return geometry.size[static_cast<std::size_t>(u)]; }
  std::int64_t rows(const core::Geometry& geometry) const { return geometry.size[static_cast<std::size_t>(v)]; }
  /// Number of slices along the normal.
  std::int64_t slices(const core::Geometry& geometry) const { return geometry.size[static_cast<std::size_t>(axis)]; }
  /// The same layout as the overlay layers use it, on slice `slice`.
  report::OverlayPlane overlayPlane(int slice) const { return {axis, u, v, flipU, flipV, slice}; }
  /// Continuous voxel index of display position (x, y) (display pixel units, 0..columns) on a slice.
  Eigen::Vector3d displayToIndex(const core::Geometry& geometry, double x, double y, double slice) const;
  /// Display position (pixel units) of a continuous voxel index.
  Eigen::Vector2d indexToDisplay(const core::Geometry& geometry, const Eigen::Vector3d& index) const;
  /// LPS unit vector pointing to the right of the screen.
  Eigen::Vector3d screenRight(const core::Geometry& geometry) const;
  /// LPS unit vector pointing down the screen.
  Eigen::Vector3d screenDown(const core::Geometry& geometry) const;
  /// "Axial", "Coronal", "Sagittal" or "Oblique" from the plane normal.
  std::string name(const core::Geometry& geometry) const;
};

/// Patient-direction letters of an LPS vector, strongest first ("L", "PS", ...); R/L, A/P, S/I.
std::string orientationLetters(const Eigen::Vector3d& lps);

}  // namespace openrad::app
