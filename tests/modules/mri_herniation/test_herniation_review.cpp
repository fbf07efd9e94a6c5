// The review side of the herniation module (issue 11): findings re-computed from the boxes after every edit, the
// reader's verdicts, boxes drawn by hand getting their level from the lumbar corners, undo; and the metrics' helpers
// (IoU, average precision, per-level counts).
#include "openrad/modules/mri_herniation/HerniationReview.h"
#include "openrad/modules/mri_herniation/HerniationRules.h"

#include "DrawnSpine.h"
#include "openrad/core/Commands.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"

#include <gtest/gtest.h>

using namespace openrad;
using namespace openrad::modules::mri_herniation;

namespace {

const std::string kUid = "1.2.3.herniation";

/// A sagittal series (the drawn column's grid: 9 slices 3 mm apart) with the read table of the module (midline 4).
std::shared_ptr<core::Series> drawnSeries() {
  const test::DrawnSpineSpec spec;
  auto s = std::make_shared<core::Series>();
  s->info.seriesUid = kUid;
  s->info.modality = "MR";
  s->image = test::drawnSpineLabels(spec, test::ArrayOrder::PosteriorInferiorRight);
  return s;
}

core::ResultTable readTable() {
  core::ResultTable t;
  t.id = kReadTable;
  t.columns = {"item", "value"};
  t.provenance = {"mri-herniation", "test"};
  t.rows = {{kRowSlices, "3, 4, 5, 6, 7"}, {kRowMidline, "5"}, {kRowThreshold, "0.40"},
            {kRowOperatingPoint, "per-level specificity >= 0.95 on tuning phantoms"}, {kRowRule, "3 of 5"}};
  return t;
}

core::Box aiBox(int slice, const std::string& level, double score, double extrusion) {
  core::Box b;
  b.label = level;
  b.slice = slice;
  b.min = Eigen::Vector2d(40, 120);
  b.max = Eigen::Vector2d(46, 126);
  b.score = score;
  b.provenance = {"mri-herniation", "test"};
  b.attributes["finding"] = level;
  b.attributes["extrusion"] = std::to_string(extrusion);
  return b;
}

const core::Measurement* find(const std::vector<core::Measurement>& ms, const std::string& id) {
  for (const auto& m : ms)
    if (m.id == id) return &m;
  return nullptr;
}

/// Corners of L1-L5 and S1 as the lumbar module names them, each body a 20 x 20 pixel square 32 px apart on slice 4.
core::LandmarkSet corners() {
  core::LandmarkSet set;
  set.provenance = {"mri-lumbar", "test"};
  const char* levels[] = {"L1", "L2", "L3", "L4", "L5", "S1"};
  for (int k = 0; k < 6; ++k) {
    const double top = 10 + 32.0 * k;
    for (const auto& [suffix, dx, dy] : {std::tuple{".as", 0.0, 0.0}, {".ps", 20.0, 0.0}, {".ai", 0.0, 20.0}, {".pi", 20.0, 20.0}}) {
      if (k == 5 && dy > 0) continue;  // S1: superior endplate only
      core::Landmark l;
      l.name = std::string(levels[k]) + suffix;
      l.position = Eigen::Vector3d(10 + dx, top + dy, 4);
      set.points.push_back(l);
    }
  }
  return set;
}

core::SeriesAnnotations annotated(const std::vector<core::Box>& boxes) {
  core::SeriesAnnotations a;
  a.tables[kReadTable] = readTable();
  a.boxes = boxes;
  return a;
}

}  // namespace

