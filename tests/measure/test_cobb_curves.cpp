// Apex, convexity and "is it a curve" of the Cobb measures, on spines given by explicit corners.
#include "openrad/measure/Cobb.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>

#include <array>
#include <cmath>
#include <vector>

using namespace openrad::measure;
using Side = CobbCurveMeasure::Side;

namespace {

constexpr double kPi = 3.14159265358979323846;

/// Tilt (degrees) of a 40 px wide mid-line whose right end is 2·dy px lower than its left end.
double tiltDeg(double dy) { return std::atan(2.0 * dy / 40.0) * 180.0 / kPi; }

/// 17 vertebrae; vertebra k has the corners (cx ∓ 20, cy - 10 ∓ dy) (top-left, top-right) and
/// (cx ∓ 20, cy + 10 ∓ dy) (bottom-left, bottom-right) with cy = 50 + 40·k: a 40×20 box whose right end is
/// 2·dy lower than its left end, and whose mid-point (mean of its corners) is exactly (cx, cy).
std::vector<Eigen::Vector2d> spine(const std::array<double, 17>& cx, const std::array<double, 17>& dy) {
  std::vector<Eigen::Vector2d> pts;
  for (std::size_t k = 0; k < 17; ++k) {
    const double cy = 50.0 + 40.0 * static_cast<double>(k);
    pts.emplace_back(cx[k] - 20.0, cy - 10.0 - dy[k]);  // top-left
    pts.emplace_back(cx[k] + 20.0, cy - 10.0 + dy[k]);  // top-right
    pts.emplace_back(cx[k] - 20.0, cy + 10.0 - dy[k]);  // bottom-left
    pts.emplace_back(cx[k] + 20.0, cy + 10.0 + dy[k]);  // bottom-right
  }
  return pts;
}

std::vector<Eigen::Vector2d> rotated(const std::vector<Eigen::Vector2d>& pts, double deg,
                                     const Eigen::Vector2d& centre) {
  const Eigen::Rotation2Dd r(deg * kPi / 180.0);
  std::vector<Eigen::Vector2d> out;
  for (const auto& p : pts) out.push_back(centre + r * (p - centre));
  return out;
}

/// A thoracic curve convex to the image left: T1..T5 tilted +4 (right end 8 px lower), T11..L5 tilted -4;
/// between them the mid-points leave the line x = 200 by 6, 10, 12, 10, 5 px to the left (T6..T10).
/// Cobb T5–T11 = 2·atan(8/40); apex T8 (index 7).
const std::array<double, 17> kThoracicCx{200, 200, 200, 200, 200, 194, 190, 188, 190,
                                         195, 200, 200, 200, 200, 200, 200, 200};
const std::array<double, 17> kThoracicDy{4, 4, 4, 4, 4, 2, 1, 0, -1, -2, -4, -4, -4, -4, -4, -4, -4};

void expectNoCurve(const CobbCurveMeasure& c) {
  EXPECT_FALSE(c.isCurve());
  EXPECT_EQ(c.angleDeg, 0.0);
  EXPECT_EQ(c.upper, c.lower);
  EXPECT_EQ(c.apex, -1);
  EXPECT_EQ(c.convexity, Side::None);
  EXPECT_EQ(sideName(c.convexity), "");
}

void expectCurve(const CobbCurveMeasure& c, double deg, int upper, int lower, int apex, Side side) {
  EXPECT_TRUE(c.isCurve());
  EXPECT_NEAR(c.angleDeg, deg, 1e-9);
  EXPECT_EQ(c.upper, upper);
  EXPECT_EQ(c.lower, lower);
  EXPECT_EQ(c.apex, apex);
  EXPECT_EQ(c.convexity, side);
}

}  // namespace

TEST(CobbCurves, SideNames) {
  EXPECT_EQ(sideName(Side::Left), "left");
  EXPECT_EQ(sideName(Side::Right), "right");
  EXPECT_EQ(sideName(Side::None), "");
}

TEST(CobbCurves, IsCurveNeedsDistinctEndsAndAPositiveAngle) {
  CobbCurveMeasure c;
  EXPECT_FALSE(c.isCurve());  // default: T1–T1, 0°
  c.angleDeg = 12.0;
  EXPECT_FALSE(c.isCurve());  // ends coincide
  c.lower = 5;
  EXPECT_TRUE(c.isCurve());
  c.angleDeg = 0.0;
  EXPECT_FALSE(c.isCurve());  // distinct ends, no angle
}

