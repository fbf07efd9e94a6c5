#include "SpineFixtures.h"

#include "openrad/measure/PixelScale.h"
#include "openrad/measure/SpineHeights.h"
#include "openrad/measure/SpineMeasurements.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

using namespace openrad;
using namespace openrad::measure;

namespace {
PixelScale unitScale() { return PixelScale{}; }

const core::Measurement& byId(const std::vector<core::Measurement>& ms, const std::string& id) {
  auto it = std::find_if(ms.begin(), ms.end(), [&](const core::Measurement& m) { return m.id == id; });
  if (it == ms.end()) throw std::runtime_error("no measurement " + id);
  return *it;
}
}  // namespace

TEST(SpineLandmarks, NamesFollowAascerOrder) {
  EXPECT_EQ(apCornerName(0), "T1.tl");
  EXPECT_EQ(apCornerName(1), "T1.tr");
  EXPECT_EQ(apCornerName(2), "T1.bl");
  EXPECT_EQ(apCornerName(3), "T1.br");
  EXPECT_EQ(apCornerName(47), "T12.br");
  EXPECT_EQ(apCornerName(48), "L1.tl");
  EXPECT_EQ(apCornerName(67), "L5.br");
  EXPECT_EQ(apCornerNames().size(), 68u);
  EXPECT_EQ(std::set<std::string>(apCornerNames().begin(), apCornerNames().end()).size(), 68u);
  EXPECT_THROW(apVertebraName(17), std::out_of_range);
}

TEST(SpineLandmarks, MirrorSwapsLeftAndRight) {
  EXPECT_EQ(apCornerName(mirroredCornerIndex(0)), "T1.tr");
  EXPECT_EQ(apCornerName(mirroredCornerIndex(1)), "T1.tl");
  EXPECT_EQ(apCornerName(mirroredCornerIndex(66)), "L5.br");
  EXPECT_EQ(apCornerName(mirroredCornerIndex(67)), "L5.bl");
}

TEST(SpineLandmarks, SetRoundTripAndMissingCornerNamed) {
  const ApCorners c = test::straightSpine();
  core::LandmarkSet set = apLandmarkSet(c, "ap", {"xray-landmarks", "1"});
  const ApCorners back = apCornersFrom(set);
  for (std::size_t i = 0; i < c.size(); ++i) EXPECT_EQ(back[i], c[i]);
  set.points.erase(set.points.begin() + 5);  // T2.tr
  try {
    apCornersFrom(set);
    FAIL() << "expected invalid_argument";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("T2.tr"), std::string::npos);
  }
}

TEST(SpineHeights, StraightSpineHasHandComputedHeights) {
  const ApCorners c = test::straightSpine(20.0, 10.0);
  const auto bodies = vertebralBodyHeights(c, unitScale());
  ASSERT_EQ(bodies.size(), 17u);
  for (const auto& b : bodies) EXPECT_NEAR(b.value, 20.0, 1e-12) << b.level;
  EXPECT_EQ(bodies.front().level, "T1");
  EXPECT_EQ(bodies.back().level, "L5");
  const auto discs = discHeights(c, unitScale());
  ASSERT_EQ(discs.size(), 16u);
  for (const auto& d : discs) EXPECT_NEAR(d.value, 10.0, 1e-12) << d.level;
  EXPECT_EQ(discs.front().level, "T1-T2");
  EXPECT_EQ(discs[11].level, "T12-L1");
  EXPECT_EQ(discs.back().level, "L4-L5");
  // T1 top y = 10; L5 bottom y = 10 + 16·30 + 20 = 510; T12 bottom y = 10 + 11·30 + 20 = 360.
  EXPECT_NEAR(spinalHeight(c, unitScale()), 500.0, 1e-12);
  EXPECT_NEAR(thoracicHeight(c, unitScale()), 350.0, 1e-12);
}

TEST(SpineHeights, RigidRotationKeepsLengths) {
  const ApCorners c = test::rotated(test::straightSpine(22.0, 8.0), 27.0);
  for (const auto& b : vertebralBodyHeights(c, unitScale())) EXPECT_NEAR(b.value, 22.0, 1e-9);
  for (const auto& d : discHeights(c, unitScale())) EXPECT_NEAR(d.value, 8.0, 1e-9);
  EXPECT_NEAR(spinalHeight(c, unitScale()), 16 * 30.0 + 22.0, 1e-9);
}

