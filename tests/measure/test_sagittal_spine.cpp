// Sagittal spine rules (issues 10 and 13) on hand-built corner sets: a straight column of 40 x 25 mm bodies with
// 10 mm discs, anterior to the left (-x), head up (-y); then one change at a time with its answer worked out by hand.
#include "openrad/measure/SagittalSpine.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>

#include <cmath>
#include <vector>

using namespace openrad::measure;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<SagittalBody> straightColumn() {
  std::vector<SagittalBody> bodies;
  const char* levels[] = {"L1", "L2", "L3", "L4", "L5"};
  for (int i = 0; i < 5; ++i) {
    const double top = 35.0 * i;
    SagittalBody b;
    b.level = levels[i];
    b.anteriorSuperior = {0, top};
    b.posteriorSuperior = {40, top};
    b.anteriorInferior = {0, top + 25};
    b.posteriorInferior = {40, top + 25};
    bodies.push_back(b);
  }
  SagittalBody s1;
  s1.level = "S1";
  s1.anteriorSuperior = {0, 175};
  s1.posteriorSuperior = {40, 175};
  s1.hasInferior = false;
  bodies.push_back(s1);
  return bodies;
}

void shift(SagittalBody& b, const Eigen::Vector2d& by) {
  b.anteriorSuperior += by, b.posteriorSuperior += by, b.anteriorInferior += by, b.posteriorInferior += by;
}

/// Every corner through `transform` (a rotation, a mirror).
std::vector<SagittalBody> transformed(std::vector<SagittalBody> bodies, const Eigen::Matrix2d& transform) {
  for (auto& b : bodies)
    for (Eigen::Vector2d* p : {&b.anteriorSuperior, &b.posteriorSuperior, &b.anteriorInferior, &b.posteriorInferior})
      *p = transform * *p + Eigen::Vector2d(7, -3);
  return bodies;
}

}  // namespace

TEST(SagittalSpine, AStraightColumnHasNoLordosisSlipOrCurve) {
  const auto c = straightColumn();
  EXPECT_NEAR(segmentAngle(c[0], c[5]), 0.0, 1e-9);
  EXPECT_NEAR(segmentAngleToInferior(c[0], c[4]), 0.0, 1e-9);
  const BodyHeights h = bodyHeights(c[2]);
  EXPECT_NEAR(h.anterior, 25.0, 1e-9);
  EXPECT_NEAR(h.middle, 25.0, 1e-9);
  EXPECT_NEAR(h.posterior, 25.0, 1e-9);
  const DiscHeights d = discHeights(c[1], c[2]);
  EXPECT_NEAR(d.anterior, 10.0, 1e-9);
  EXPECT_NEAR(d.mean, 10.0, 1e-9);
  EXPECT_NEAR(d.index, 0.4, 1e-9);
  EXPECT_NEAR(discHeights(c[4], c[5]).index, 0.4, 1e-9) << "L5-S1: over L5's height alone";
  const Listhesis l = listhesis(c[4], c[5]);
  EXPECT_NEAR(l.slip, 0.0, 1e-9);
  EXPECT_EQ(l.grade, 0);
  EXPECT_FALSE(l.retro);
  const auto shape = lumbarShape(c);
  ASSERT_TRUE(shape);
  EXPECT_NEAR(shape->distance, 162.5, 1e-9);  // L1 centroid (20, 12.5) to S1's mid-point (20, 175)
  EXPECT_NEAR(shape->curveArea, 0.0, 1e-9);
  EXPECT_NEAR(shape->alignment, 0.0, 1e-9);
}

TEST(SagittalSpine, LordosisIsPositiveAndKyphosisNegative) {
  auto c = straightColumn();
  // L1's superior endplate tilted anterior-up by 20 degrees: the endplate lines meet behind the column.
  c[0].anteriorSuperior.y() = -40.0 * std::tan(20.0 * kPi / 180.0);
  EXPECT_NEAR(segmentAngle(c[0], c[5]), 20.0, 1e-9);
  c[0].anteriorSuperior.y() = 40.0 * std::tan(10.0 * kPi / 180.0);
  EXPECT_NEAR(segmentAngle(c[0], c[5]), -10.0, 1e-9);
  // L1–L5: to L5's inferior endplate, here tilted anterior-down by 5 degrees (more lordosis).
  c[0].anteriorSuperior.y() = -40.0 * std::tan(20.0 * kPi / 180.0);
  c[4].anteriorInferior.y() = 165.0 + 40.0 * std::tan(5.0 * kPi / 180.0);
  EXPECT_NEAR(segmentAngleToInferior(c[0], c[4]), 25.0, 1e-9);
}