TEST(HerniationReview, AFindingPerLevelWithSideTypeSlicesAndScore) {
  const auto series = drawnSeries();
  // L4-L5 on slices 3, 4, 5 (0-based; the midline is 4): central; L2-L3 on slices 6, 7, 8: toward one side.
  const auto ms = herniationMeasurements(
      *series, annotated({aiBox(3, "L4-L5", 0.8, 0.9), aiBox(4, "L4-L5", 0.6, 0.7), aiBox(5, "L4-L5", 0.7, 0.8),
                          aiBox(6, "L2-L3", 0.5, 0.1), aiBox(7, "L2-L3", 0.5, 0.2), aiBox(8, "L2-L3", 0.5, 0.3)}));
  const core::Measurement* l45 = find(ms, "herniation.L4-L5");
  ASSERT_NE(l45, nullptr);
  EXPECT_EQ(l45->value, 3);
  EXPECT_EQ(l45->attribute("side"), "central");
  EXPECT_EQ(l45->attribute("type"), "extrusion");
  EXPECT_EQ(l45->attribute("slices"), "4, 5, 6");
  EXPECT_EQ(l45->attribute("score"), "0.70");
  EXPECT_EQ(l45->attribute("review"), "pending");
  const core::Measurement* l23 = find(ms, "herniation.L2-L3");
  ASSERT_NE(l23, nullptr);
  EXPECT_NE(l23->attribute("side"), "central") << "slices 6-8 lie 6-12 mm off the midline";
  EXPECT_EQ(l23->attribute("type"), "protrusion");
  const core::Measurement* count = find(ms, kCountId);
  ASSERT_NE(count, nullptr);
  EXPECT_EQ(count->value, 2);
  EXPECT_EQ(count->attribute("levels"), "L2-L3, L4-L5") << "cranial to caudal";
  EXPECT_EQ(count->attribute("threshold"), "0.40");
  EXPECT_FALSE(count->edited);
}

TEST(HerniationReview, ARejectedFindingStaysButIsNotCounted) {
  const auto series = drawnSeries();
  std::vector<core::Box> boxes = {aiBox(3, "L4-L5", 0.8, 0.9), aiBox(4, "L4-L5", 0.6, 0.7), aiBox(5, "L4-L5", 0.7, 0.8)};
  for (auto& b : boxes) b.review = "rejected";
  const auto ms = herniationMeasurements(*series, annotated(boxes));
  ASSERT_NE(find(ms, "herniation.L4-L5"), nullptr);
  EXPECT_EQ(find(ms, "herniation.L4-L5")->attribute("review"), "rejected");
  EXPECT_EQ(find(ms, kCountId)->value, 0);
  EXPECT_EQ(find(ms, kCountId)->attribute("levels"), "none");
  EXPECT_TRUE(find(ms, kCountId)->edited) << "a verdict is a person's change";
}

TEST(HerniationReview, ADrawnBoxGetsItsLevelFromTheLumbarCorners) {
  const auto series = drawnSeries();
  core::SeriesAnnotations a = annotated({});
  a.landmarkSets[modules::mri_lumbar::kCornerSet] = corners();
  core::Box drawn;
  drawn.slice = 4;
  // Between the L2 body (rows 42-62) and L3 (74-94), behind them.
  drawn.min = Eigen::Vector2d(28, 64);
  drawn.max = Eigen::Vector2d(34, 72);
  drawn.provenance = {"manual", ""};
  drawn.edited = true;
  a.boxes.push_back(drawn);
  const auto ms = herniationMeasurements(*series, a);
  const core::Measurement* m = find(ms, "herniation.L2-L3");
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->attribute("source"), "manual");
  EXPECT_EQ(m->attribute("score"), "drawn");
  EXPECT_TRUE(m->edited);
  EXPECT_EQ(find(ms, kCountId)->value, 1) << "a finding a reader draws is a finding, whatever the rule says";
}

TEST(HerniationReview, BoxesOfOtherModulesAreIgnoredAndAnUnreadSeriesRefused) {
  const auto series = drawnSeries();
  core::Box other = aiBox(4, "L4-L5", 0.9, 0.5);
  other.provenance = {"some-other-module", "1"};
  EXPECT_EQ(find(herniationMeasurements(*series, annotated({other})), kCountId)->value, 0);
  core::SeriesAnnotations unread;
  unread.boxes = {aiBox(4, "L4-L5", 0.9, 0.5)};
  EXPECT_THROW(herniationMeasurements(*series, unread), std::invalid_argument);
}