TEST(SpineHeights, WedgedBodyAveragesItsSides) {
  ApCorners c = test::straightSpine(20.0, 10.0);
  c[4 * 7 + BottomLeft].y() -= 6.0;  // T8 left side 14, right side 20; disc T8-T9 left 16
  EXPECT_NEAR(vertebralBodyHeights(c, unitScale())[7].value, 17.0, 1e-12);
  EXPECT_NEAR(discHeights(c, unitScale())[7].value, 13.0, 1e-12);
}

TEST(PixelScale, ImagerSpacingIsDividedByMagnification) {
  core::Geometry g;
  g.size = {1000, 2000, 1};
  g.spacing = {0.2, 0.2, 1.0};
  core::SeriesInfo info;
  info.pixelSpacingSource = "ImagerPixelSpacing";
  info.distanceSourceToDetector = 1000.0;
  info.distanceSourceToPatient = 800.0;
  const PixelScale s = pixelScale(g, info);
  EXPECT_TRUE(s.known);
  EXPECT_EQ(s.unit(), "mm");
  EXPECT_NEAR(s.magnification, 1.25, 1e-12);
  EXPECT_NEAR(s.mmPerPixelX, 0.16, 1e-12);
  EXPECT_NEAR(spinalHeight(test::straightSpine(), s), 500.0 * 0.16, 1e-9);
}

TEST(PixelScale, NoMagnificationWithoutBothDistancesOrForPixelSpacing) {
  core::Geometry g;
  g.spacing = {0.2, 0.2, 1.0};
  core::SeriesInfo info;
  info.pixelSpacingSource = "ImagerPixelSpacing";
  info.distanceSourceToDetector = 1000.0;
  EXPECT_NEAR(pixelScale(g, info).mmPerPixelY, 0.2, 1e-12);
  info.distanceSourceToPatient = 800.0;
  info.pixelSpacingSource = "PixelSpacing";
  EXPECT_NEAR(pixelScale(g, info).mmPerPixelY, 0.2, 1e-12);
}

TEST(PixelScale, UnknownSpacingGivesPixels) {
  core::Geometry g;
  g.spacing = {0.3, 0.3, 1.0};
  g.spacingKnown = false;
  const PixelScale s = pixelScale(g, core::SeriesInfo{});
  EXPECT_FALSE(s.known);
  EXPECT_EQ(s.unit(), "px");
  EXPECT_NEAR(spinalHeight(test::straightSpine(), s), 500.0, 1e-12);
}

TEST(PixelScale, AnisotropicSpacingScalesEachAxis) {
  core::Geometry g;
  g.spacing = {0.1, 0.3, 1.0};
  core::SeriesInfo info;
  info.pixelSpacingSource = "PixelSpacing";
  const PixelScale s = pixelScale(g, info);
  EXPECT_NEAR(s.length({3.0, 0.0}), 0.3, 1e-12);
  EXPECT_NEAR(s.length({0.0, 3.0}), 0.9, 1e-12);
  EXPECT_NEAR(vertebralBodyHeights(test::straightSpine(20.0), s)[0].value, 6.0, 1e-12);
}

TEST(SpineMeasurements, EntriesCarryInputsProvenanceAndEditedFlag) {
  core::LandmarkSet set = apLandmarkSet(test::straightSpine(), "ap", {"xray-landmarks", "0.1.0"});
  set.find("T1.tl")->edited = true;
  PixelScale s;
  s.known = true;
  s.mmPerPixelX = s.mmPerPixelY = 0.5;
  const auto ms = spineHeightMeasurements(set, s);
  EXPECT_EQ(ms.size(), 2u + 17u + 16u);
  const auto& spinal = byId(ms, "height.spinal");
  EXPECT_NEAR(spinal.value, 250.0, 1e-9);
  EXPECT_EQ(spinal.unit, "mm");
  EXPECT_TRUE(spinal.edited);
  EXPECT_EQ(spinal.provenance.source, "xray-landmarks");
  EXPECT_EQ(spinal.provenance.modelVersion, "0.1.0");
  EXPECT_NE(std::find(spinal.inputs.begin(), spinal.inputs.end(), "L5.br"), spinal.inputs.end());
  EXPECT_TRUE(byId(ms, "height.body.T1").edited);
  EXPECT_FALSE(byId(ms, "height.body.T2").edited);
  EXPECT_FALSE(byId(ms, "height.disc.L4-L5").edited);
  EXPECT_NEAR(byId(ms, "height.disc.L4-L5").value, 5.0, 1e-9);
  EXPECT_EQ(byId(ms, "height.disc.T1-T2").inputs,
            (std::vector<std::string>{"T1.bl", "T1.br", "T2.tl", "T2.tr"}));
}
