#include "openrad/ai/PlaneGrid.h"

#include <Eigen/Dense>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace openrad::ai {

Eigen::Vector2d PlaneGrid::planePixel(const Eigen::Vector3d& idx) const {
  // Solve idx - index0 = x * perX + y * perY in the two in-plane components.
  const int a = (sliceAxis + 1) % 3, b = (sliceAxis + 2) % 3;
  Eigen::Matrix2d m;
  m << indexPerX[a], indexPerY[a], indexPerX[b], indexPerY[b];
  const Eigen::Vector2d r(idx[a] - index0[a], idx[b] - index0[b]);
  return m.inverse() * r;
}

void samplePlane(const core::Image& image, const PlaneGrid& grid, int s, float* out, float outside, bool nearest) {
  const auto& g = image.geometry();
  const int a = (grid.sliceAxis + 1) % 3, b = (grid.sliceAxis + 2) % 3;
  const std::int64_t na = g.size[static_cast<std::size_t>(a)], nb = g.size[static_cast<std::size_t>(b)];
  // Values of the slice as float once (any pixel type).
  std::vector<float> slice(static_cast<std::size_t>(na * nb));
  for (std::int64_t v = 0; v < nb; ++v)
    for (std::int64_t u = 0; u < na; ++u) {
      std::array<std::int64_t, 3> idx{};
      idx[static_cast<std::size_t>(a)] = u;
      idx[static_cast<std::size_t>(b)] = v;
      idx[static_cast<std::size_t>(grid.sliceAxis)] = s;
      slice[static_cast<std::size_t>(u + na * v)] = static_cast<float>(image.value(idx[0], idx[1], idx[2]));
    }
  for (int y = 0; y < grid.height; ++y)
    for (int x = 0; x < grid.width; ++x) {
      const Eigen::Vector3d p = grid.nativeIndex(x, y, s);
      const double u = p[a], v = p[b];
      float value = outside;
      if (nearest) {
        const auto iu = static_cast<std::int64_t>(std::lround(u)), iv = static_cast<std::int64_t>(std::lround(v));
        if (iu >= 0 && iv >= 0 && iu < na && iv < nb) value = slice[static_cast<std::size_t>(iu + na * iv)];
      } else if (u > -0.5 && v > -0.5 && u < static_cast<double>(na) - 0.5 && v < static_cast<double>(nb) - 0.5) {
        const double cu = std::clamp(u, 0.0, static_cast<double>(na - 1)),
                     cv = std::clamp(v, 0.0, static_cast<double>(nb - 1));
        const auto u0 = std::min<std::int64_t>(static_cast<std::int64_t>(cu), na - 1),
                   v0 = std::min<std::int64_t>(static_cast<std::int64_t>(cv), nb - 1);
        const std::int64_t u1 = std::min(u0 + 1, na - 1), v1 = std::min(v0 + 1, nb - 1);
        const double fu = cu - static_cast<double>(u0), fv = cv - static_cast<double>(v0);
        const auto at = [&](std::int64_t uu, std::int64_t vv) { return slice[static_cast<std::size_t>(uu + na * vv)]; };
        value = static_cast<float>((1 - fv) * ((1 - fu) * at(u0, v0) + fu * at(u1, v0)) +
                                   fv * ((1 - fu) * at(u0, v1) + fu * at(u1, v1)));
      }
      out[static_cast<std::size_t>(x + grid.width * y)] = value;
    }
}

std::vector<float> sampleStack(const core::Image& image, const PlaneGrid& grid, float outside, bool nearest) {
  const std::size_t plane = static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height);
  std::vector<float> stack(plane * static_cast<std::size_t>(grid.slices));
  for (int s = 0; s < grid.slices; ++s)
    samplePlane(image, grid, s, stack.data() + plane * static_cast<std::size_t>(s), outside, nearest);
  return stack;
}

}  // namespace openrad::ai