TEST(HerniationReview, TheDocumentRecomputesAfterEveryBoxCommandAndUndoRestores) {
  core::Document doc;
  doc.addRule(herniationRule());
  doc.attachSeries(drawnSeries());
  core::SeriesAnnotations start = annotated({aiBox(3, "L4-L5", 0.8, 0.9), aiBox(4, "L4-L5", 0.6, 0.7), aiBox(5, "L4-L5", 0.7, 0.8)});
  doc.execute(std::make_unique<core::ApplyFindingsCommand>(kUid, "mri-herniation", start, "Analyse"));
  ASSERT_TRUE(doc.annotations(kUid).measurements.count(kCountId));
  EXPECT_EQ(doc.annotations(kUid).measurements.at(kCountId).value, 1);
  // Reject the finding: one command for its three boxes.
  std::vector<core::Box> rejected = doc.annotations(kUid).boxes;
  for (auto& b : rejected) b.review = "rejected";
  doc.execute(std::make_unique<core::SetBoxesCommand>(kUid, rejected, "Reject L4-L5"));
  EXPECT_EQ(doc.annotations(kUid).measurements.at(kCountId).value, 0);
  EXPECT_EQ(doc.annotations(kUid).measurements.at("herniation.L4-L5").attribute("review"), "rejected");
  // Draw a missed one at L2-L3 (corners give the level).
  std::vector<core::Box> drawn = doc.annotations(kUid).boxes;
  core::Box b;
  b.slice = 4, b.min = Eigen::Vector2d(28, 64), b.max = Eigen::Vector2d(34, 72), b.provenance = {"manual", ""}, b.edited = true;
  drawn.push_back(b);
  doc.execute(std::make_unique<core::SetLandmarkSetCommand>(kUid, modules::mri_lumbar::kCornerSet, corners()));
  doc.execute(std::make_unique<core::SetBoxesCommand>(kUid, drawn, "Draw box"));
  EXPECT_EQ(doc.annotations(kUid).measurements.at(kCountId).value, 1);
  EXPECT_TRUE(doc.annotations(kUid).measurements.count("herniation.L2-L3"));
  doc.undo();
  EXPECT_EQ(doc.annotations(kUid).measurements.at(kCountId).value, 0);
  EXPECT_FALSE(doc.annotations(kUid).measurements.count("herniation.L2-L3"));
  doc.undo();  // the corners
  doc.undo();  // the verdict
  EXPECT_EQ(doc.annotations(kUid).measurements.at(kCountId).value, 1);
  EXPECT_EQ(doc.annotations(kUid).measurements.at("herniation.L4-L5").attribute("review"), "pending");
}

TEST(HerniationMetrics, IouOfBoxes) {
  SliceBox a, b;
  a.min = {0, 0}, a.max = {10, 10};
  b.min = {5, 0}, b.max = {15, 10};
  EXPECT_NEAR(iou(a, b), 50.0 / 150.0, 1e-9);
  EXPECT_NEAR(iou(a, a), 1.0, 1e-9);
  b.min = {20, 20}, b.max = {30, 30};
  EXPECT_EQ(iou(a, b), 0.0);
}

TEST(HerniationMetrics, AveragePrecisionCountsMissesAndFalseAlarms) {
  SliceBox t;
  t.min = {0, 0}, t.max = {10, 10};
  SliceBox hit = t, off = t;
  hit.score = 0.9;
  off.min = {50, 50}, off.max = {60, 60}, off.score = 0.95;
  // Two images, one truth each; image 1 found, image 2 missed: AP 0.5 (recall stops at 0.5, precision 1 there).
  EXPECT_NEAR(averagePrecision({{hit}, {}}, {{t}, {t}}).ap, 0.5, 1e-9);
  // Perfect: 1.
  EXPECT_NEAR(averagePrecision({{hit}, {hit}}, {{t}, {t}}).ap, 1.0, 1e-9);
  // A false alarm scored above both hits: precision 1/2 at recall 0.5, 2/3 at recall 1; interpolated AP = 2/3.
  EXPECT_NEAR(averagePrecision({{off, hit}, {hit}}, {{t}, {t}}).ap, 0.5 * (2.0 / 3.0) + 0.5 * (2.0 / 3.0), 1e-9);
  EXPECT_EQ(averagePrecision({{hit}}, {{}}).ap, 0.0) << "no truth";
}

