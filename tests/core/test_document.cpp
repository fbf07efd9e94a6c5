#include "openrad/core/Commands.h"

#include <gtest/gtest.h>

using namespace openrad::core;

namespace {
LandmarkSet twoPoints() {
  LandmarkSet s;
  s.points = {{"A", {1, 2, 0}, 0.9, false}, {"B", {3, 4, 0}, 0.4, false}};
  return s;
}
}  // namespace

TEST(Document, UndoRedoRestoresLandmarkAndEditedFlag) {
  Document doc;
  doc.execute(std::make_unique<SetLandmarkSetCommand>("S", "set", twoPoints()));
  doc.execute(std::make_unique<MoveLandmarkCommand>("S", "set", "A", Eigen::Vector3d(1, 2, 0), Eigen::Vector3d(7, 8, 0)));
  EXPECT_EQ(doc.annotations("S").landmarkSets.at("set").find("A")->position, Eigen::Vector3d(7, 8, 0));
  EXPECT_TRUE(doc.annotations("S").landmarkSets.at("set").find("A")->edited);
  EXPECT_EQ(doc.undoText(), "Move A");
  doc.undo();
  EXPECT_EQ(doc.annotations("S").landmarkSets.at("set").find("A")->position, Eigen::Vector3d(1, 2, 0));
  EXPECT_FALSE(doc.annotations("S").landmarkSets.at("set").find("A")->edited);
  doc.redo();
  EXPECT_EQ(doc.annotations("S").landmarkSets.at("set").find("A")->position, Eigen::Vector3d(7, 8, 0));
  doc.undo();
  doc.undo();
  EXPECT_TRUE(doc.annotations("S").landmarkSets.empty());
  EXPECT_FALSE(doc.canUndo());
  doc.undo();  // no-op, no crash
  EXPECT_TRUE(doc.canRedo());
}

TEST(Document, NewCommandDropsRedoTail) {
  Document doc;
  doc.execute(std::make_unique<SetLandmarkSetCommand>("S", "set", twoPoints()));
  doc.execute(std::make_unique<MoveLandmarkCommand>("S", "set", "A", Eigen::Vector3d(1, 2, 0), Eigen::Vector3d(5, 5, 0)));
  doc.undo();
  doc.execute(std::make_unique<MoveLandmarkCommand>("S", "set", "B", Eigen::Vector3d(3, 4, 0), Eigen::Vector3d(0, 0, 0)));
  EXPECT_FALSE(doc.canRedo());
  EXPECT_EQ(doc.commandCount(), 2u);
}

TEST(Document, ObserversNotifiedOncePerCommandWithWhatChanged) {
  Document doc;
  std::vector<ChangeSet> seen;
  const int h = doc.addObserver([&](const ChangeSet& c) { seen.push_back(c); });
  doc.execute(std::make_unique<SetLandmarkSetCommand>("S", "set", twoPoints()));
  doc.execute(std::make_unique<MoveLandmarkCommand>("S", "set", "B", Eigen::Vector3d(3, 4, 0), Eigen::Vector3d(1, 1, 0)));
  doc.undo();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_TRUE(seen[0].landmarkSets);
  EXPECT_EQ(seen[1].landmarks, std::set<std::string>{"set/B"});
  EXPECT_EQ(seen[2].commandText, "Undo Move B");
  doc.removeObserver(h);
  doc.redo();
  EXPECT_EQ(seen.size(), 3u);
}

namespace {
/// A series on which rules can run (2D, 10 x 10).
std::shared_ptr<const Series> series(const std::string& uid) {
  auto s = std::make_shared<Series>();
  s->info.seriesUid = uid;
  Geometry g;
  g.size = {10, 10, 1};
  s->image = std::make_shared<Image>(g, PixelType::UInt8);
  return s;
}

/// Distance A-B of landmark set "set", owned prefix "dist".
MeasurementRule distanceRule() {
  MeasurementRule r;
  r.id = "test/dist";
  r.landmarkSets = {"set"};
  r.outputPrefixes = {"dist"};
  r.compute = [](const Series&, const SeriesAnnotations& a) {
    if (!a.landmarkSets.count("set")) throw std::invalid_argument("no set");
    const auto& set = a.landmarkSets.at("set");
    const auto* A = set.find("A");
    const auto* B = set.find("B");
    if (!A || !B) throw std::invalid_argument("incomplete");
    Measurement m;
    m.id = "dist";
    m.value = (A->position - B->position).norm();
    m.inputs = {"A", "B"};
    return std::vector<Measurement>{m};
  };
  return r;
}
}  // namespace

