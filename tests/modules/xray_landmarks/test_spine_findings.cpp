#include "openrad/modules/xray_landmarks/LandmarkAugment.h"
#include "openrad/modules/xray_landmarks/SpineRules.h"
#include "openrad/core/Commands.h"
#include "openrad/measure/Cobb.h"
#include "openrad/measure/SpineLandmarks.h"

#include "../../measure/SpineFixtures.h"

#include <gtest/gtest.h>

using namespace openrad;
using measure::ApCorners;

namespace {
/// S-curve: T1..T4 tilt up to +10°, T4→T10 from +10° to −20°, T10→L5 back to +5°.
ApCorners sCurve() {
  const double tilts[17] = {0, 3, 6, 10, 5, 0, -5, -10, -15, -20, -12, -6, -2, 0, 2, 4, 5};
  return measure::test::tiltEach(measure::test::straightSpine(20.0, 10.0), tilts);
}

std::vector<Eigen::Vector2d> asVector(const ApCorners& c) { return {c.begin(), c.end()}; }
}  // namespace

TEST(LandmarkAugment, HorizontalFlipMirrorsAndSwapsSides) {
  ApCorners c = measure::test::straightSpine();
  c[0] = {95.0, 12.0};  // make T1.tl distinctive
  const int width = 300;
  const ApCorners f = ai::flipCornersHorizontally(c, width);
  // The old top-left point is now on the right side of the picture, so it is the new top-right.
  EXPECT_EQ(f[measure::TopRight], Eigen::Vector2d(width - 1 - 95.0, 12.0));
  EXPECT_EQ(f[measure::TopLeft], Eigen::Vector2d(width - 1 - 140.0, 10.0));
  EXPECT_EQ(f[4 * 16 + measure::BottomLeft], Eigen::Vector2d(width - 1 - 140.0, c[4 * 16 + measure::BottomRight].y()));
  // Left stays left of right after the flip for every vertebra.
  for (int v = 0; v < 17; ++v) {
    EXPECT_LT(f[4 * v + measure::TopLeft].x(), f[4 * v + measure::TopRight].x());
    EXPECT_LT(f[4 * v + measure::BottomLeft].x(), f[4 * v + measure::BottomRight].x());
  }
  const ApCorners back = ai::flipCornersHorizontally(f, width);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(back[i], c[i]);
}

TEST(LandmarkAugment, FlipKeepsCobbAngles) {
  const ApCorners c = sCurve();
  const auto a = measure::cobbAnglesAasce(asVector(c), 600.0);
  const auto b = measure::cobbAnglesAasce(asVector(ai::flipCornersHorizontally(c, 400)), 600.0);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(a.aasce[i].angleDeg, b.aasce[i].angleDeg, 1e-9);
}

TEST(SpineFindings, CobbEntriesMatchConstructedCurve) {
  const core::LandmarkSet set = measure::apLandmarkSet(sCurve(), "ap-corners", {"xray-landmarks", "t"});
  ai::SpineMeasureOptions o;
  o.imageRows = 600.0;
  const auto ms = ai::spineMeasurements(set, o);
  auto find = [&](const std::string& id) {
    for (const auto& m : ms)
      if (m.id == id) return m;
    throw std::runtime_error(id);
  };
  // Largest difference of tilts: T4 (+10) vs T10 (−20) = 30°.
  EXPECT_NEAR(find("cobb.max").value, 30.0, 1e-6);
  EXPECT_EQ(find("cobb.max").unit, "deg");
  EXPECT_NE(find("cobb.max").name.find("T4"), std::string::npos);
  EXPECT_NE(find("cobb.max").name.find("T10"), std::string::npos);
  EXPECT_EQ(find("cobb.max").inputs.size(), 8u);
  EXPECT_NEAR(find("height.body.T1").value, 20.0, 1e-9);
  EXPECT_EQ(ms.size(), 4u + 35u);
  EXPECT_EQ(find("cobb.max").attribute("ends"), "T4\u2013T10");
  EXPECT_EQ(find("cobb.max").attribute("apex").empty(), false);
  EXPECT_FALSE(find("cobb.max").attribute("side").empty());
  EXPECT_EQ(find("cobb.max").attribute("aiEnds"), "T4\u2013T10");  // nothing edited: the AI's own ends
  EXPECT_EQ(find("cobb.max").attribute("group"), "Cobb angles");
}

