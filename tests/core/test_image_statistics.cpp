#include "openrad/core/ImageStatistics.h"

#include <gtest/gtest.h>

#include <limits>

using namespace openrad::core;

TEST(QuantileRange, ExactOnSmallImages) {
  Geometry g;
  g.size = {10, 10, 1};
  Image image(g, PixelType::Int16);
  for (std::int64_t k = 0; k < 100; ++k) image.setValue(k % 10, k / 10, 0, static_cast<double>(99 - k));
  const auto [low, high] = quantileRange(image, 0.0, 1.0);
  EXPECT_EQ(low, 0.0);
  EXPECT_EQ(high, 99.0);
  const auto [q10, q90] = quantileRange(image, 0.1, 0.9);
  EXPECT_NEAR(q10, 10.0, 1.0);
  EXPECT_NEAR(q90, 89.0, 1.0);
}

TEST(QuantileRange, SkipsNonFiniteAndHandlesEmpty) {
  Geometry g;
  g.size = {4, 1, 1};
  Image image(g, PixelType::Float32);
  image.setValue(0, 0, 0, 1.0);
  image.setValue(1, 0, 0, std::numeric_limits<double>::quiet_NaN());
  image.setValue(2, 0, 0, 3.0);
  image.setValue(3, 0, 0, std::numeric_limits<double>::infinity());
  const auto [low, high] = quantileRange(image, 0.0, 1.0);
  EXPECT_EQ(low, 1.0);
  EXPECT_EQ(high, 3.0);
}
