#include "openrad/measure/Cobb.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace openrad::measure;

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

/// Centres that follow the tilts (each step goes along the mean direction of the two neighbours), so the
/// midline is a smooth curve as on a radiograph.
std::vector<double> centresFollowing(const std::vector<double>& tilts) {
  std::vector<double> xs(tilts.size(), 250.0);
  for (std::size_t k = 1; k < tilts.size(); ++k)
    xs[k] = xs[k - 1] - 50.0 * std::tan(0.5 * (tilts[k] + tilts[k - 1]) * kPi / 180.0);
  return xs;
}

/// Piecewise-linear tilt profile through (vertebra index, tilt) knots, constant outside them.
std::vector<double> tiltProfile(const std::vector<std::pair<int, double>>& knots) {
  std::vector<double> t(17);
  for (int k = 0; k < 17; ++k) {
    if (k <= knots.front().first)
      t[k] = knots.front().second;
    else if (k >= knots.back().first)
      t[k] = knots.back().second;
    else
      for (std::size_t i = 0; i + 1 < knots.size(); ++i)
        if (k >= knots[i].first && k <= knots[i + 1].first)
          t[k] = knots[i].second + (knots[i + 1].second - knots[i].second) * (k - knots[i].first) /
                                       static_cast<double>(knots[i + 1].first - knots[i].first);
  }
  return t;
}

void expectCurve(const CobbCurveMeasure& c, double deg, int upper, int lower) {
  EXPECT_NEAR(c.angleDeg, deg, 1e-6);
  EXPECT_EQ(c.upper, upper);
  EXPECT_EQ(c.lower, lower);
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
  std::vector<double> tilts(17, 0.0);
  const double prof[7] = {12, 9, 4, 0, -6, -12, -18};
  for (int k = 0; k < 17; ++k) tilts[k] = k < 4 ? 12 : (k <= 10 ? prof[k - 4] : -18);
  const auto c = cobbAnglesAasce(spineWithTilts(tilts, centresFollowing(tilts)), 1000);
  EXPECT_NEAR(c.aasce[0].angleDeg, 30.0, 1e-6);
  EXPECT_EQ(c.aasce[0].upper, 4);  // T1..T5 share the extreme tilt: the end vertebra is the lowest, T5
  EXPECT_EQ(c.aasce[0].lower, 10);
  EXPECT_NEAR(c.mainThoracic.angleDeg, 30.0, 1e-6);
  EXPECT_NEAR(c.proximalThoracic.angleDeg, 0.0, 1e-6);
  EXPECT_NEAR(c.thoracolumbar.angleDeg, 0.0, 1e-6);
}

