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

TEST(Document, DerivedUpdaterRunsBeforeObservers) {
  Document doc;
  doc.setDerivedUpdater([](const std::string&, SeriesAnnotations& a, ChangeSet& c) {
    auto it = a.landmarkSets.find("set");
    if (it == a.landmarkSets.end()) return a.measurements.clear();
    const auto* A = it->second.find("A");
    const auto* B = it->second.find("B");
    a.measurements["dist"] = {"dist", "A-B", (A->position - B->position).norm(), "px", {"A", "B"}, {}, A->edited || B->edited};
    c.measurements = true;
  });
  double observed = -1;
  doc.addObserver([&](const ChangeSet& c) {
    ASSERT_TRUE(c.measurements);
    observed = doc.annotations("S").measurements.at("dist").value;
  });
  doc.execute(std::make_unique<SetLandmarkSetCommand>("S", "set", twoPoints()));
  EXPECT_NEAR(observed, std::sqrt(8.0), 1e-12);
  doc.execute(std::make_unique<MoveLandmarkCommand>("S", "set", "A", Eigen::Vector3d(1, 2, 0), Eigen::Vector3d(3, 10, 0)));
  EXPECT_NEAR(observed, 6.0, 1e-12);
  EXPECT_TRUE(doc.annotations("S").measurements.at("dist").edited);
  doc.undo();
  EXPECT_NEAR(observed, std::sqrt(8.0), 1e-12);
}

TEST(Document, MovingUnknownLandmarkThrowsAndLeavesStackUntouched) {
  Document doc;
  EXPECT_THROW(doc.execute(std::make_unique<MoveLandmarkCommand>("S", "none", "A", Eigen::Vector3d::Zero(),
                                                                 Eigen::Vector3d::Ones())),
               std::out_of_range);
  EXPECT_FALSE(doc.canUndo());
}
