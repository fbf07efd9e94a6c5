#pragma once

// Connected parts of a voxel grid: one flood fill shared by the phantoms (ground-truth lesions) and the modules
// (lesion counts, stray-island clean-up), so that "connected" means the same thing wherever a count is made.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace openrad::core {

/// Which neighbours touch: 6 share a face; 26 share a face, an edge or a corner.
enum class Connectivity { Face6 = 6, Full26 = 26 };

/// Labels the connected parts of the voxels `v` (linear offset x + nx·(y + ny·z) into a grid of `size`) for which
/// `inside(v)` holds, two neighbours joining when `same(a, b)` holds for their offsets. Parts are numbered in the
/// order of their first voxel in memory. On return `part[v]` is the part of each voxel (-1 outside); the result holds
/// each part's voxel count.
template <class Inside, class Same>
std::vector<std::int64_t> connectedParts(const std::array<std::int64_t, 3>& size, Connectivity connectivity,
                                         const Inside& inside, const Same& same, std::vector<std::int32_t>& part) {
  const std::int64_t nx = size[0], ny = size[1], nz = size[2], n = nx * ny * nz;
  const bool full = connectivity == Connectivity::Full26;
  part.assign(static_cast<std::size_t>(n), -1);
  std::vector<std::int64_t> sizes, stack;
  for (std::int64_t start = 0; start < n; ++start) {
    if (part[static_cast<std::size_t>(start)] >= 0 || !inside(start)) continue;
    const auto id = static_cast<std::int32_t>(sizes.size());
    std::int64_t count = 0;
    part[static_cast<std::size_t>(start)] = id;
    stack.assign(1, start);
    while (!stack.empty()) {
      const std::int64_t v = stack.back();
      stack.pop_back();
      ++count;
      const std::int64_t x = v % nx, y = (v / nx) % ny, z = v / (nx * ny);
      for (std::int64_t dz = -1; dz <= 1; ++dz)
        for (std::int64_t dy = -1; dy <= 1; ++dy)
          for (std::int64_t dx = -1; dx <= 1; ++dx) {
            const int steps = (dx != 0) + (dy != 0) + (dz != 0);
            if (steps == 0 || (!full && steps > 1)) continue;
            const std::int64_t xx = x + dx, yy = y + dy, zz = z + dz;
            if (xx < 0 || yy < 0 || zz < 0 || xx >= nx || yy >= ny || zz >= nz) continue;
            const std::int64_t w = xx + nx * (yy + ny * zz);
            if (part[static_cast<std::size_t>(w)] >= 0 || !inside(w) || !same(v, w)) continue;
            part[static_cast<std::size_t>(w)] = id;
            stack.push_back(w);
          }
    }
    sizes.push_back(count);
  }
  return sizes;
}

/// The parts of the voxels equal to `value` in a uint8 grid (every neighbour of the same value joins).
inline std::vector<std::int64_t> connectedParts(const std::uint8_t* values, const std::array<std::int64_t, 3>& size,
                                                std::uint8_t value, Connectivity connectivity,
                                                std::vector<std::int32_t>& part) {
  return connectedParts(
      size, connectivity, [&](std::int64_t v) { return values[v] == value; }, [](std::int64_t, std::int64_t) { return true; },
      part);
}

}  // namespace openrad::core
