// mri-lumbar, Torch-free parts: corners from drawn label maps, the measurement rule on hand-built corners, orientation
// (two array orders), level checks, the mid-sagittal slice, the scores of `eval`, the dataset reader.
#include "DrawnSpine.h"

#include "openrad/io/IoError.h"
#include "openrad/measure/SagittalFrame.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"
#include "openrad/modules/mri_lumbar/LumbarLabels.h"
#include "openrad/modules/mri_lumbar/LumbarMetrics.h"
#include "openrad/modules/mri_lumbar/SagittalStack.h"

#include "Requires.h"
#include "TempDir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

namespace {

using namespace openrad;
using namespace openrad::modules::mri_lumbar;
using test::ArrayOrder;

measure::SagittalFrame frameOf(const core::Image& image) {
  const auto f = measure::sagittalFrame(image.geometry());
  EXPECT_TRUE(std::holds_alternative<measure::SagittalFrame>(f));
  return std::get<measure::SagittalFrame>(f);
}

std::map<std::string, double> byId(const std::vector<core::Measurement>& ms) {
  std::map<std::string, double> out;
  for (const auto& m : ms) out[m.id] = m.value;
  return out;
}

core::Series seriesOf(std::shared_ptr<const core::Image> image) {
  core::Series s;
  s.info.seriesUid = "1.2.3";
  s.info.modality = "MR";
  s.image = std::move(image);
  return s;
}

/// A corner set placed by hand at (a, s) mm on slice 4 of the drawn geometry, order A.
core::LandmarkSet handSet(const std::vector<test::DrawnBody>& bodies, const test::DrawnSpineSpec& spec) {
  core::LandmarkSet set;
  set.name = kCornerSet;
  set.provenance = {"mri-lumbar", "test"};
  const char* suffix[4] = {"as", "ps", "ai", "pi"};
  for (const auto& b : bodies)
    for (int k = 0; k < (b.label == kS1 ? 2 : 4); ++k) {
      core::Landmark l;
      l.name = className(b.label) + "." + suffix[k];
      l.position = Eigen::Vector3d(b.corners[static_cast<std::size_t>(k)].x() - spec.originA,
                                   b.corners[static_cast<std::size_t>(k)].y() - spec.originS, 4);
      set.points.push_back(l);
    }
  return set;
}

TEST(LumbarRule, HandBuiltCornersGiveHandComputedValues) {
  test::DrawnSpineSpec spec;
  spec.sacralTiltDeg = 30;
  spec.listhesisMm = 7;  // 7 of L5's 35 mm endplate: 20 %
  const auto labels = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  const core::Series series = seriesOf(labels);
  const auto m = byId(lumbarMeasurements(handSet(test::drawnBodies(spec), spec), series));
  EXPECT_NEAR(m.at("lumbar.lordosis.L1-S1"), 30.0, 1e-9);  // L1 endplate horizontal, S1 tilted 30°
  EXPECT_NEAR(m.at("lumbar.lordosis.L1-L5"), 0.0, 1e-9);
  EXPECT_NEAR(m.at("lumbar.lordosis.L4-S1"), 30.0, 1e-9);
  EXPECT_NEAR(m.at("lumbar.body.L3.anterior"), 25.0, 1e-9);
  EXPECT_NEAR(m.at("lumbar.body.L3.middle"), 25.0, 1e-9);
  EXPECT_NEAR(m.at("lumbar.disc.L2-L3.mean"), 7.0, 1e-9);  // 32 mm pitch, 25 mm bodies
  EXPECT_NEAR(m.at("lumbar.disc.L2-L3.dhi"), 7.0 / 25.0, 1e-9);
  EXPECT_NEAR(m.at("lumbar.listhesis.L4-L5"), 20.0, 1e-9);
  EXPECT_NEAR(m.at("lumbar.listhesis.L2-L3"), 0.0, 1e-9);
  EXPECT_NEAR(m.at("lumbar.slice"), 5.0, 1e-9);
  EXPECT_EQ(m.count("lumbar.shape.distance"), 1u);
  // S1 has no inferior endplate: no body heights for it, no disc below it.
  EXPECT_EQ(m.count("lumbar.body.S1.anterior"), 0u);
}

TEST(LumbarRule, MovingACornerChangesExactlyTheValuesThatReadIt) {
  test::DrawnSpineSpec spec;
  const auto labels = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  const core::Series series = seriesOf(labels);
  core::LandmarkSet set = handSet(test::drawnBodies(spec), spec);
  const auto before = lumbarMeasurements(set, series);
  core::Landmark* p = set.find("L1.as");
  ASSERT_NE(p, nullptr);
  p->position.y() += 3;  // 3 mm caudal: L1's superior endplate tilts
  p->edited = true;
  const auto after = lumbarMeasurements(set, series);
  ASSERT_EQ(before.size(), after.size());
  for (std::size_t i = 0; i < after.size(); ++i) {
    const bool reads = std::find(after[i].inputs.begin(), after[i].inputs.end(), "L1.as") != after[i].inputs.end();
    EXPECT_EQ(after[i].edited, reads) << after[i].id;
    if (!reads) {
      EXPECT_DOUBLE_EQ(after[i].value, before[i].value) << after[i].id;
    }
  }
  EXPECT_GT(std::abs(byId(after).at("lumbar.lordosis.L1-S1") - byId(before).at("lumbar.lordosis.L1-S1")), 3.0);
}

TEST(LumbarCorners, DrawnMaskCornersAreFoundWithinAPixel) {
  test::DrawnSpineSpec spec;
  const auto labels = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  const core::LandmarkSet set = cornersOnSlice(*labels, frameOf(*labels), 4, {"mri-lumbar", "test"});
  EXPECT_EQ(set.points.size(), 5u * 4 + 2);
  const core::LandmarkSet truth = handSet(test::drawnBodies(spec), spec);
  for (const auto& t : truth.points) {
    const core::Landmark* p = set.find(t.name);
    ASSERT_NE(p, nullptr) << t.name;
    // Corners of the drawn quadrilaterals lie on pixel edges: the extractor reports the outer edge of the mask. The
    // drawn S1 is a parallelogram (endplate tilted 30 deg, walls upright: corners of 60 and 120 deg): its rasterised
    // staircase blunts the obtuse anterior corner (weaker response), and the spur removal trims the acute posterior
    // tip by up to 1.8 px, which the bound allows and no more (real bodies' corners are near right angles).
    const bool tilted = t.name.rfind("S1.", 0) == 0;
    EXPECT_LT((p->position - t.position).head<2>().norm(), tilted ? 2.0 : 1.0) << t.name;
    EXPECT_GT(p->confidence, tilted ? 0.25 : 0.3) << t.name;
  }
  const auto m = byId(lumbarMeasurements(set, seriesOf(labels)));
  EXPECT_NEAR(m.at("lumbar.lordosis.L1-S1"), spec.sacralTiltDeg, 1.5);
}

TEST(LumbarCorners, AColumnTurnedInTheImageKeepsItsCornerNamesAndLordosis) {
  // Turned by 50 deg (an oblique reformat, a steep lumbosacral junction): the image's diagonals no longer tell the
  // corners apart, the spine's own axis does.
  test::DrawnSpineSpec straight;
  straight.apPixels = 200, straight.originA = -80;
  const auto uprightLabels = test::drawnSpineLabels(straight, ArrayOrder::PosteriorInferiorRight);
  const auto upright = byId(lumbarMeasurements(cornersOnSlice(*uprightLabels, frameOf(*uprightLabels), 4, {"t", ""}),
                                               seriesOf(uprightLabels)));
  for (double turn : {-50.0, 50.0}) {
    test::DrawnSpineSpec spec = straight;
    spec.turnDeg = turn;
    const auto labels = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
    const core::LandmarkSet set = cornersOnSlice(*labels, frameOf(*labels), 4, {"mri-lumbar", "test"});
    ASSERT_EQ(set.points.size(), 5u * 4 + 2) << turn;
    const core::LandmarkSet truth = handSet(test::drawnBodies(spec), spec);
    for (const auto& t : truth.points) {
      const core::Landmark* p = set.find(t.name);
      ASSERT_NE(p, nullptr) << t.name;
      // A misnamed corner is a whole endplate or wall (25-35 px) away; the staircase of a turned outline blunts
      // each corner by up to 2 px and S1's acute one a little more.
      EXPECT_LT((p->position - t.position).head<2>().norm(), t.name.rfind("S1.", 0) == 0 ? 3.0 : 2.5) << turn << " " << t.name;
    }
    const auto m = byId(lumbarMeasurements(set, seriesOf(labels)));
    EXPECT_NEAR(m.at("lumbar.lordosis.L1-S1"), upright.at("lumbar.lordosis.L1-S1"), 1.5) << turn;
    EXPECT_NEAR(m.at("lumbar.body.L3.middle"), upright.at("lumbar.body.L3.middle"), 2.0) << turn;
  }
}

TEST(LumbarCorners, TwoArrayOrdersOfOneVolumeGiveTheSameResult) {
  test::DrawnSpineSpec spec;
  spec.listhesisMm = 5;
  spec.canalSlice = 4;
  const auto a = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  const auto b = test::drawnSpineLabels(spec, ArrayOrder::InferiorPosteriorRight);
  const measure::SagittalFrame fa = frameOf(*a), fb = frameOf(*b);
  EXPECT_EQ(fa.sliceAxis, 2);
  EXPECT_EQ(fb.sliceAxis, 2);
  EXPECT_EQ(midSagittalSlice(*a, fa), midSagittalSlice(*b, fb));
  const auto sa = cornersOnSlice(*a, fa, 4, {"mri-lumbar", "test"}), sb = cornersOnSlice(*b, fb, 4, {"mri-lumbar", "test"});
  ASSERT_EQ(sa.points.size(), sb.points.size());
  for (const auto& p : sa.points) {
    const core::Landmark* q = sb.find(p.name);
    ASSERT_NE(q, nullptr);
    EXPECT_LT((a->geometry().indexToPhysical(p.position) - b->geometry().indexToPhysical(q->position)).norm(), 1e-6) << p.name;
  }
  const auto ma = lumbarMeasurements(sa, seriesOf(a)), mb = lumbarMeasurements(sb, seriesOf(b));
  ASSERT_EQ(ma.size(), mb.size());
  for (std::size_t i = 0; i < ma.size(); ++i) EXPECT_NEAR(ma[i].value, mb[i].value, 1e-6) << ma[i].id;
  // The canonical planes are the same physical planes.
  const PlaneGrid ga = planeGridFor(a->geometry(), fa, 1.5), gb = planeGridFor(b->geometry(), fb, 1.5);
  EXPECT_EQ(ga.width, gb.width);
  EXPECT_EQ(ga.height, gb.height);
  const auto stackA = sampleStack(*a, ga, 0, true), stackB = sampleStack(*b, gb, 0, true);
  EXPECT_EQ(stackA, stackB);
}

TEST(LumbarStack, PlanesRunPosteriorAndCaudalWhateverTheArrayOrder) {
  test::DrawnSpineSpec spec;
  for (const auto order : {ArrayOrder::PosteriorInferiorRight, ArrayOrder::InferiorPosteriorRight}) {
    const auto labels = test::drawnSpineLabels(spec, order);
    const PlaneGrid g = planeGridFor(labels->geometry(), frameOf(*labels), 1.0);
    const auto stack = sampleStack(*labels, g, 0, true);
    // On slice 4, L1 (top) has smaller y than S1, and the canal side (posterior) is at larger x than the bodies' front.
    double yL1 = 0, yS1 = 0, nL1 = 0, nS1 = 0, xMin = 1e9, xMax = -1e9;
    const std::size_t plane = static_cast<std::size_t>(g.width * g.height);
    for (std::size_t i = 0; i < plane; ++i) {
      const float v = stack[4 * plane + i];
      const double x = static_cast<double>(i % static_cast<std::size_t>(g.width)), y = static_cast<double>(i / static_cast<std::size_t>(g.width));
      if (v == kL1) yL1 += y, ++nL1;
      if (v == kS1) yS1 += y, ++nS1;
      if (v == (kL1 + 2)) xMin = std::min(xMin, x), xMax = std::max(xMax, x);
    }
    ASSERT_GT(nL1, 0);
    ASSERT_GT(nS1, 0);
    EXPECT_LT(yL1 / nL1, yS1 / nS1);
    EXPECT_NEAR(xMax - xMin, 35, 1.5);  // L3 is 35 mm deep at 1 mm per plane pixel
  }
}

TEST(LumbarLevels, RecountsFromTheSacrumAndWarns) {
  test::DrawnSpineSpec spec;
  auto labels = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  // The network called every lumbar body one level too high (L1 "T12" … L5 "L4"): S1 right below "L4" says otherwise.
  std::uint8_t* L = labels->as<std::uint8_t>();
  for (std::int64_t i = 0; i < labels->geometry().voxelCount(); ++i)
    if (L[i] >= kL1 && L[i] <= kL5) L[i] = static_cast<std::uint8_t>(L[i] - 1);
  // ... and left a stray island of "L1" far away.
  labels->setValue(80, 220, 0, kL1);
  const LevelCheck r = checkLevels(*labels);
  EXPECT_TRUE(r.sacrumFound);
  EXPECT_TRUE(r.recounted);
  EXPECT_EQ(r.levels, (std::vector<int>{kL1, kL1 + 1, kL1 + 2, kL4, kL5, kS1}));
  ASSERT_FALSE(r.warnings.empty());
  EXPECT_NE(r.warnings.front().find("re-counted"), std::string::npos);
  EXPECT_EQ(labels->value(80, 220, 0), 0) << "the island is removed";
}

TEST(LumbarLevels, WithoutASacrumTheLevelsAreUncertain) {
  test::DrawnSpineSpec spec;
  auto labels = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  std::uint8_t* L = labels->as<std::uint8_t>();
  for (std::int64_t i = 0; i < labels->geometry().voxelCount(); ++i)
    if (L[i] == kS1) L[i] = 0;
  const LevelCheck r = checkLevels(*labels);
  EXPECT_FALSE(r.sacrumFound);
  EXPECT_FALSE(r.recounted);
  bool said = false;
  for (const auto& w : r.warnings) said = said || w.find("uncertain") != std::string::npos;
  EXPECT_TRUE(said);
}

TEST(LumbarLevels, WithoutASacrumOneMisnamedBodyFollowsTheOthers) {
  test::DrawnSpineSpec spec;
  auto labels = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  std::uint8_t* L = labels->as<std::uint8_t>();
  // No sacrum in view, and the network called L1 "T12" (seen on real Dixon series whose field of view starts at L1).
  for (std::int64_t i = 0; i < labels->geometry().voxelCount(); ++i) {
    if (L[i] == kS1) L[i] = 0;
    if (L[i] == kL1) L[i] = kL1 - 1;
  }
  const LevelCheck r = checkLevels(*labels);
  EXPECT_FALSE(r.sacrumFound);
  EXPECT_TRUE(r.recounted);
  EXPECT_EQ(r.levels, (std::vector<int>{kL1, kL1 + 1, kL1 + 2, kL4, kL5}));
  bool said = false;
  for (const auto& w : r.warnings) said = said || w.find("T12 \u2192 L1") != std::string::npos;
  EXPECT_TRUE(said);
  // Two bodies against two (no majority): nothing is re-counted, the order is reported as uncertain.
  auto split = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  std::uint8_t* S = split->as<std::uint8_t>();
  for (std::int64_t i = 0; i < split->geometry().voxelCount(); ++i) {
    if (S[i] == kS1 || S[i] == kL5) S[i] = 0;
    if (S[i] == kL1 || S[i] == kL1 + 1) S[i] = static_cast<std::uint8_t>(S[i] - 1);
  }
  const LevelCheck t = checkLevels(*split);
  EXPECT_FALSE(t.recounted);
}

TEST(LumbarLevels, ASliverOfAnotherLevelIsNoBody) {
  test::DrawnSpineSpec spec;
  auto labels = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  std::uint8_t* L = labels->as<std::uint8_t>();
  // The network called L1 "T12" and 25 voxels of L2 "L1" (seen on real series): the sliver is not a level of its own,
  // so counting up from the sacrum gives the T12-named body L1 again.
  for (std::int64_t i = 0; i < labels->geometry().voxelCount(); ++i)
    if (L[i] == kL1) L[i] = kL1 - 1;
  int sliver = 0;
  const auto& g = labels->geometry();
  for (std::int64_t j = 0; j < g.size[1] && sliver < 25; ++j)
    for (std::int64_t i = 0; i < g.size[0] && sliver < 25; ++i)
      if (labels->value(i, j, 4) == kL1 + 1) labels->setValue(i, j, 4, kL1), ++sliver;
  ASSERT_EQ(sliver, 25);
  const LevelCheck r = checkLevels(*labels);
  EXPECT_TRUE(r.recounted);
  EXPECT_EQ(r.levels, (std::vector<int>{kL1, kL1 + 1, kL1 + 2, kL4, kL5, kS1}));
}

TEST(LumbarLevels, AMissingLevelIsReported) {
  test::DrawnSpineSpec spec;
  auto labels = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  std::uint8_t* L = labels->as<std::uint8_t>();
  for (std::int64_t i = 0; i < labels->geometry().voxelCount(); ++i)
    if (L[i] == (kL1 + 2)) L[i] = 0;
  const LevelCheck r = checkLevels(*labels);
  bool gap = false;
  for (const auto& w : r.warnings) gap = gap || w.find("missing") != std::string::npos;
  EXPECT_TRUE(gap);
  // Counting up from the sacrum skips the missing level instead of shifting L1 and L2 down by one.
  EXPECT_FALSE(r.recounted);
  EXPECT_EQ(r.levels, (std::vector<int>{kL1, kL1 + 1, kL4, kL5, kS1}));
}

TEST(LumbarMidSagittal, CanalFirstThenBodies) {
  test::DrawnSpineSpec spec;
  spec.firstBodySlice = 1, spec.lastBodySlice = 5;  // bodies centred on slice 3
  spec.canalSlice = 4;
  const auto withCanal = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  std::string how;
  EXPECT_EQ(midSagittalSlice(*withCanal, frameOf(*withCanal), &how), 4);
  EXPECT_NE(how.find("canal"), std::string::npos);
  spec.canalSlice = -1;
  const auto bodies = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  EXPECT_EQ(midSagittalSlice(*bodies, frameOf(*bodies), &how), 3);
  EXPECT_NE(how.find("bodies"), std::string::npos);
}

TEST(LumbarScores, DiceAndLevelIdentificationOnKnownVolumes) {
  test::DrawnSpineSpec spec;
  const auto truth = test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight);
  auto pred = truth->copy();
  std::uint32_t annotated = 0;
  for (int c = kL1; c <= kS1; ++c) annotated |= 1u << c;
  VolumeScores same = scoreVolume(*pred, *truth, annotated);
  EXPECT_DOUBLE_EQ(same.diceMean, 1.0);
  EXPECT_EQ(same.bodies, 6);
  EXPECT_EQ(same.identified, 6);
  // Swap L2 and L3 in the prediction: both unidentified, their Dice 0.
  std::uint8_t* P = pred->as<std::uint8_t>();
  for (std::int64_t i = 0; i < pred->geometry().voxelCount(); ++i)
    if (P[i] == kL1 + 1) P[i] = kL1 + 2;
    else if (P[i] == kL1 + 2) P[i] = kL1 + 1;
  const VolumeScores swapped = scoreVolume(*pred, *truth, annotated);
  EXPECT_EQ(swapped.identified, 4);
  EXPECT_NEAR(swapped.diceMean, 4.0 / 6.0, 1e-12);
  // A class the truth does not annotate is left out (S1 of a case labelled L1–L5 only).
  const VolumeScores partial = scoreVolume(*truth, *truth, annotated & ~(1u << kS1));
  EXPECT_EQ(partial.diceLevels, 5);
  EXPECT_EQ(partial.bodies, 5);
}

