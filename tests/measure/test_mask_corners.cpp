// Harris corners of drawn body masks (issue 10): a pixel is inside when its centre is inside the polygon, so the
// polygon's vertices are the truth.
#include "openrad/measure/MaskCorners.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>

#include <cmath>
#include <vector>

using namespace openrad::measure;

namespace {

/// A mask of the convex polygon `p` (vertices in order) on a w x h image.
Mask2D drawConvex(const std::vector<Eigen::Vector2d>& p, int w = 120, int h = 100) {
  Mask2D m;
  m.width = w, m.height = h;
  m.pixels.assign(static_cast<std::size_t>(w) * h, 0);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      bool in = true;
      double sign = 0;
      for (std::size_t i = 0; i < p.size() && in; ++i) {
        const Eigen::Vector2d e = p[(i + 1) % p.size()] - p[i], q = Eigen::Vector2d(x, y) - p[i];
        const double c = e.x() * q.y() - e.y() * q.x();
        if (sign == 0) sign = c;
        in = c * sign >= 0;
      }
      m.pixels[static_cast<std::size_t>(y) * w + x] = in ? 1 : 0;
    }
  return m;
}

/// A 40 x 25 px body centred at (60, 50), turned by `degrees`; anterior is -x, cranial -y before turning.
/// Returns AS, PS, PI, AI (polygon order).
std::vector<Eigen::Vector2d> body(double degrees) {
  const double t = degrees * 3.14159265358979323846 / 180.0;
  const Eigen::Rotation2Dd r(t);
  const Eigen::Vector2d c(60, 50);
  return {c + r * Eigen::Vector2d(-20, -12.5), c + r * Eigen::Vector2d(20, -12.5), c + r * Eigen::Vector2d(20, 12.5),
          c + r * Eigen::Vector2d(-20, 12.5)};
}

const Eigen::Vector2d kAnterior(-1, 0), kCranial(0, -1);

/// `body(degrees)` with every corner rounded to a `radius` px arc (as a network's mask of a body is).
std::vector<Eigen::Vector2d> roundedBody(double degrees, double radius) {
  const double pi = 3.14159265358979323846, t = degrees * pi / 180.0;
  const Eigen::Rotation2Dd r(t);
  const Eigen::Vector2d c(60, 50);
  std::vector<Eigen::Vector2d> p;
  // Arc centres inset by the radius; corners in polygon order AS (-x,-y), PS (+x,-y), PI (+x,+y), AI (-x,+y).
  const Eigen::Vector2d centres[4] = {{-20 + radius, -12.5 + radius}, {20 - radius, -12.5 + radius},
                                      {20 - radius, 12.5 - radius}, {-20 + radius, 12.5 - radius}};
  const double start[4] = {pi, 1.5 * pi, 0, 0.5 * pi};
  for (int k = 0; k < 4; ++k)
    for (int i = 0; i <= 8; ++i) {
      const double phi = start[k] + 0.5 * pi * i / 8;
      p.push_back(c + r * (centres[k] + radius * Eigen::Vector2d(std::cos(phi), std::sin(phi))));
    }
  return p;
}

double degreesOf(const Eigen::Vector2d& v) { return std::atan2(v.y(), v.x()) * 180.0 / 3.14159265358979323846; }

}  // namespace

TEST(MaskCorners, ARoundedTiltedBodyKeepsItsEndplateAngles) {
  // Rounded corners are what a network's masks have; the endplates' tilt must survive them (lordosis reads it).
  for (double degrees : {-25.0, -12.0, 15.0, 30.0}) {
    const auto found = bodyCornersFromMask(drawConvex(roundedBody(degrees, 5.0)), kAnterior, kCranial);
    ASSERT_TRUE(found) << degrees;
    // Anterior is -x: the superior endplate runs from AS to PS along +x turned by `degrees`.
    const double superior = degreesOf(found->body.posteriorSuperior - found->body.anteriorSuperior);
    const double inferior = degreesOf(found->body.posteriorInferior - found->body.anteriorInferior);
    // Within 1.5 deg (pixel steps on the arcs); corners taken along the image's diagonals were 3-5 deg flat here.
    EXPECT_NEAR(superior, degrees, 1.5) << degrees;
    EXPECT_NEAR(inferior, degrees, 1.5) << degrees;
    // Each rounded corner sits at its arc's middle, r (1 - 1/sqrt 2) inside the square corner on either side.
    EXPECT_NEAR(bodyHeights(found->body).middle, 25.0 - 2 * 5.0 * (1 - 1 / std::sqrt(2.0)), 1.0) << degrees;
  }
}

TEST(MaskCorners, ASteepSacrumGivesItsSuperiorCorners) {
  // A sacral slope of 40 deg: the image's own diagonals would miss the posterior-superior corner.
  const auto truth = body(40);
  const auto found = bodyCornersFromMask(drawConvex(truth), kAnterior, kCranial, true);
  ASSERT_TRUE(found);
  EXPECT_LT((found->body.anteriorSuperior - truth[0]).norm(), 1.5);
  EXPECT_LT((found->body.posteriorSuperior - truth[1]).norm(), 1.5);
}