// A straight spine has no curve: no Cobb entry at all rather than "T1–T1 0.0°".
TEST(SpineFindings, StraightSpineHasNoCobbEntries) {
  const core::LandmarkSet set = measure::apLandmarkSet(measure::test::straightSpine(20.0, 10.0), "ap-corners",
                                                       {"xray-landmarks", "t"});
  ai::SpineMeasureOptions o;
  o.imageRows = 600.0;
  for (const auto& m : ai::spineMeasurements(set, o)) EXPECT_NE(m.id.rfind("cobb.", 0), 0u) << m.id << " " << m.name;
}

namespace {
std::shared_ptr<const core::Series> radiographSeries(const std::string& uid) {
  auto s = std::make_shared<core::Series>();
  s->info.seriesUid = uid;
  core::Geometry g;
  g.size = {400, 600, 1};
  g.spacingKnown = false;
  s->image = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  return s;
}
}  // namespace

// Moving a corner that is not one of a curve's end-vertebra corners but changes which vertebrae end the curve marks
// that curve edited; undo clears it again.
TEST(SpineFindings, ChangedEndVertebraeMarkTheCurveEdited) {
  core::Document doc;
  doc.attachSeries(radiographSeries("s"));
  doc.addRule(ai::spineRule());
  const core::LandmarkSet set = measure::apLandmarkSet(sCurve(), "ap-corners", {"xray-landmarks", "t"});
  doc.execute(std::make_unique<core::SetLandmarkSetCommand>("s", "ap-corners", set));
  const core::Measurement before = doc.annotations("s").measurements.at("cobb.max");
  ASSERT_EQ(before.attribute("ends"), "T4\u2013T10");
  // Tilt T11 (not an input of T4–T10) beyond T10: the maximal curve now ends at T11.
  const Eigen::Vector3d p = set.find("T11.tr")->position;
  doc.execute(std::make_unique<core::MoveLandmarkCommand>("s", "ap-corners", "T11.tr", p, p + Eigen::Vector3d(0, -14, 0)));
  const core::Measurement& after = doc.annotations("s").measurements.at("cobb.max");
  ASSERT_NE(after.attribute("ends"), before.attribute("ends"));
  EXPECT_TRUE(after.edited);
  EXPECT_EQ(after.attribute("aiEnds"), "T4\u2013T10");
  doc.undo();
  EXPECT_FALSE(doc.annotations("s").measurements.at("cobb.max").edited);
}

TEST(SpineFindings, DocumentRecomputesOnMoveAndUndoRestores) {
  core::Document doc;
  doc.attachSeries(radiographSeries("s"));
  doc.addRule(ai::spineRule());
  const core::LandmarkSet set = measure::apLandmarkSet(sCurve(), "ap-corners", {"xray-landmarks", "t"});
  doc.execute(std::make_unique<core::SetLandmarkSetCommand>("s", "ap-corners", set));
  const double before = doc.annotations("s").measurements.at("cobb.max").value;
  EXPECT_FALSE(doc.annotations("s").measurements.at("height.body.T10").edited);
  // Move T10's right top corner up by 8 px: its tilt and the max Cobb change, T10 becomes "edited".
  const Eigen::Vector3d p = set.find("T10.tr")->position;
  doc.execute(std::make_unique<core::MoveLandmarkCommand>("s", "ap-corners", "T10.tr", p,
                                                          p + Eigen::Vector3d(0, -8, 0)));
  const auto& after = doc.annotations("s").measurements;
  EXPECT_GT(std::abs(after.at("cobb.max").value - before), 1.0);
  EXPECT_TRUE(after.at("height.body.T10").edited);
  EXPECT_FALSE(after.at("height.body.T9").edited);
  doc.undo();
  EXPECT_NEAR(doc.annotations("s").measurements.at("cobb.max").value, before, 1e-12);
  EXPECT_FALSE(doc.annotations("s").measurements.at("height.body.T10").edited);
}