TEST(Document, RulesRunBeforeObserversAndMarkEditedFromInputs) {
  Document doc;
  doc.attachSeries(series("S"));
  doc.addRule(distanceRule());
  double observed = -1;
  doc.addObserver([&](const ChangeSet& c) {
    ASSERT_TRUE(c.measurements);
    observed = doc.annotations("S").measurements.at("dist").value;
  });
  doc.execute(std::make_unique<SetLandmarkSetCommand>("S", "set", twoPoints()));
  EXPECT_NEAR(observed, std::sqrt(8.0), 1e-12);
  EXPECT_FALSE(doc.annotations("S").measurements.at("dist").edited);
  doc.execute(std::make_unique<MoveLandmarkCommand>("S", "set", "A", Eigen::Vector3d(1, 2, 0), Eigen::Vector3d(3, 10, 0)));
  EXPECT_NEAR(observed, 6.0, 1e-12);
  EXPECT_TRUE(doc.annotations("S").measurements.at("dist").edited);
  doc.undo();
  EXPECT_NEAR(observed, std::sqrt(8.0), 1e-12);
  EXPECT_FALSE(doc.annotations("S").measurements.at("dist").edited);
}

TEST(Document, RuleSkipsUnrelatedSetsAndUnattachedSeries) {
  Document doc;
  doc.addRule(distanceRule());
  doc.execute(std::make_unique<SetLandmarkSetCommand>("S", "set", twoPoints()));
  EXPECT_TRUE(doc.annotations("S").measurements.empty());  // S not attached: no geometry, no measurement
  doc.attachSeries(series("T"));
  doc.execute(std::make_unique<SetLandmarkSetCommand>("T", "other", twoPoints()));
  EXPECT_TRUE(doc.annotations("T").measurements.empty());  // the rule does not read "other"
}

TEST(Document, PreviewRunsRulesOnACopy) {
  Document doc;
  doc.attachSeries(series("S"));
  doc.addRule(distanceRule());
  doc.execute(std::make_unique<SetLandmarkSetCommand>("S", "set", twoPoints()));
  SeriesAnnotations copy = doc.annotations("S");
  copy.landmarkSets.at("set").find("B")->position = {1, 2, 0};
  copy.landmarkSets.at("set").find("B")->edited = true;
  ChangeSet c;
  c.landmarks.insert("set/B");
  const auto preview = doc.preview("S", copy, c);
  EXPECT_NEAR(preview.at("dist").value, 0.0, 1e-12);
  EXPECT_TRUE(preview.at("dist").edited);
  EXPECT_NEAR(doc.annotations("S").measurements.at("dist").value, std::sqrt(8.0), 1e-12);
}

TEST(Document, ApplyFindingsReplacesOnlyThatModulesOutput) {
  Document doc;
  LandmarkSet manual = twoPoints();
  doc.execute(std::make_unique<SetLandmarkSetCommand>("S", "mine", manual));
  SeriesAnnotations first;
  LandmarkSet ai = twoPoints();
  ai.provenance = {"modA", "1"};
  first.landmarkSets["ai"] = ai;
  Box box;
  box.label = "old";
  box.provenance = {"modA", "1"};
  first.boxes.push_back(box);
  first.warnings["modA"] = {"w1"};
  doc.execute(std::make_unique<ApplyFindingsCommand>("S", "modA", first, "Analyse A"));
  SeriesAnnotations other;
  Box otherBox;
  otherBox.label = "B's";
  otherBox.provenance = {"modB", "1"};
  other.boxes.push_back(otherBox);
  doc.execute(std::make_unique<ApplyFindingsCommand>("S", "modB", other, "Analyse B"));
  SeriesAnnotations second;
  Box newBox;
  newBox.label = "new";
  newBox.provenance = {"modA", "2"};
  second.boxes.push_back(newBox);
  doc.execute(std::make_unique<ApplyFindingsCommand>("S", "modA", second, "Analyse A again"));
  const auto& a = doc.annotations("S");
  EXPECT_TRUE(a.landmarkSets.count("mine"));  // hand-made stays
  EXPECT_FALSE(a.landmarkSets.count("ai"));   // modA's old output is gone
  ASSERT_EQ(a.boxes.size(), 2u);              // modB's box and modA's new one
  EXPECT_EQ(a.boxes[0].label, "B's");
  EXPECT_EQ(a.boxes[1].label, "new");
  EXPECT_FALSE(a.warnings.count("modA"));
  EXPECT_EQ(a.sources(), (std::vector<std::string>{"modA", "modB"}));
  doc.undo();
  EXPECT_TRUE(doc.annotations("S").landmarkSets.count("ai"));
  EXPECT_EQ(doc.annotations("S").warnings.at("modA"), std::vector<std::string>{"w1"});
}

