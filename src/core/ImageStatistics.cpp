#include "openrad/core/ImageStatistics.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace openrad::core {
namespace {

template <class T>
void sample(const Image& image, std::int64_t stride, std::vector<double>& out) {
  const T* data = image.as<T>();
  const std::int64_t n = image.geometry().voxelCount();
  for (std::int64_t i = 0; i < n; i += stride) {
    const double v = static_cast<double>(data[i]);
    if (std::isfinite(v)) out.push_back(v);
  }
}

}  // namespace

std::pair<double, double> quantileRange(const Image& image, double lowFraction, double highFraction,
                                        std::int64_t maxSamples) {
  const std::int64_t n = image.geometry().voxelCount();
  if (n <= 0) return {0.0, 0.0};
  // An odd stride avoids sampling the same column of every row.
  std::int64_t stride = std::max<std::int64_t>(1, n / std::max<std::int64_t>(1, maxSamples));
  if (stride > 1 && stride % 2 == 0) ++stride;
  std::vector<double> values;
  values.reserve(static_cast<std::size_t>(n / stride + 1));
  switch (image.pixelType()) {
    case PixelType::UInt8: sample<std::uint8_t>(image, stride, values); break;
    case PixelType::Int16: sample<std::int16_t>(image, stride, values); break;
    case PixelType::UInt16: sample<std::uint16_t>(image, stride, values); break;
    case PixelType::Float32: sample<float>(image, stride, values); break;
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

double median(std::vector<double> values) {
  if (values.empty()) return 0.0;
  std::nth_element(values.begin(), values.begin() + static_cast<long>(values.size() / 2), values.end());
  return values[values.size() / 2];
}

double mean(const std::vector<double>& values) {
  if (values.empty()) return std::nan("");
  double s = 0;
  for (double x : values) s += x;
  return s / static_cast<double>(values.size());
}

}  // namespace openrad::core
