#include "openrad/phantom/Cobb.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace openrad::phantom;

namespace {

constexpr double kPi = 3.14159265358979323846;

/// 17 vertebrae stacked down the image, vertebra k tilted by tilts[k] degrees (image convention: positive
/// when the right end is lower), centred at x = xs[k].
std::vector<Eigen::Vector2d> spineWithTilts(const std::vector<double>& tilts, const std::vector<double>& xs = {}) {
  std::vector<Eigen::Vector2d> pts;
  for (std::size_t k = 0; k < tilts.size(); ++k) {
    const double a = tilts[k] * kPi / 180.0;
    const Eigen::Vector2d c(xs.empty() ? 250.0 : xs[k], 100.0 + 50.0 * static_cast<double>(k));
    const Eigen::Vector2d u(std::cos(a), std::sin(a)), v(-std::sin(a), std::cos(a));
    const double w = 20.0, h = 15.0;
    pts.push_back(c - w * u - h * v);  // top-left
    pts.push_back(c + w * u - h * v);  // top-right
    pts.push_back(c - w * u + h * v);  // bottom-left
    pts.push_back(c + w * u + h * v);  // bottom-right
  }
  return pts;
}

}  // namespace

TEST(Cobb, AngleBetweenLinesIsUnsignedAndBelowNinety) {
  EXPECT_NEAR(angleBetweenLinesDeg({0, 0}, {1, 0}, {0, 0}, {std::cos(0.5), std::sin(0.5)}), 0.5 * 180 / kPi, 1e-9);
  EXPECT_NEAR(angleBetweenLinesDeg({0, 0}, {1, 0}, {0, 0}, {-1, 1}), 45.0, 1e-9);  // direction does not matter
  EXPECT_NEAR(angleBetweenLinesDeg({0, 0}, {1, 0}, {5, 5}, {5, 9}), 90.0, 1e-9);
}

TEST(Cobb, StraightSpineHasZeroAngles) {
  const auto c = cobbAnglesAasce(spineWithTilts(std::vector<double>(17, 0.0)), 1000);
  for (const auto& m : c.aasce) EXPECT_NEAR(m.angleDeg, 0.0, 1e-6);
  EXPECT_FALSE(c.sShaped);
}

TEST(Cobb, TiltsAreReadFromEdgeMidpoints) {
  const auto t = vertebraTiltsDeg(spineWithTilts({3.0, -7.5}));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_NEAR(t[0], 3.0, 1e-9);
  EXPECT_NEAR(t[1], -7.5, 1e-9);
}

TEST(Cobb, SingleThoracicCurveGivesHandComputedAngle) {
  // Tilt +12 at T5 and -18 at T11, monotone in between: Cobb 30 between T5 and T11.
  std::vector<double> tilts(17, 0.0), xs(17, 250.0);
  const double prof[7] = {12, 9, 4, 0, -6, -12, -18};
  for (int k = 0; k < 17; ++k) tilts[k] = k < 4 ? 12 : (k <= 10 ? prof[k - 4] : -18);
  for (int k = 1; k < 17; ++k) xs[k] = xs[k - 1] - 50.0 * std::tan(0.5 * (tilts[k] + tilts[k - 1]) * kPi / 180.0);
  const auto c = cobbAnglesAasce(spineWithTilts(tilts, xs), 1000);
  EXPECT_NEAR(c.aasce[0].angleDeg, 30.0, 1e-6);
  EXPECT_EQ(c.aasce[0].upper, 4);  // T1..T5 share the extreme tilt: the end vertebra is the lowest, T5
  EXPECT_EQ(c.aasce[0].lower, 10);
  EXPECT_NEAR(c.mainThoracic.angleDeg, 30.0, 1e-6);
  EXPECT_NEAR(c.proximalThoracic.angleDeg, 0.0, 1e-6);
  EXPECT_NEAR(c.thoracolumbar.angleDeg, 0.0, 1e-6);
}

TEST(Cobb, DoubleCurveIsSShapedAndSplitIntoRegions) {
  // MT: +20 at T5 (index 4) to -25 at T11 (index 10): 45. TL: -25 at T11 to +5 at L4 (index 15): 30.
  std::vector<double> tilts(17);
  for (int k = 0; k < 17; ++k) {
    if (k <= 4) tilts[k] = 20;
    else if (k <= 10) tilts[k] = 20 - 45.0 * (k - 4) / 6.0;
    else if (k <= 15) tilts[k] = -25 + 30.0 * (k - 10) / 5.0;
    else tilts[k] = 5;
  }
  std::vector<double> xs(17, 250.0);
  for (int k = 1; k < 17; ++k) xs[k] = xs[k - 1] - 50.0 * std::tan(0.5 * (tilts[k] + tilts[k - 1]) * kPi / 180.0);
  const auto c = cobbAnglesAasce(spineWithTilts(tilts, xs), 1000);
  EXPECT_TRUE(c.sShaped);
  EXPECT_NEAR(c.aasce[0].angleDeg, 45.0, 1e-6);
  EXPECT_NEAR(c.mainThoracic.angleDeg, 45.0, 1e-6);
  EXPECT_EQ(c.mainThoracic.upper, 4);
  EXPECT_EQ(c.mainThoracic.lower, 10);
  EXPECT_NEAR(c.thoracolumbar.angleDeg, 30.0, 1e-6);
  EXPECT_EQ(c.thoracolumbar.upper, 10);
  EXPECT_EQ(c.thoracolumbar.lower, 15);
}

TEST(Cobb, RejectsIncompleteCornerSets) {
  EXPECT_THROW(cobbAnglesAasce(std::vector<Eigen::Vector2d>(5), 100), std::invalid_argument);
  EXPECT_THROW(cobbAnglesAasce({}, 100), std::invalid_argument);
}
