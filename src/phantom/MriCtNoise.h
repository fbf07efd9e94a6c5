#pragma once

// Private helpers of the lumbar MRI and head CT phantoms: deterministic lattice value noise.
// Hash-based (no tables, no std distributions) so the same seed gives the same texture everywhere.

#include "openrad/core/ParallelFor.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <thread>
#include <vector>

namespace openrad::phantom::detail {

/// SplitMix64-style hash of a lattice point and a seed.
inline std::uint64_t latticeHash(std::int64_t x, std::int64_t y, std::int64_t z, std::uint64_t seed) {
  std::uint64_t h = seed ^ (static_cast<std::uint64_t>(x) * 0x9E3779B97F4A7C15ULL) ^
                    (static_cast<std::uint64_t>(y) * 0xC2B2AE3D27D4EB4FULL) ^
                    (static_cast<std::uint64_t>(z) * 0x165667B19E3779F9ULL);
  h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ULL;
  h = (h ^ (h >> 27)) * 0x94D049BB133111EBULL;
  return h ^ (h >> 31);
}

/// Lattice value in [-1, 1).
inline double latticeValue(std::int64_t x, std::int64_t y, std::int64_t z, std::uint64_t seed) {
  return static_cast<double>(latticeHash(x, y, z, seed) >> 11) * 0x1.0p-52 - 1.0;
}

/// Smooth value noise in [-1, 1] with unit lattice spacing.
inline double valueNoise(double x, double y, double z, std::uint64_t seed) {
  const double fx = std::floor(x), fy = std::floor(y), fz = std::floor(z);
  const auto ix = static_cast<std::int64_t>(fx), iy = static_cast<std::int64_t>(fy), iz = static_cast<std::int64_t>(fz);
  auto smooth = [](double t) { return t * t * (3.0 - 2.0 * t); };
  const double tx = smooth(x - fx), ty = smooth(y - fy), tz = smooth(z - fz);
  double c[2][2][2];
  for (int a = 0; a < 2; ++a)
    for (int b = 0; b < 2; ++b)
      for (int d = 0; d < 2; ++d) c[a][b][d] = latticeValue(ix + a, iy + b, iz + d, seed);
  auto lerp = [](double p, double q, double t) { return p + (q - p) * t; };
  const double x00 = lerp(c[0][0][0], c[1][0][0], tx), x10 = lerp(c[0][1][0], c[1][1][0], tx);
  const double x01 = lerp(c[0][0][1], c[1][0][1], tx), x11 = lerp(c[0][1][1], c[1][1][1], tx);
  return lerp(lerp(x00, x10, ty), lerp(x01, x11, ty), tz);
}

/// Sum of `octaves` value-noise octaves (frequency doubling, amplitude halving), about [-1, 1].
inline double fractalNoise(double x, double y, double z, std::uint64_t seed, int octaves) {
  double sum = 0.0, amp = 1.0, norm = 0.0, f = 1.0;
  for (int o = 0; o < octaves; ++o) {
    sum += amp * valueNoise(x * f, y * f, z * f, seed + static_cast<std::uint64_t>(o) * 0x51ED2701ULL);
    norm += amp;
    amp *= 0.5;
    f *= 2.0;
  }
  return sum / norm;
}

/// Hermite step between e0 and e1.
inline double smoothStep(double e0, double e1, double x) {
  double t = (x - e0) / (e1 - e0);
  t = t < 0 ? 0 : (t > 1 ? 1 : t);
  return t * t * (3.0 - 2.0 * t);
}

/// Calls fn(k) for k in [0, count) on up to two threads (core::parallelFor); fn must only touch slice k.
template <class Fn> void parallelSlices(int count, Fn&& fn) {
  const int threads = static_cast<int>(std::min(2u, std::max(1u, std::thread::hardware_concurrency())));
  core::parallelFor(static_cast<std::size_t>(std::max(0, count)), threads,
                    [&fn](std::size_t k) { fn(static_cast<int>(k)); });
}

}  // namespace openrad::phantom::detail
