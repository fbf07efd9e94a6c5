// The consistency rule and its helpers on hand-made boxes (issue 11).
#include "openrad/modules/mri_herniation/HerniationRules.h"

#include "DrawnSpine.h"
#include "openrad/measure/SagittalFrame.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"
#include "openrad/phantom/LumbarMri.h"
#include "openrad/modules/mri_lumbar/LumbarLabels.h"

#include <gtest/gtest.h>

using namespace openrad::modules::mri_herniation;
namespace test = openrad::test;

namespace {

SliceBox box(int slice, const std::string& level, double score, double x = 100, double y = 200) {
  SliceBox b;
  b.slice = slice, b.level = level, b.score = score;
  b.min = Eigen::Vector2d(x - 5, y - 4), b.max = Eigen::Vector2d(x + 5, y + 4);
  return b;
}

}  // namespace

TEST(HerniationSlices, FiveCentredOnTheMidlineAndKeptInsideTheSeries) {
  EXPECT_EQ(centralSlices(15, 7), (std::vector<int>{5, 6, 7, 8, 9}));
  EXPECT_EQ(centralSlices(15, 9), (std::vector<int>{7, 8, 9, 10, 11})) << "the canal midline, not the array centre";
  EXPECT_EQ(centralSlices(15, 1), (std::vector<int>{0, 1, 2, 3, 4})) << "shifted to stay inside";
  EXPECT_EQ(centralSlices(15, 14), (std::vector<int>{10, 11, 12, 13, 14}));
  EXPECT_EQ(centralSlices(3, 1), (std::vector<int>{0, 1, 2})) << "fewer than 5 slices: all there are";
  EXPECT_TRUE(centralSlices(0, 0).empty());
}

TEST(HerniationRule, TwoOfFiveAreDroppedThreeOfFiveKept) {
  const std::vector<SliceBox> two{box(5, "L4-L5", 0.9), box(6, "L4-L5", 0.8)};
  EXPECT_TRUE(consistentFindings(two, 0.5).empty());
  std::vector<SliceBox> three = two;
  three.push_back(box(7, "L4-L5", 0.7));
  const auto f = consistentFindings(three, 0.5);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].level, "L4-L5");
  ASSERT_EQ(f[0].boxes.size(), 3u);
  EXPECT_EQ(f[0].boxes.front().slice, 5);
  EXPECT_NEAR(f[0].score, 0.8, 1e-12);
  // The rule is a parameter: 4 of 5 drops the same three.
  EXPECT_TRUE(consistentFindings(three, 0.5, 4).empty());
}

TEST(HerniationRule, OnlyBoxesOverTheThresholdAndOnDistinctSlicesCount) {
  // Three boxes on one slice are one slice; a box under the threshold does not vote.
  const std::vector<SliceBox> boxes{box(5, "L5-S1", 0.9), box(5, "L5-S1", 0.95, 110), box(5, "L5-S1", 0.6, 90),
                                    box(6, "L5-S1", 0.9), box(7, "L5-S1", 0.3)};
  EXPECT_TRUE(consistentFindings(boxes, 0.5).empty());
  const auto low = consistentFindings(boxes, 0.25);
  ASSERT_EQ(low.size(), 1u);
  ASSERT_EQ(low[0].boxes.size(), 3u);
  EXPECT_EQ(low[0].boxes[0].score, 0.95) << "the best box of a slice stands for it";
}

TEST(HerniationRule, BoxesOfDifferentLevelsAreNotMerged) {
  // Five slices, but split 3 / 2 between two levels: only the level with three is a finding.
  const std::vector<SliceBox> boxes{box(5, "L4-L5", 0.9), box(6, "L4-L5", 0.9), box(7, "L3-L4", 0.9),
                                    box(8, "L3-L4", 0.9), box(9, "L4-L5", 0.9), box(9, "", 0.99)};
  const auto f = consistentFindings(boxes, 0.5);
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].level, "L4-L5");
  // Two levels each on three slices come in the spine's order.
  std::vector<SliceBox> both = boxes;
  both.push_back(box(6, "L3-L4", 0.9));
  const auto two = consistentFindings(both, 0.5, 3, {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"});
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].level, "L3-L4");
  EXPECT_EQ(two[1].level, "L4-L5");
}

TEST(HerniationLevels, ABoxGetsTheDiscBetweenTheBodiesItLiesBetween) {
  // Drawn column: bodies 32 px apart, leaning anterior (x) going down; a box centre midway between L4 and L5, off
  // their line by a few pixels (a herniation bulges posterior of the disc).
  const std::vector<std::pair<std::string, Eigen::Vector2d>> bodies{
      {"L1", {100, 40}}, {"L2", {104, 72}}, {"L3", {108, 104}}, {"L4", {112, 136}}, {"L5", {116, 168}}, {"S1", {124, 198}}};
  EXPECT_EQ(discLevelAt({128, 152}, bodies), "L4-L5");
  EXPECT_EQ(discLevelAt({115, 88}, bodies), "L2-L3");
  EXPECT_EQ(discLevelAt({135, 184}, bodies), "L5-S1");
  EXPECT_EQ(discLevelAt({100, 10}, bodies), "") << "above the first body";
  EXPECT_EQ(discLevelAt({130, 230}, bodies), "") << "below the last";
  EXPECT_EQ(discLevelAt({200, 152}, bodies), "") << "far from the column";
  EXPECT_EQ(discLevelAt({128, 152}, {{"L4", {112, 136}}}), "") << "one body has no disc";
}