TEST(HerniationMetrics, DifficultSliversAreNeitherFoundNorMissed) {
  SliceBox t, sliver;
  t.min = {0, 0}, t.max = {10, 10};
  sliver.min = {40, 40}, sliver.max = {41, 41}, sliver.difficult = true;
  SliceBox hit = t, onSliver = sliver, off = t;
  hit.score = 0.9;
  onSliver.min = {39.5, 39}, onSliver.max = {42, 42.5}, onSliver.score = 0.95;  // IoU < 0.5, centre on the sliver
  off.min = {70, 70}, off.max = {80, 80}, off.score = 0.97;
  // Image 2 holds only a sliver: missing it costs nothing, finding it earns nothing, the hit on image 1 gives AP 1.
  EXPECT_NEAR(averagePrecision({{hit}, {}}, {{t}, {sliver}}).ap, 1.0, 1e-9);
  EXPECT_NEAR(averagePrecision({{hit}, {onSliver}}, {{t}, {sliver}}).ap, 1.0, 1e-9);
  // A detection far from the sliver is still a false alarm (scored first: precision 1/2 at recall 1).
  EXPECT_NEAR(averagePrecision({{hit}, {off}}, {{t}, {sliver}}).ap, 0.5, 1e-9);
  EXPECT_EQ(averagePrecision({{onSliver}}, {{sliver}}).ap, 0.0) << "only slivers: no positives";
}

TEST(HerniationMetrics, LevelsBeyondTheReadSlicesAreLeftOut) {
  const auto box = [](int slice, const std::string& level, bool difficult = false) {
    SliceBox b;
    b.slice = slice, b.level = level, b.difficult = difficult;
    b.min = {0, 0}, b.max = {5, 5};
    return b;
  };
  std::map<int, std::vector<SliceBox>> truth;
  for (int s : {4, 5, 6, 7}) truth[s].push_back(box(s, "L4-L5"));  // central: 4 of the read slices 5..9 -> 3
  for (int s : {1, 2, 3, 4, 5}) truth[s].push_back(box(s, "L3-L4"));  // lateral: only slice 5 is read
  for (int s : {7, 8}) truth[s].push_back(box(s, "L5-S1"));
  truth[9].push_back(box(9, "L5-S1", true));  // 2 clear slices + a sliver: beyond a 3-slice rule
  const WindowTruth w = levelsInWindow(truth, {5, 6, 7, 8, 9}, {"L4-L5", "L3-L4", "L5-S1", "L4-L5"}, 3);
  EXPECT_EQ(w.visible, (std::vector<std::string>{"L4-L5"}));
  EXPECT_EQ(w.beyond, (std::vector<std::string>{"L3-L4", "L5-S1"}));
  EXPECT_EQ(levelsInWindow(truth, {5, 6, 7, 8, 9}, {"L5-S1"}, 2).visible, (std::vector<std::string>{"L5-S1"}));
  // Left-out levels count neither way; the others as usual.
  LevelCounts c;
  c.add({"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"}, w.visible, {"L4-L5", "L3-L4", "L1-L2"}, w.beyond);
  EXPECT_EQ(c.tp, 1);
  EXPECT_EQ(c.fp, 1);
  EXPECT_EQ(c.tn, 1);
  EXPECT_EQ(c.fn, 0);
}

TEST(HerniationMetrics, LevelCountsPerDisc) {
  LevelCounts c;
  const std::vector<std::string> levels = {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"};
  c.add(levels, {"L4-L5"}, {"L4-L5", "L1-L2"});  // tp 1, fp 1, tn 3
  c.add(levels, {"L5-S1"}, {});                  // fn 1, tn 4
  EXPECT_EQ(c.tp, 1);
  EXPECT_EQ(c.fn, 1);
  EXPECT_EQ(c.fp, 1);
  EXPECT_EQ(c.tn, 7);
  EXPECT_NEAR(c.sensitivity(), 0.5, 1e-12);
  EXPECT_NEAR(c.specificity(), 7.0 / 8.0, 1e-12);
  EXPECT_NEAR(c.fpr(), 1.0 / 8.0, 1e-12);
}