TEST(MaskCorners, FindsTheFourCornersOfATurnedBodyWithinAPixelAndAHalf) {
  for (double degrees : {0.0, 8.0, -12.0}) {
    const auto truth = body(degrees);
    const auto found = bodyCornersFromMask(drawConvex(truth), kAnterior, kCranial);
    ASSERT_TRUE(found) << degrees;
    EXPECT_LT((found->body.anteriorSuperior - truth[0]).norm(), 1.5) << degrees;
    EXPECT_LT((found->body.posteriorSuperior - truth[1]).norm(), 1.5) << degrees;
    EXPECT_LT((found->body.posteriorInferior - truth[2]).norm(), 1.5) << degrees;
    EXPECT_LT((found->body.anteriorInferior - truth[3]).norm(), 1.5) << degrees;
    for (double c : found->confidence) EXPECT_GT(c, 0.5) << degrees;
    // Lengths from the corners: the 25 px height within 2 px.
    EXPECT_NEAR(bodyHeights(found->body).middle, 25.0, 2.0) << degrees;
  }
}

TEST(MaskCorners, AWedgedBodyKeepsItsShorterAnteriorWall) {
  // Anterior wall 18 px, posterior 26 px (a wedge fracture's shape).
  const std::vector<Eigen::Vector2d> wedge{{40, 41}, {80, 37}, {80, 63}, {40, 59}};
  const auto found = bodyCornersFromMask(drawConvex(wedge), kAnterior, kCranial);
  ASSERT_TRUE(found);
  const BodyHeights h = bodyHeights(found->body);
  EXPECT_NEAR(h.anterior, 18.0, 2.0);
  EXPECT_NEAR(h.posterior, 26.0, 2.0);
  EXPECT_LT(h.anterior, h.posterior);
}

TEST(MaskCorners, ARoundedCornerHasTheLowestConfidence) {
  // The posterior-inferior corner cut off by a 10 px chamfer.
  const std::vector<Eigen::Vector2d> chamfered{{40, 38}, {80, 38}, {80, 53}, {70, 63}, {40, 63}};
  const auto found = bodyCornersFromMask(drawConvex(chamfered), kAnterior, kCranial);
  ASSERT_TRUE(found);
  const auto& c = found->confidence;
  EXPECT_LT(c[3], c[0]);
  EXPECT_LT(c[3], c[1]);
  EXPECT_LT(c[3], c[2]);
}

TEST(MaskCorners, MirroredAnatomyFollowsTheGivenDirections) {
  // Anterior to the right: the labels follow the direction given, not the screen side.
  const auto truth = body(5);
  const auto found = bodyCornersFromMask(drawConvex(truth), Eigen::Vector2d(1, 0), kCranial);
  ASSERT_TRUE(found);
  EXPECT_LT((found->body.anteriorSuperior - truth[1]).norm(), 1.5);
  EXPECT_LT((found->body.posteriorSuperior - truth[0]).norm(), 1.5);
}

TEST(MaskCorners, TheSacrumGivesItsSuperiorCornersOnly) {
  const auto truth = body(0);
  const auto found = bodyCornersFromMask(drawConvex(truth), kAnterior, kCranial, true);
  ASSERT_TRUE(found);
  EXPECT_FALSE(found->body.hasInferior);
  EXPECT_LT((found->body.anteriorSuperior - truth[0]).norm(), 1.5);
  EXPECT_EQ(found->confidence[2], 0.0);
}

TEST(MaskCorners, RefusesAnEmptyMaskOrDegenerateDirections) {
  Mask2D empty;
  empty.width = 10, empty.height = 10;
  empty.pixels.assign(100, 0);
  EXPECT_FALSE(bodyCornersFromMask(empty, kAnterior, kCranial));
  const Mask2D m = drawConvex(body(0));
  EXPECT_FALSE(bodyCornersFromMask(m, kAnterior, kAnterior)) << "cranial along anterior";
  EXPECT_FALSE(bodyCornersFromMask(m, Eigen::Vector2d::Zero(), kCranial));
  Mask2D wrongSize = m;
  wrongSize.pixels.pop_back();
  EXPECT_FALSE(bodyCornersFromMask(wrongSize, kAnterior, kCranial));
}

TEST(MaskCorners, AThinSpurIsNoCorner) {
  // A 3 px wide strip of the body's label running 8 px up from its posterior-superior corner into the disc above (a
  // network's bleed): the corner stays where the body's outline has it.
  const auto truth = body(0);
  Mask2D m = drawConvex(truth);
  for (int y = 30; y < 38; ++y)
    for (int x = 77; x < 80; ++x) m.pixels[static_cast<std::size_t>(y) * m.width + x] = 1;
  const auto found = bodyCornersFromMask(m, kAnterior, kCranial);
  ASSERT_TRUE(found);
  EXPECT_LT((found->body.posteriorSuperior - truth[1]).norm(), 1.5);
  EXPECT_LT((found->body.anteriorSuperior - truth[0]).norm(), 1.5);
}
