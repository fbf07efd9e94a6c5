#include "openrad/phantom/Random.h"

#include <cmath>

namespace openrad::phantom {

Random::Random(std::uint64_t seed) : m_engine(seed) {}

Random::Random(std::uint64_t seed, std::uint64_t stream) : m_engine(mixSeed(seed, stream)) {}

std::uint64_t Random::mixSeed(std::uint64_t seed, std::uint64_t stream) {
  // Two SplitMix64 rounds so that (seed, stream) pairs close to each other give unrelated engines.
  auto mix = [](std::uint64_t z) {
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  };
  return mix(mix(seed) ^ (stream * 0xD1B54A32D192ED03ULL + 0x632BE59BD9B4E019ULL));
}

double Random::uniform() {
  return static_cast<double>(m_engine() >> 11) * 0x1.0p-53;
}

std::int64_t Random::uniformInt(std::int64_t lo, std::int64_t hi) {
  if (hi < lo) throw std::invalid_argument("Random::uniformInt: hi < lo");
  const std::uint64_t range = static_cast<std::uint64_t>(hi - lo) + 1ULL;
  if (range == 0) return static_cast<std::int64_t>(m_engine());  // full 64-bit range
  // Rejection sampling removes the modulo bias.
  const std::uint64_t limit = (~0ULL) - ((~0ULL) % range);
  std::uint64_t x = m_engine();
  while (x >= limit) x = m_engine();
  return lo + static_cast<std::int64_t>(x % range);
}

double Random::normal() {
  if (m_hasSpare) {
    m_hasSpare = false;
    return m_spare;
  }
  double u1 = uniform();
  while (u1 <= 0.0) u1 = uniform();
  const double u2 = uniform();
  const double r = std::sqrt(-2.0 * std::log(u1));
  const double a = 6.283185307179586476925 * u2;
  m_spare = r * std::sin(a);
  m_hasSpare = true;
  return r * std::cos(a);
}

double Random::truncatedNormal(double mean, double sd, double lo, double hi) {
  for (int i = 0; i < 64; ++i) {
    const double v = normal(mean, sd);
    if (v >= lo && v <= hi) return v;
  }
  return std::fmin(hi, std::fmax(lo, mean));
}

std::size_t Random::weightedIndex(const std::vector<double>& weights) {
  double sum = 0.0;
  for (double w : weights) sum += w > 0.0 ? w : 0.0;
  if (weights.empty() || sum <= 0.0) throw std::invalid_argument("Random::weightedIndex: no positive weight");
  double x = uniform() * sum;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double w = weights[i] > 0.0 ? weights[i] : 0.0;
    if (x < w) return i;
    x -= w;
  }
  return weights.size() - 1;
}

std::int64_t Random::poisson(double mean) {
  if (mean <= 0.0) return 0;
  if (mean < 30.0) {
    const double l = std::exp(-mean);
    std::int64_t k = 0;
    double p = uniform();
    while (p > l) {
      ++k;
      p *= uniform();
    }
    return k;
  }
  const double v = std::floor(mean + std::sqrt(mean) * normal() + 0.5);
  return v < 0.0 ? 0 : static_cast<std::int64_t>(v);
}

}  // namespace openrad::phantom