TEST(CobbCurves, RightConvexThoracicCurveOnAnApView) {
  const auto pts = spine(kThoracicCx, kThoracicDy);
  const double cobb = 2.0 * tiltDeg(4.0);  // 22.62°
  const auto c = cobbAnglesAasce(pts, 1000);
  EXPECT_FALSE(c.sShaped);
  // AP: the apex lies to the image left of the T5–T11 chord, the patient's right.
  expectCurve(c.aasce[0], cobb, 4, 10, 7, Side::Right);
  expectCurve(c.mainThoracic, cobb, 4, 10, 7, Side::Right);
  EXPECT_EQ(sideName(c.mainThoracic.convexity), "right");
  expectNoCurve(c.proximalThoracic);
  expectNoCurve(c.thoracolumbar);
  expectNoCurve(c.aasce[1]);
  expectNoCurve(c.aasce[2]);
}

TEST(CobbCurves, SameImageReadAsPaIsLeftConvex) {
  const auto c = cobbAnglesAasce(spine(kThoracicCx, kThoracicDy), 1000, /*imageLeftIsPatientRight=*/false);
  expectCurve(c.mainThoracic, 2.0 * tiltDeg(4.0), 4, 10, 7, Side::Left);
  EXPECT_EQ(sideName(c.mainThoracic.convexity), "left");
  expectCurve(c.aasce[0], 2.0 * tiltDeg(4.0), 4, 10, 7, Side::Left);
}

TEST(CobbCurves, SideIsTakenFromTheChordNotFromTheImageAxes) {
  // The patient leans in the image: turned by -20° (anticlockwise on screen) about the apex region, T5's
  // mid-point moves 120·sin 20° ≈ 41 px to the left, T8's only 12·(1 - cos 20°) ≈ 0.7 px right: the apex is
  // now to the image right of the upper end vertebra but still to the left of the T5–T11 chord.
  const auto pts = spine(kThoracicCx, kThoracicDy);
  for (double deg : {-20.0, 20.0}) {
    const auto turned = rotated(pts, deg, {200, 330});
    const auto c = cobbAnglesAasce(turned, 1000);
    if (deg < 0) {
      const Eigen::Vector2d t5 = 0.25 * (turned[16] + turned[17] + turned[18] + turned[19]);
      const Eigen::Vector2d t8 = 0.25 * (turned[28] + turned[29] + turned[30] + turned[31]);
      ASSERT_GT(t8.x(), t5.x() + 25);  // 188.7 vs 159.0
    }
    expectCurve(c.mainThoracic, 2.0 * tiltDeg(4.0), 4, 10, 7, Side::Right);
  }
}

TEST(CobbCurves, DoubleCurveHasOppositeSides) {
  // MT T5 (+4) .. T11 (-6): mid-points 6, 10, 12, 10, 5 px left of x = 200 (apex T8);
  // TL T11 (-6) .. L4 (+6): mid-points 5, 9, 10, 6 px right of x = 200 (apex L2, index 13).
  const std::array<double, 17> cx{200, 200, 200, 200, 200, 194, 190, 188, 190,
                                  195, 200, 205, 209, 210, 206, 200, 200};
  const std::array<double, 17> dy{4, 4, 4, 4, 4, 3, 1, -1, -3, -5, -6, -3, 0, 2, 4, 6, 6};
  const auto pts = spine(cx, dy);
  const double mt = tiltDeg(4.0) + tiltDeg(6.0), tl = 2.0 * tiltDeg(6.0);  // 28.01° and 33.40°
  // Largest angle T11–L4; its upper endplates lie at y = 440 and 640, more than an image height of 1000: the
  // AASCE "low" rule takes the curve above it (T5–T11) and the one above that (none: T1..T5 share the tilt).
  const auto c = cobbAnglesAasce(pts, 1000);
  EXPECT_TRUE(c.sShaped);
  expectCurve(c.aasce[0], tl, 10, 15, 13, Side::Left);
  expectCurve(c.aasce[1], mt, 4, 10, 7, Side::Right);
  expectNoCurve(c.aasce[2]);
  expectCurve(c.mainThoracic, mt, 4, 10, 7, Side::Right);
  expectCurve(c.thoracolumbar, tl, 10, 15, 13, Side::Left);
  expectNoCurve(c.proximalThoracic);
  // "High" rule: the curve below L4 is L4–L4 or L4–L5 at 0° (the same tilt): no curve either.
  const auto high = cobbAnglesAasce(pts, 2000);
  expectCurve(high.aasce[0], tl, 10, 15, 13, Side::Left);
  expectCurve(high.aasce[1], mt, 4, 10, 7, Side::Right);
  expectNoCurve(high.aasce[2]);
  expectNoCurve(high.proximalThoracic);
}

