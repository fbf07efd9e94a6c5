#include "openrad/render/IntensityStatistics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace openrad::render {
namespace {

template <class T>
void sample(const core::Image& image, std::int64_t stride, std::vector<double>& out) {
  const T* data = image.as<T>();
  const std::int64_t n = image.geometry().voxelCount();
  for (std::int64_t i = 0; i < n; i += stride) {
    const double v = static_cast<double>(data[i]);
    if (std::isfinite(v)) out.push_back(v);
  }
}

}  // namespace

std::pair<double, double> quantileRange(const core::Image& image, double lowFraction, double highFraction,
                                        std::int64_t maxSamples) {
  const std::int64_t n = image.geometry().voxelCount();
  if (n <= 0) return {0.0, 0.0};
  // An odd stride avoids sampling the same column of every row.
  std::int64_t stride = std::max<std::int64_t>(1, n / std::max<std::int64_t>(1, maxSamples));
  if (stride > 1 && stride % 2 == 0) ++stride;
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(n / stride + 1));
  switch (image.pixelType()) {
    case core::PixelType::UInt8: sample<std::uint8_t>(image, stride, values); break;
    case core::PixelType::Int16: sample<std::int16_t>(image, stride, values); break;
    case core::PixelType::UInt16: sample<std::uint16_t>(image, stride, values); break;
    case core::PixelType::Float32: sample<float>(image, stride, values); break;
  }
  if (values.empty()) return {0.0, 0.0};
  auto at = [&](double fraction) {
    const double clamped = std::clamp(fraction, 0.0, 1.0);
    const auto index = static_cast<std::size_t>(std::llround(clamped * static_cast<double>(values.size() - 1)));
    std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(index), values.end());
    return values[index];
  };
  const double low = at(lowFraction);
  const double high = at(highFraction);
  return {low, high};
}

bool looksLikeCt(const core::Series& series) {
  if (series.info.modality == "CT" || series.info.units == "HU") return true;
  if (!series.image || series.image->geometry().is2D()) return false;
  if (!series.info.modality.empty() && series.info.modality != "OT") return false;
  const auto [low, high] = quantileRange(*series.image, 0.01, 0.99, 1 << 18);
  return low <= -850.0 && low >= -1100.0 && high >= 150.0;
}

}  // namespace openrad::render