TEST(Document, GroupIsOneUndoStepAndRollsBackWhenAPartFails) {
  Document doc;
  std::vector<std::unique_ptr<Command>> group;
  group.push_back(std::make_unique<SetLandmarkSetCommand>("S1", "set", twoPoints()));
  group.push_back(std::make_unique<SetLandmarkSetCommand>("S2", "set", twoPoints()));
  int notified = 0;
  doc.addObserver([&](const ChangeSet&) { ++notified; });
  doc.execute(std::move(group), "Analyse pair");
  EXPECT_EQ(notified, 2);
  EXPECT_EQ(doc.undoText(), "Analyse pair");
  EXPECT_EQ(doc.commandCount(), 1u);
  doc.undo();
  EXPECT_TRUE(doc.annotations("S1").landmarkSets.empty());
  EXPECT_TRUE(doc.annotations("S2").landmarkSets.empty());

  std::vector<std::unique_ptr<Command>> bad;
  bad.push_back(std::make_unique<SetLandmarkSetCommand>("S1", "set", twoPoints()));
  bad.push_back(std::make_unique<MoveLandmarkCommand>("S1", "nope", "A", Eigen::Vector3d::Zero(), Eigen::Vector3d::Ones()));
  EXPECT_THROW(doc.execute(std::move(bad), "bad"), std::out_of_range);
  EXPECT_TRUE(doc.annotations("S1").landmarkSets.empty());  // the first part was rolled back
  EXPECT_EQ(doc.undoText(), "");
}

TEST(Document, BoxCommandsAddMoveDeleteWithUndo) {
  Document doc;
  Box b;
  b.label = "herniation";
  b.min = {1, 1};
  b.max = {4, 4};
  doc.execute(std::make_unique<SetBoxCommand>("S", 0, b));
  Box moved = b;
  moved.min += Eigen::Vector2d(2, 0);
  moved.max += Eigen::Vector2d(2, 0);
  moved.edited = true;
  doc.execute(std::make_unique<SetBoxCommand>("S", 0, moved));
  EXPECT_DOUBLE_EQ(doc.annotations("S").boxes.at(0).min.x(), 3.0);
  doc.execute(std::make_unique<SetBoxCommand>("S", 0, std::nullopt));
  EXPECT_TRUE(doc.annotations("S").boxes.empty());
  doc.undo();
  EXPECT_DOUBLE_EQ(doc.annotations("S").boxes.at(0).min.x(), 3.0);
  doc.undo();
  EXPECT_DOUBLE_EQ(doc.annotations("S").boxes.at(0).min.x(), 1.0);
  EXPECT_THROW(doc.execute(std::make_unique<SetBoxCommand>("S", 5, std::nullopt)), std::out_of_range);
}

TEST(Document, MovingUnknownLandmarkThrowsAndLeavesStackUntouched) {
  Document doc;
  EXPECT_THROW(doc.execute(std::make_unique<MoveLandmarkCommand>("S", "none", "A", Eigen::Vector3d::Zero(),
                                                                 Eigen::Vector3d::Ones())),
               std::out_of_range);
  EXPECT_FALSE(doc.canUndo());
}