TEST(LumbarDataset, LevelRangesAndPhantomLabels) {
  EXPECT_EQ(levelRangeMask("L1-L5"), (1u << 5) | (1u << 6) | (1u << 7) | (1u << 8) | (1u << 9));
  EXPECT_EQ(levelRangeMask("T10-S1") & (1u << kS1), 1u << kS1);
  EXPECT_EQ(levelRangeMask("S1-L1"), 0u);
  EXPECT_EQ(levelRangeMask("nonsense"), 0u);
  EXPECT_EQ(fromPhantomLabel(1), kL1);
  EXPECT_EQ(fromPhantomLabel(6), kS1);
  EXPECT_EQ(fromPhantomLabel(9), kDisc);
  EXPECT_EQ(fromPhantomLabel(12), kCanal);
  EXPECT_EQ(fromPhantomLabel(13), kDisc);
}

TEST(LumbarDataset, AFolderOfNeitherFormatIsRefusedByName) {
  test::TempDir dir("openrad-lumbar-ds");
  try {
    listLumbarDataset(dir.path().string());
    FAIL() << "expected IoError";
  } catch (const io::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path().string()), std::string::npos) << e.what();
  }
}

TEST(LumbarDataset, TheRealFolderListsItsSplits) {
  const std::string dir = std::string(OPENRAD_SHARED_DATA_DIR) + "/mri-lumbar-real";
  OPENRAD_REQUIRE(std::filesystem::is_directory(dir), "../shared/data/mri-lumbar-real not present");
  EXPECT_EQ(listLumbarDataset(dir, "train").size(), 28u);
  const auto val = listLumbarDataset(dir, "val");
  EXPECT_EQ(val.size(), 8u);
  EXPECT_EQ(listLumbarDataset(dir, "train,val").size(), 36u);
  EXPECT_TRUE(listLumbarDataset(dir, "test").empty()) << "the test split is held out elsewhere";
  for (const auto& r : val) EXPECT_NE(r.annotated, 0u) << r.id;
}

}  // namespace

