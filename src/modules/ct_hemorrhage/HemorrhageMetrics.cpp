#include "openrad/modules/ct_hemorrhage/HemorrhageMetrics.h"

#include <cmath>
#include <limits>
#include <stdexcept>

namespace openrad::modules::ct_hemorrhage {

double dice(const core::Image& predicted, const core::Image& truth, int value) {
  if (!predicted.geometry().sameGrid(truth.geometry(), 1e-3))
    throw std::invalid_argument("dice: prediction and truth are on different grids");
  if (predicted.pixelType() != core::PixelType::UInt8 || truth.pixelType() != core::PixelType::UInt8)
    throw std::invalid_argument("dice: label maps must be uint8");
  const std::uint8_t* p = predicted.as<std::uint8_t>();
  const std::uint8_t* t = truth.as<std::uint8_t>();
  std::int64_t both = 0, inP = 0, inT = 0;
  for (std::int64_t i = 0; i < truth.geometry().voxelCount(); ++i) {
    const bool a = p[i] == value, b = t[i] == value;
    both += a && b;
    inP += a;
    inT += b;
  }
  if (inP + inT == 0) return std::numeric_limits<double>::quiet_NaN();
  return 2.0 * static_cast<double>(both) / static_cast<double>(inP + inT);
}

Agreement agreement(const std::vector<double>& predicted, const std::vector<double>& truth) {
  if (predicted.size() != truth.size()) throw std::invalid_argument("agreement: the two sets differ in length");
  Agreement a;
  a.n = static_cast<int>(truth.size());
  constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
  if (a.n < 2) {
    a.ccc = a.meanDifference = a.sdDifference = a.lowerLimit = a.upperLimit = kNaN;
    return a;
  }
  const double n = a.n;
  double mx = 0, my = 0;
  for (int i = 0; i < a.n; ++i)
    mx += predicted[static_cast<std::size_t>(i)] / n, my += truth[static_cast<std::size_t>(i)] / n;
  double sxx = 0, syy = 0, sxy = 0, sdd = 0;
  a.meanDifference = mx - my;
  for (int i = 0; i < a.n; ++i) {
    const double dx = predicted[static_cast<std::size_t>(i)] - mx, dy = truth[static_cast<std::size_t>(i)] - my;
    sxx += dx * dx / n, syy += dy * dy / n, sxy += dx * dy / n;
    const double d = predicted[static_cast<std::size_t>(i)] - truth[static_cast<std::size_t>(i)] - a.meanDifference;
    sdd += d * d;
  }
  const double denominator = sxx + syy + (mx - my) * (mx - my);
  a.ccc = denominator > 0 ? 2 * sxy / denominator : kNaN;
  a.sdDifference = std::sqrt(sdd / (n - 1));
  a.lowerLimit = a.meanDifference - 1.96 * a.sdDifference;
  a.upperLimit = a.meanDifference + 1.96 * a.sdDifference;
  return a;
}

}  // namespace openrad::modules::ct_hemorrhage