TEST(HerniationSide, FromTheSlicesLateralPositions) {
  EXPECT_EQ(sideOf({-2, 0, 2}), "central");
  EXPECT_EQ(sideOf({4, 7, 10}), "left");
  EXPECT_EQ(sideOf({-4, -7, -10}), "right");
  EXPECT_EQ(sideOf({-1, 2, 3}, 1.0), "left") << "a narrower central band";
}

TEST(HerniationLevels, FromADrawnSegmentation) {
  // The lumbar module's drawn column (L1-L5 upright, 32 px apart, S1 below): a box between the L4 and L5 bodies on
  // the mid slice gets L4-L5 from the segmentation's centroids.
  const test::DrawnSpineSpec spec;
  const auto labels = test::drawnSpineLabels(spec, test::ArrayOrder::PosteriorInferiorRight);
  const auto frame = std::get<openrad::measure::SagittalFrame>(openrad::measure::sagittalFrame(labels->geometry()));
  const auto centroids = openrad::modules::mri_lumbar::bodyCentroidsOnSlice(*labels, frame, 4);
  std::vector<std::pair<std::string, Eigen::Vector2d>> bodies;
  for (const auto& [c, p] : centroids) bodies.emplace_back(openrad::modules::mri_lumbar::className(c), p);
  ASSERT_EQ(bodies.size(), 6u) << "L1-L5 and S1";
  // Drawn L4 spans rows top = 8 + 32 * 3 = 104 .. 129 mm, L5 136 .. 161 (pixel = mm - originS); a box behind their disc.
  const double discRow = 132.5 - spec.originS, backColumn = 36.0 - spec.originA;
  EXPECT_EQ(discLevelAt({backColumn, discRow}, bodies), "L4-L5");
  EXPECT_EQ(discLevelAt({backColumn, discRow - 32}, bodies), "L3-L4");
  // Off the body slices the segmentation has no bodies: no level.
  EXPECT_TRUE(openrad::modules::mri_lumbar::bodyCentroidsOnSlice(*labels, frame, 0).empty());
}

TEST(HerniationLevels, EveryPhantomBoxGetsItsOwnDiscLevel) {
  // Phantoms with a herniation forced at every disc: on each slice a box is drawn on, the bodies' centroids of the
  // phantom's segmentation name the box's disc as the ground truth does.
  int checked = 0;
  for (std::uint64_t seed : {11u, 12u}) {
    openrad::phantom::LumbarMriParams p = openrad::phantom::sampleLumbarMriParams(seed, 0);
    p.herniations.clear();
    for (int d = 0; d < openrad::phantom::kLumbarDiscCount; ++d) {
      openrad::phantom::DiscHerniation h;
      h.disc = d, h.type = "protrusion", h.side = "central", h.depthMm = 5, h.widthMm = 12, h.heightMm = 6;
      p.herniations.push_back(h);
    }
    const openrad::phantom::LumbarMriCase c = openrad::phantom::renderLumbarMri(p);
    auto labels = c.labels->copy();
    std::uint8_t* L = labels->as<std::uint8_t>();
    for (std::int64_t i = 0; i < labels->geometry().voxelCount(); ++i) L[i] = openrad::modules::mri_lumbar::fromPhantomLabel(L[i]);
    const auto frame = std::get<openrad::measure::SagittalFrame>(openrad::measure::sagittalFrame(labels->geometry()));
    ASSERT_FALSE(c.herniationBoxes.empty()) << seed;
    for (const auto& b : c.herniationBoxes) {
      std::vector<std::pair<std::string, Eigen::Vector2d>> bodies;
      for (const auto& [k, centre] : openrad::modules::mri_lumbar::bodyCentroidsOnSlice(*labels, frame, b.slice))
        bodies.emplace_back(openrad::modules::mri_lumbar::className(k), centre);
      // The box in the slice's (column, row) pixels, as the frame reads them.
      const Eigen::Vector2d centre(0.5 * (b.x0 + b.x1), 0.5 * (b.y0 + b.y1));
      const Eigen::Vector2d point = frame.columnAxis == 0 ? centre : Eigen::Vector2d(centre.y(), centre.x());
      EXPECT_EQ(discLevelAt(point, bodies), b.level) << "seed " << seed << " slice " << b.slice;
      ++checked;
    }
  }
  EXPECT_GE(checked, 10);
}