TEST(Cobb, DoubleCurveIsSShapedAndSplitIntoRegions) {
  // MT: +20 at T5 (index 4) to -25 at T11 (index 10): 45. TL: -25 at T11 to +5 at L4 (index 15): 30.
  const auto tilts = tiltProfile({{4, 20.0}, {10, -25.0}, {15, 5.0}});
  const auto c = cobbAnglesAasce(spineWithTilts(tilts, centresFollowing(tilts)), 1000);
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

TEST(Cobb, TwoTiltedEndVertebraeGiveTheirDifference) {
  // T1..T4 tilted +10 (right end lower), a smooth curve to L2 at -15, L2..L5 at -15: Cobb = 10 - (-15) = 25
  // between T4 (3) and L2 (13), the end vertebrae nearest the apex among those sharing the extreme tilts.
  const auto tilts = tiltProfile({{3, 10.0}, {13, -15.0}});
  const auto c = cobbAnglesAasce(spineWithTilts(tilts, centresFollowing(tilts)), 1000);
  expectCurve(c.aasce[0], 25.0, 3, 13);
  EXPECT_FALSE(c.sShaped);
  // Not S: the secondary angles run from the top vertebra to the upper end and from the bottom one to the lower
  // end; both are 0 here because the tilt is constant above T4 and below L2.
  EXPECT_NEAR(c.aasce[1].angleDeg, 0.0, 1e-6);
  EXPECT_NEAR(c.aasce[2].angleDeg, 0.0, 1e-6);
  expectCurve(c.mainThoracic, 25.0, 3, 13);
}

TEST(Cobb, TripleCurveFollowsTheAasceLowAndHighRules) {
  // Tilts: 0 (T1..T3) → -12 at T6 (5) → +18 at T11 (10) → -22 at L4 (15), -22 at L5.
  // Largest pair: +18 vs -22 = 40 between T11 and L4 (row 10 is the first to reach it).
  const auto tilts = tiltProfile({{2, 0.0}, {5, -12.0}, {10, 18.0}, {15, -22.0}});
  const auto pts = spineWithTilts(tilts, centresFollowing(tilts));
  // The main curve's upper endplate midpoints (y ≈ 585 and 835) sum to more than an image height of 1000:
  // the "low" rule takes both secondary curves above it: T6–T11 (18 - (-12) = 30) and from T6 the
  // largest angle above it, T1..T3 vs T6 = 12 (T1..T3 share the tilt: the end vertebra is T3, the lowest).
  const auto low = cobbAnglesAasce(pts, 1000);
  EXPECT_TRUE(low.sShaped);
  expectCurve(low.aasce[0], 40.0, 10, 15);
  expectCurve(low.aasce[1], 30.0, 5, 10);
  expectCurve(low.aasce[2], 12.0, 2, 5);
  expectCurve(low.proximalThoracic, 12.0, 2, 5);
  expectCurve(low.mainThoracic, 30.0, 5, 10);
  expectCurve(low.thoracolumbar, 40.0, 10, 15);
  // With a taller image the "high" rule takes one curve above (T6–T11) and one below L4 (none: 0).
  const auto high = cobbAnglesAasce(pts, 2000);
  expectCurve(high.aasce[0], 40.0, 10, 15);
  expectCurve(high.aasce[1], 30.0, 5, 10);
  EXPECT_NEAR(high.aasce[2].angleDeg, 0.0, 1e-6);
}

TEST(Cobb, RigidRotationOfTheWholeSpineChangesNoAngle) {
  const auto tilts = tiltProfile({{4, 20.0}, {10, -25.0}, {15, 5.0}});
  const auto pts = spineWithTilts(tilts, centresFollowing(tilts));
  const double a = 8.0 * kPi / 180.0;
  const Eigen::Matrix2d r = (Eigen::Matrix2d() << std::cos(a), -std::sin(a), std::sin(a), std::cos(a)).finished();
  std::vector<Eigen::Vector2d> turned;
  for (const auto& p : pts) turned.push_back(Eigen::Vector2d(250, 500) + r * (p - Eigen::Vector2d(250, 500)));
  const auto c0 = cobbAnglesAasce(pts, 1000), c1 = cobbAnglesAasce(turned, 1000);
  for (int i = 0; i < 3; ++i) {
    EXPECT_NEAR(c1.aasce[i].angleDeg, c0.aasce[i].angleDeg, 1e-6);
    if (c0.aasce[i].angleDeg < 1.0) continue;  // a zero angle's end vertebrae are a numerical tie
    EXPECT_EQ(c1.aasce[i].upper, c0.aasce[i].upper);
    EXPECT_EQ(c1.aasce[i].lower, c0.aasce[i].lower);
  }
  const auto t0 = vertebraTiltsDeg(pts), t1 = vertebraTiltsDeg(turned);
  for (std::size_t k = 0; k < t0.size(); ++k) EXPECT_NEAR(t1[k], t0[k] + 8.0, 1e-9);
}

TEST(Cobb, DegenerateLineGivesZero) { EXPECT_EQ(angleBetweenLinesDeg({1, 1}, {1, 1}, {0, 0}, {1, 0}), 0.0); }
