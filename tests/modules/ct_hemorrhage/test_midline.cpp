#include "openrad/modules/ct_hemorrhage/HemorrhageRules.h"
#include "openrad/modules/ct_hemorrhage/Midline.h"
#include "openrad/phantom/HeadCt.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <iostream>

using namespace openrad;
using namespace openrad::modules::ct_hemorrhage;

namespace {

/// Distance of a point from the line through two others (all in one axial plane).
double lineDistance(const Eigen::Vector3d& p, const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
  const Eigen::Vector3d d = (b - a).normalized();
  return ((p - a) - (p - a).dot(d) * d).norm();
}

}  // namespace

// The phantom's own landmarks give its recorded shift: the falx attachments lie on the ideal midline.
TEST(Midline, PhantomLandmarksReproduceTheRecordedShift) {
  for (std::uint64_t i = 0; i < 3; ++i) {
    const auto c = phantom::renderHeadCt(phantom::sampleHeadCtPatient(4242, i).studies.front());
    EXPECT_NEAR(lineDistance(c.septumLps, c.falxAnteriorLps, c.falxPosteriorLps), c.midlineShiftMm, 0.05) << i;
    EXPECT_GT((c.falxPosteriorLps - c.falxAnteriorLps).norm(), 120.0) << i;
  }
}

// On rendered phantoms of the development seed 777 (the rules were built looking at it; eval ct-hemorrhage measures
// held-out seeds) the finder's shift is within a millimetre of the truth.
TEST(Midline, FindsTheShiftOfPhantomHeadsWithinOneMillimetre) {
  int found = 0;
  double worst = 0;
  for (std::uint64_t i = 0; i < 6; ++i) {
    const auto c = phantom::renderHeadCt(phantom::sampleHeadCtPatient(777, i).studies.front());
    const MidlineLandmarks m = findMidline(*c.ct);
    if (!m.found) {
      ADD_FAILURE() << "case " << i << ": " << m.reason;
      continue;
    }
    ++found;
    const MidlineShift s = midlineShift(m.septum, m.falxAnterior, m.falxPosterior);
    worst = std::max(worst, std::abs(s.shiftMm - c.midlineShiftMm));
    EXPECT_NEAR(s.shiftMm, c.midlineShiftMm, 1.0) << "case " << i << " " << m.how;
    if (c.midlineShiftMm > 1.5) EXPECT_EQ(s.toward, c.midlineShiftToward) << i;
    // The found attachments lie on the true ideal midline (in plane; the septum runs front to back, so only its
    // distance from the midline is checked, above).
    const auto inPlane = [](Eigen::Vector3d p) { return p.z() = 0, p; };
    for (const Eigen::Vector3d& f : {m.falxAnterior, m.falxPosterior})
      EXPECT_LT(lineDistance(inPlane(f), inPlane(c.falxAnteriorLps), inPlane(c.falxPosteriorLps)), 2.5) << i;
    std::cout << "case " << i << ": shift " << s.shiftMm << " truth " << c.midlineShiftMm << " | " << m.how << "\n";
  }
  EXPECT_EQ(found, 6);
  RecordProperty("worst_error_mm", std::to_string(worst));
}

TEST(Midline, RefusesAnImageWithoutASkull) {
  core::Geometry g;
  g.size = {64, 64, 3};
  g.spacing = Eigen::Vector3d(1, 1, 5);
  core::Image flat(g, core::PixelType::Int16);
  const MidlineLandmarks m = findMidline(flat);
  EXPECT_FALSE(m.found);
  EXPECT_NE(m.reason.find("closed skull"), std::string::npos) << m.reason;
}
