#pragma once

// A drawn lumbar spine for the mri-lumbar tests: L1–L5 and S1 as quadrilaterals with known corners (mm in the
// sagittal plane: a toward posterior, s toward caudal), extruded over the lateral slices, on a sagittal grid stored
// in either of two array orders. Voxel (a, s, k) of order A is voxel (s, a, k) of order B; both place it at the same
// patient position.

#include "openrad/core/Image.h"
#include "openrad/modules/mri_lumbar/LumbarLabels.h"

#include <Eigen/Core>

#include <array>
#include <cmath>
#include <memory>
#include <vector>

namespace openrad::test {

/// Corners (a, s) of one body: anterior-superior, posterior-superior, anterior-inferior, posterior-inferior.
struct DrawnBody {
  int label = 0;
  std::array<Eigen::Vector2d, 4> corners;
};

enum class ArrayOrder {
  PosteriorInferiorRight,  ///< i → posterior, j → inferior, k → right (the phantoms' DICOM order)
  InferiorPosteriorRight,  ///< i → inferior, j → posterior, k → right (the real data's NIfTI order)
};

struct DrawnSpineSpec {
  int apPixels = 90, siPixels = 230, slices = 9;
  double sliceMm = 3.0;
  double originA = -30, originS = -10;  ///< (a, s) of pixel 0
  double sacralTiltDeg = 30;            ///< S1 superior endplate: anterior end lower by this angle
  double listhesisMm = 0;               ///< L4 shifted anterior over L5 by this much
  int firstBodySlice = 2, lastBodySlice = 6;  ///< lateral extent of the bodies
  int canalSlice = -1;                  ///< canal drawn on slices canalSlice-1..+1 behind the bodies (-1 none)
  double turnDeg = 0;                   ///< the whole column turned in the sagittal plane about (17.5, 103) mm
};

inline std::vector<DrawnBody> drawnBodies(const DrawnSpineSpec& spec) {
  std::vector<DrawnBody> out;
  for (int c = modules::mri_lumbar::kL1; c <= modules::mri_lumbar::kL5; ++c) {
    const double top = 8.0 + 32.0 * (c - modules::mri_lumbar::kL1);
    const double shift = c == modules::mri_lumbar::kL4 ? -spec.listhesisMm : 0.0;  // anterior = smaller a
    DrawnBody b;
    b.label = c;
    b.corners = {Eigen::Vector2d(0 + shift, top), Eigen::Vector2d(35 + shift, top), Eigen::Vector2d(0 + shift, top + 25),
                 Eigen::Vector2d(35 + shift, top + 25)};
    out.push_back(b);
  }
  const double top = 8.0 + 32.0 * 5, t = std::tan(spec.sacralTiltDeg * M_PI / 180.0);
  DrawnBody s1;
  s1.label = modules::mri_lumbar::kS1;
  s1.corners = {Eigen::Vector2d(0, top + 35 * t), Eigen::Vector2d(35, top), Eigen::Vector2d(0, top + 35 * t + 30),
                Eigen::Vector2d(35, top + 30)};
  out.push_back(s1);
  const double r = spec.turnDeg * M_PI / 180.0;
  const Eigen::Vector2d centre(17.5, 103);
  for (auto& b : out)
    for (auto& c : b.corners) {
      const Eigen::Vector2d d = c - centre;
      c = centre + Eigen::Vector2d(std::cos(r) * d.x() - std::sin(r) * d.y(), std::sin(r) * d.x() + std::cos(r) * d.y());
    }
  return out;
}

inline bool insideQuad(const DrawnBody& b, const Eigen::Vector2d& p) {
  // Convex polygon as, ps, pi, ai (in order around it).
  const std::array<Eigen::Vector2d, 4> poly = {b.corners[0], b.corners[1], b.corners[3], b.corners[2]};
  double sign = 0;
  for (int e = 0; e < 4; ++e) {
    const Eigen::Vector2d a = poly[static_cast<std::size_t>(e)], c = poly[static_cast<std::size_t>((e + 1) % 4)];
    const double cross = (c.x() - a.x()) * (p.y() - a.y()) - (c.y() - a.y()) * (p.x() - a.x());
    if (std::abs(cross) < 1e-12) continue;
    if (sign == 0) sign = cross;
    else if ((cross > 0) != (sign > 0)) return false;
  }
  return true;
}

inline core::Geometry drawnGeometry(const DrawnSpineSpec& spec, ArrayOrder order) {
  core::Geometry g;
  const Eigen::Vector3d post(0, 1, 0), inf(0, 0, -1), right(-1, 0, 0);
  const bool a = order == ArrayOrder::PosteriorInferiorRight;
  g.size = {a ? spec.apPixels : spec.siPixels, a ? spec.siPixels : spec.apPixels, spec.slices};
  g.spacing = Eigen::Vector3d(1.0, 1.0, spec.sliceMm);
  g.direction.col(0) = a ? post : inf;
  g.direction.col(1) = a ? inf : post;
  g.direction.col(2) = right;
  g.origin = spec.originA * post + spec.originS * inf + Eigen::Vector3d(10, 0, 0);
  return g;
}

/// The label volume (uint8, module classes).
inline std::shared_ptr<core::Image> drawnSpineLabels(const DrawnSpineSpec& spec, ArrayOrder order) {
  auto img = std::make_shared<core::Image>(drawnGeometry(spec, order), core::PixelType::UInt8);
  const auto bodies = drawnBodies(spec);
  const bool a = order == ArrayOrder::PosteriorInferiorRight;
  for (int k = 0; k < spec.slices; ++k)
    for (int s = 0; s < spec.siPixels; ++s)
      for (int x = 0; x < spec.apPixels; ++x) {
        const Eigen::Vector2d p(spec.originA + x, spec.originS + s);
        int v = 0;
        if (k >= spec.firstBodySlice && k <= spec.lastBodySlice)
          for (const auto& b : bodies)
            if (insideQuad(b, p)) v = b.label;
        if (v == 0 && spec.canalSlice >= 0 && std::abs(k - spec.canalSlice) <= 1 && p.x() > 40 && p.x() < 52 && p.y() > 5 && p.y() < 190)
          v = modules::mri_lumbar::kCanal;
        if (a) img->setValue(x, s, k, v);
        else img->setValue(s, x, k, v);
      }
  return img;
}

/// An MR-like image of the labels (bodies bright, canal brighter, soft background, a little texture).
inline std::shared_ptr<core::Image> drawnSpineImage(const core::Image& labels) {
  auto img = std::make_shared<core::Image>(labels.geometry(), core::PixelType::UInt16);
  const auto& g = labels.geometry();
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i) {
        const int v = static_cast<int>(labels.value(i, j, k));
        const double base = v == 0 ? 200 : v == modules::mri_lumbar::kCanal ? 1400 : 700;
        img->setValue(i, j, k, base + 40 * std::sin(0.37 * static_cast<double>(i) + 0.23 * static_cast<double>(j)));
      }
  return img;
}

}  // namespace openrad::test
