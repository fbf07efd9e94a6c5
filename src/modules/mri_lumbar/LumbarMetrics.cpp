#include "openrad/modules/mri_lumbar/LumbarMetrics.h"

#include <stdexcept>
#include <vector>

namespace openrad::modules::mri_lumbar {

VolumeScores scoreVolume(const core::Image& predicted, const core::Image& truth, std::uint32_t annotated) {
  if (!predicted.geometry().sameGrid(truth.geometry(), 1e-3))
    throw std::invalid_argument("scoreVolume: prediction and truth are on different grids");
  const std::uint8_t* p = predicted.as<std::uint8_t>();
  const std::uint8_t* t = truth.as<std::uint8_t>();
  const auto n = static_cast<std::size_t>(truth.geometry().voxelCount());
  // overlap[truth class][predicted class]
  std::vector<std::array<std::int64_t, kClasses>> overlap(kClasses);
  std::array<std::int64_t, kClasses> inPred{}, inTrue{};
  for (std::size_t i = 0; i < n; ++i) {
    const int a = t[i] < kClasses ? t[i] : 0, b = p[i] < kClasses ? p[i] : 0;
    ++overlap[static_cast<std::size_t>(a)][static_cast<std::size_t>(b)];
    ++inPred[static_cast<std::size_t>(b)];
    ++inTrue[static_cast<std::size_t>(a)];
  }
  VolumeScores s;
  double sum = 0;
  for (int c = 1; c < kClasses; ++c) {
    const auto uc = static_cast<std::size_t>(c);
    if (!(annotated & (1u << c)) || inTrue[uc] == 0) continue;
    s.inTruth[uc] = true;
    s.dice[uc] = 2.0 * static_cast<double>(overlap[uc][uc]) / static_cast<double>(inTrue[uc] + inPred[uc]);
    if (c >= kL1 && c <= kS1) sum += s.dice[uc], ++s.diceLevels;
    if (isBody(c)) {
      ++s.bodies;
      int best = 0;
      std::int64_t bestCount = 0;
      for (int q = kT9; q <= kS1; ++q)
        if (overlap[uc][static_cast<std::size_t>(q)] > bestCount) bestCount = overlap[uc][static_cast<std::size_t>(q)], best = q;
      s.identifiedAs[uc] = best;
      if (best == c) ++s.identified;
    }
  }
  s.diceMean = s.diceLevels > 0 ? sum / s.diceLevels : 0;
  return s;
}

}  // namespace openrad::modules::mri_lumbar