TEST(SagittalSpine, ValuesDoNotDependOnHowTheImageIsTurnedOrMirrored) {
  auto c = straightColumn();
  c[0].anteriorSuperior.y() = -40.0 * std::tan(30.0 * kPi / 180.0);
  shift(c[3], {-6, 0});
  const double a = 33.0 * kPi / 180.0;
  Eigen::Matrix2d rotation;
  rotation << std::cos(a), -std::sin(a), std::sin(a), std::cos(a);
  Eigen::Matrix2d mirror;
  mirror << -1, 0, 0, 1;  // anterior to the right
  for (const Eigen::Matrix2d& t : {rotation, mirror, Eigen::Matrix2d(rotation * mirror)}) {
    const auto m = transformed(c, t);
    EXPECT_NEAR(segmentAngle(m[0], m[5]), 30.0, 1e-9);
    EXPECT_NEAR(listhesis(m[3], m[4]).percent, 15.0, 1e-9);
    EXPECT_NEAR(discHeights(m[2], m[3]).mean, discHeights(c[2], c[3]).mean, 1e-9);
    EXPECT_NEAR(lumbarShape(m)->curveArea, lumbarShape(c)->curveArea, 1e-9);
  }
}

TEST(SagittalSpine, ListhesisIsSignedAndGradedByMeyerding) {
  auto c = straightColumn();
  shift(c[4], {-10, 0});  // L5 10 mm anterior on S1's 40 mm endplate
  Listhesis l = listhesis(c[4], c[5]);
  EXPECT_NEAR(l.slip, 10.0, 1e-9);
  EXPECT_NEAR(l.percent, 25.0, 1e-9);
  EXPECT_EQ(l.grade, 1);
  shift(c[4], {-0.4, 0});
  EXPECT_EQ(listhesis(c[4], c[5]).grade, 2);
  shift(c[4], {16.4, 0});  // now 6 mm posterior
  l = listhesis(c[4], c[5]);
  EXPECT_NEAR(l.percent, -15.0, 1e-9);
  EXPECT_TRUE(l.retro);
  EXPECT_EQ(l.grade, 0);
  EXPECT_EQ(meyerdingGrade(0.5), 0);
  EXPECT_EQ(meyerdingGrade(50.0), 2);
  EXPECT_EQ(meyerdingGrade(75.1), 4);
  EXPECT_EQ(meyerdingGrade(130.0), 5);
}

TEST(SagittalSpine, AWedgedDiscGivesDabbsMeanAndItsIndex) {
  auto c = straightColumn();
  // L4-L5 disc 14 mm in front, 8 mm behind: L5's superior endplate moved, its inferior one kept.
  c[4].anteriorSuperior = {0, 144};
  c[4].posteriorSuperior = {40, 138};
  const DiscHeights d = discHeights(c[3], c[4]);
  EXPECT_NEAR(d.anterior, 14.0, 1e-9);
  EXPECT_NEAR(d.posterior, 8.0, 1e-9);
  EXPECT_NEAR(d.mean, 11.0, 1e-9);
  const BodyHeights l5 = bodyHeights(c[4]);
  EXPECT_NEAR(l5.anterior, 21.0, 1e-9);
  EXPECT_NEAR(l5.posterior, 27.0, 1e-9);
  EXPECT_NEAR(l5.middle, 24.0, 1e-9);
  EXPECT_NEAR(d.index, 11.0 / 24.5, 1e-9);  // over the mean of L4's 25 and L5's 24 mm
}

TEST(SagittalSpine, CurveAreaAndAlignmentFollowAnOffsetBody) {
  auto c = straightColumn();
  shift(c[2], {-8, 0});  // L3 8 mm anterior: a triangle of base 70 mm and height 8 mm off the chord
  const auto shape = lumbarShape(c);
  ASSERT_TRUE(shape);
  EXPECT_NEAR(shape->curveArea, 280.0, 1e-9);
  EXPECT_NEAR(shape->alignment, 8.0, 1e-9);
  EXPECT_EQ(shape->alignmentLevel, "L2-L3");
  EXPECT_NEAR(shape->distance, 162.5, 1e-9);
}

TEST(SagittalSpine, LumbarShapeRefusesAColumnWithoutTheSacrumLast) {
  auto c = straightColumn();
  EXPECT_FALSE(lumbarShape({c[0]}));
  c.pop_back();
  EXPECT_FALSE(lumbarShape(c)) << "the last body must be S1 (superior endplate only)";
}
