#pragma once

#include <cstddef>
#include <cstdint>
#include <random>
#include <stdexcept>
#include <vector>

namespace openrad::phantom {

/// Deterministic random numbers for phantoms: std::mt19937_64 plus distributions implemented here,
/// so the same seed gives the same numbers with any standard library (std::normal_distribution and
/// friends are implementation-defined). Normal deviates use Box–Muller (std::log/sqrt/cos of libm).
/// The API is stable: other phantom generators rely on it.
class Random {
public:
  /// Seeds the engine directly with `seed`.
  explicit Random(std::uint64_t seed = 1);
  /// Engine for sub-stream `stream` of `seed` (e.g. study index): independent of other streams.
  Random(std::uint64_t seed, std::uint64_t stream);

  /// SplitMix64 finaliser: a well-mixed 64-bit hash of `seed` and `stream`.
  static std::uint64_t mixSeed(std::uint64_t seed, std::uint64_t stream);

  /// Raw 64 random bits.
  std::uint64_t nextU64() { return m_engine(); }
  /// Uniform double in [0, 1) with 53 random bits.
  double uniform();
  /// Uniform double in [lo, hi).
  double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Uniform integer in [lo, hi] (both inclusive, unbiased).
  std::int64_t uniformInt(std::int64_t lo, std::int64_t hi);
  /// Standard normal deviate (Box–Muller, second value cached).
  double normal();
  /// Normal deviate with mean and standard deviation.
  double normal(double mean, double sd) { return mean + sd * normal(); }
  /// Normal deviate redrawn until it falls in [lo, hi] (clamped after 64 tries).
  double truncatedNormal(double mean, double sd, double lo, double hi);
  /// True with probability p.
  bool bernoulli(double p) { return uniform() < p; }
  /// Index drawn with probability proportional to weights[i] (weights >= 0, sum > 0).
  std::size_t weightedIndex(const std::vector<double>& weights);
  /// A uniformly chosen element; throws std::invalid_argument when empty.
  template <class T> const T& choice(const std::vector<T>& items) {
    if (items.empty()) throw std::invalid_argument("Random::choice: empty list");
    return items[static_cast<std::size_t>(uniformInt(0, static_cast<std::int64_t>(items.size()) - 1))];
  }
  /// Poisson deviate (exact inversion below mean 30, normal approximation above).
  std::int64_t poisson(double mean);
  /// The underlying engine (for code that needs raw bits).
  std::mt19937_64& engine() { return m_engine; }

private:
  std::mt19937_64 m_engine;
  bool m_hasSpare = false;
  double m_spare = 0.0;
};

}  // namespace openrad::phantom
