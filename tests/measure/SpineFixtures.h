#pragma once

#include "openrad/measure/SpineLandmarks.h"

#include <Eigen/Geometry>

#include <cmath>

namespace openrad::measure::test {

/// A straight upright spine: every body 40 px wide and `body` px tall, discs `disc` px tall, T1 top at y=10.
inline ApCorners straightSpine(double body = 20.0, double disc = 10.0, double x0 = 100.0, double width = 40.0) {
  ApCorners c;
  for (int v = 0; v < kApVertebrae; ++v) {
    const double top = 10.0 + v * (body + disc);
    const auto k = static_cast<std::size_t>(v * 4);
    c[k + TopLeft] = {x0, top};
    c[k + TopRight] = {x0 + width, top};
    c[k + BottomLeft] = {x0, top + body};
    c[k + BottomRight] = {x0 + width, top + body};
  }
  return c;
}

/// Rotates every corner by `deg` about `centre` (rigid: lengths are unchanged).
inline ApCorners rotated(const ApCorners& in, double deg, const Eigen::Vector2d& centre = {200, 300}) {
  const Eigen::Rotation2Dd r(deg * M_PI / 180.0);
  ApCorners out;
  for (std::size_t i = 0; i < in.size(); ++i) out[i] = centre + r * (in[i] - centre);
  return out;
}

/// Tilts each vertebra about its own centre by tilts[v] degrees (positive = clockwise on screen, y down).
inline ApCorners tiltEach(const ApCorners& in, const double (&tilts)[kApVertebrae]) {
  ApCorners out = in;
  for (int v = 0; v < kApVertebrae; ++v) {
    Eigen::Vector2d centre = Eigen::Vector2d::Zero();
    for (int c = 0; c < 4; ++c) centre += in[static_cast<std::size_t>(v * 4 + c)] / 4.0;
    const Eigen::Rotation2Dd r(tilts[v] * M_PI / 180.0);
    for (int c = 0; c < 4; ++c) {
      const auto k = static_cast<std::size_t>(v * 4 + c);
      out[k] = centre + r * (in[k] - centre);
    }
  }
  return out;
}

}  // namespace openrad::measure::test