TEST(CobbCurves, StraightSpineHasNoCurve) {
  const std::array<double, 17> cx{200, 200, 200, 200, 200, 200, 200, 200, 200,
                                  200, 200, 200, 200, 200, 200, 200, 200};
  const std::array<double, 17> dy{};
  const auto pts = spine(cx, dy);
  // Upright (every angle exactly 0) and leaning by 17° (angles are rounding noise of acos near 1).
  for (const auto& p : {pts, rotated(pts, 17.0, {200, 370})}) {
    const auto c = cobbAnglesAasce(p, 1000);
    EXPECT_FALSE(c.sShaped);
    for (const auto& m : c.aasce) expectNoCurve(m);
    expectNoCurve(c.proximalThoracic);
    expectNoCurve(c.mainThoracic);
    expectNoCurve(c.thoracolumbar);
  }
}

TEST(CobbCurves, CoincidingEndsAreNoCurve) {
  // T1..T5 share the upper end tilt, so the AASCE secondary curve above the main one runs from T1 to T1
  // (reported as "Proximal thoracic Cobb (T1–T1) 0.0°"); the one below (L5 to T11, 0°) is no curve either.
  const auto c = cobbAnglesAasce(spine(kThoracicCx, kThoracicDy), 1000);
  EXPECT_EQ(c.proximalThoracic.upper, 0);
  expectNoCurve(c.proximalThoracic);
  // Main curve T5–T6 as in AdjacentEndVertebraeTakeTheSideTheirLinesOpenTo below; the endplate staircase makes
  // it "S" by the AASCE test, and the "high" rule looks for the curve below from T6 to the most tilted of
  // T6..L5. They all share the tilt, so that is T6 itself: T6–T6, whose AASCE angle is not even exactly 0 (the
  // mid-line (40, 10) gives a cosine of 0.9999999999999999 with itself, about 1e-6°). No curve, angle 0.
  std::array<double, 17> cx{}, dy{};
  for (int k = 0; k < 17; ++k) {
    cx[static_cast<std::size_t>(k)] = k <= 4 ? 200.0 : 200.0 - 10.0 * (k - 4);
    dy[static_cast<std::size_t>(k)] = k <= 4 ? 0.0 : 5.0;
  }
  const auto s = cobbAnglesAasce(spine(cx, dy), 1000);
  EXPECT_TRUE(s.sShaped);
  EXPECT_EQ(s.aasce[2].upper, 5);
  expectNoCurve(s.aasce[1]);
  expectNoCurve(s.aasce[2]);
  expectNoCurve(s.mainThoracic);
  expectNoCurve(s.thoracolumbar);
}

TEST(CobbCurves, AdjacentEndVertebraeTakeTheSideTheirLinesOpenTo) {
  // Upright T1..T5, then T6..L5 tilted +5 (right end 10 px lower) and stepping 10 px left each: one bend at
  // T5/T6, to the image right of the spine above and below it. Cobb T5–T6 = atan(10/40), no vertebra between
  // the ends, so the apex is the upper end and the side is where the end vertebrae's lines diverge (image right:
  // the patient's left on AP).
  std::array<double, 17> cx{}, dy{};
  for (int k = 0; k < 17; ++k) {
    cx[static_cast<std::size_t>(k)] = k <= 4 ? 200.0 : 200.0 - 10.0 * (k - 4);
    dy[static_cast<std::size_t>(k)] = k <= 4 ? 0.0 : 5.0;
  }
  const auto pts = spine(cx, dy);
  const auto ap = cobbAnglesAasce(pts, 1000);
  expectCurve(ap.aasce[0], tiltDeg(5.0), 4, 5, 4, Side::Left);
  expectCurve(ap.proximalThoracic, tiltDeg(5.0), 4, 5, 4, Side::Left);  // centre T5/T6 lies above T6
  const auto pa = cobbAnglesAasce(pts, 1000, false);
  expectCurve(pa.proximalThoracic, tiltDeg(5.0), 4, 5, 4, Side::Right);
}