TEST(LumbarPlausibility, ImplausibleValuesAskForAReviewOfTheirBodies) {
  const auto m = [](std::string id, std::string name, double v, std::string unit, std::vector<std::string> in) {
    core::Measurement x;
    x.id = std::move(id), x.name = std::move(name), x.value = v, x.unit = std::move(unit), x.inputs = std::move(in);
    return x;
  };
  const std::vector<std::string> l1s1{"L1.as", "L1.ps", "L1.ai", "L1.pi", "S1.as", "S1.ps"};
  const std::vector<std::string> l4l5{"L4.as", "L4.ps", "L4.ai", "L4.pi", "L5.as", "L5.ps", "L5.ai", "L5.pi"};
  // Plausible: nothing to say.
  EXPECT_TRUE(implausibleLumbarValues({m("lumbar.lordosis.L1-S1", "Lumbar lordosis L1-S1", 48, "deg", l1s1),
                                       m("lumbar.listhesis.L4-L5", "L4-L5 listhesis", 22, "%", l4l5),
                                       m("lumbar.body.L4.middle", "L4 middle height", 27, "mm", {"L4.as"})})
                  .empty());
  const auto w = implausibleLumbarValues({m("lumbar.lordosis.L1-S1", "Lumbar lordosis L1-S1", -40.8, "deg", l1s1),
                                          m("lumbar.listhesis.L4-L5", "L4-L5 listhesis", 132.3, "%", l4l5),
                                          m("lumbar.listhesis.L3-L4", "L3-L4 listhesis", -9.1, "%", l4l5),
                                          m("lumbar.body.L4.middle", "L4 middle height", 75, "mm", {"L4.as", "L4.ai"})});
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], "Lumbar lordosis L1-S1 -40.8 deg is implausible: review the corners of L1, S1");
  EXPECT_EQ(w[1], "L4-L5 listhesis 132.3 % is implausible: review the corners of L4, L5");
  EXPECT_NE(w[2].find("L4 middle height 75.0 mm"), std::string::npos) << w[2];
}
