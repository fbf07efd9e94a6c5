// Label-map editing keeps only the changed block in the undo history, and a session restore adds saved annotations
// without touching what the window already holds.
#include "openrad/core/Commands.h"

#include <gtest/gtest.h>

using namespace openrad::core;

namespace {

std::shared_ptr<Image> labelVolume(PixelType type = PixelType::UInt8) {
  Geometry g;
  g.size = {64, 64, 40};
  auto image = std::make_shared<Image>(g, type);
  for (std::int64_t k = 10; k < 20; ++k)
    for (std::int64_t j = 10; j < 20; ++j)
      for (std::int64_t i = 10; i < 20; ++i) image->setValue(i, j, k, 1);
  return image;
}

Document documentWithMap(std::shared_ptr<const Image> labels) {
  Document doc;
  LabelMap map;
  map.labels = std::move(labels);
  map.table = {{1, "lesion", {255, 0, 0}}, {2, "edema", {0, 255, 0}}};
  doc.execute(std::make_unique<SetLabelMapCommand>("S", "seg", map));
  return doc;
}

}  // namespace

TEST(PaintLabels, KeepsOnlyTheBlockAndUndoRestoresEveryVoxel) {
  const auto original = labelVolume();
  Document doc = documentWithMap(original);
  VoxelBlock block;
  block.origin = {30, 31, 5};
  block.size = {4, 3, 2};
  auto paint = std::make_unique<PaintLabelsCommand>("S", "seg", block, std::vector<std::uint16_t>(24, 2), "Brush");
  const PaintLabelsCommand* command = paint.get();
  doc.execute(std::move(paint));
  // 24 voxels before and after, 2 bytes each: nothing near the 164 KB volume is held.
  EXPECT_EQ(command->heldBytes(), 2u * 24u * sizeof(std::uint16_t));
  const LabelMap& painted = doc.annotations("S").labelMaps.at("seg");
  EXPECT_TRUE(painted.edited);
  EXPECT_NE(painted.labels, original) << "the shared image is replaced, not written into";
  EXPECT_EQ(original->value(31, 32, 5), 0) << "holders of the old image keep its content";
  EXPECT_EQ(painted.labels->value(30, 31, 5), 2);
  EXPECT_EQ(painted.labels->value(33, 33, 6), 2);
  EXPECT_EQ(painted.labels->value(34, 33, 6), 0);  // just outside the block
  EXPECT_EQ(painted.labels->value(15, 15, 15), 1);  // untouched elsewhere
  doc.undo();
  const LabelMap& back = doc.annotations("S").labelMaps.at("seg");
  EXPECT_FALSE(back.edited);
  for (std::int64_t k = 0; k < 40; ++k)
    for (std::int64_t j = 0; j < 64; ++j)
      for (std::int64_t i = 0; i < 64; ++i) ASSERT_EQ(back.labels->value(i, j, k), original->value(i, j, k));
  doc.redo();
  EXPECT_EQ(doc.annotations("S").labelMaps.at("seg").labels->value(32, 32, 6), 2);
}

TEST(PaintLabels, FromDifferenceBoundsTheChangedVoxels) {
  const auto before = labelVolume(PixelType::UInt16);
  auto after = before->copy();
  after->setValue(12, 40, 3, 300);  // beyond 8 bits: a 16-bit map keeps it
  after->setValue(15, 15, 15, 0);   // erased
  auto command = PaintLabelsCommand::fromDifference("S", "seg", *before, *after);
  ASSERT_NE(command, nullptr);
  EXPECT_EQ(command->block().origin, (std::array<std::int64_t, 3>{12, 15, 3}));
  EXPECT_EQ(command->block().size, (std::array<std::int64_t, 3>{4, 26, 13}));
  Document doc = documentWithMap(before);
  doc.execute(std::move(command));
  const Image& result = *doc.annotations("S").labelMaps.at("seg").labels;
  EXPECT_EQ(result.value(12, 40, 3), 300);
  EXPECT_EQ(result.value(15, 15, 15), 0);
  EXPECT_EQ(result.value(14, 14, 14), 1);
  EXPECT_EQ(PaintLabelsCommand::fromDifference("S", "seg", *before, *before), nullptr);
  Geometry other;
  other.size = {8, 8, 1};
  EXPECT_THROW(PaintLabelsCommand::fromDifference("S", "seg", *before, Image(other, PixelType::UInt16)),
               std::invalid_argument);
}

TEST(PaintLabels, RefusesWhatDoesNotFitAndChangesNothing) {
  Document doc = documentWithMap(labelVolume());
  const auto image = doc.annotations("S").labelMaps.at("seg").labels;
  VoxelBlock outside;
  outside.origin = {62, 0, 0};
  outside.size = {4, 1, 1};
  EXPECT_THROW(doc.execute(std::make_unique<PaintLabelsCommand>("S", "seg", outside, std::vector<std::uint16_t>(4, 1))),
               std::invalid_argument);
  VoxelBlock one;
  one.size = {1, 1, 1};
  EXPECT_THROW(doc.execute(std::make_unique<PaintLabelsCommand>("S", "seg", one, std::vector<std::uint16_t>{256})),
               std::invalid_argument);  // an 8-bit map cannot hold label 256
  EXPECT_THROW(doc.execute(std::make_unique<PaintLabelsCommand>("S", "missing", one, std::vector<std::uint16_t>{1})),
               std::invalid_argument);
  EXPECT_THROW(PaintLabelsCommand("S", "seg", one, std::vector<std::uint16_t>{1, 2}), std::invalid_argument);
  EXPECT_EQ(doc.annotations("S").labelMaps.at("seg").labels, image);
  EXPECT_EQ(doc.undoText(), "Set label map seg");
}

TEST(DocumentRestore, AddsSavedSeriesKeepsEditedOnesAndTheHistory) {
  Document doc;
  LandmarkSet mine;
  mine.points = {{"A", {1, 1, 0}, 1.0, true}};
  doc.execute(std::make_unique<SetLandmarkSetCommand>("S1", "set", mine));
  SeriesAnnotations savedS1, savedS2;
  savedS1.landmarkSets["set"].points = {{"A", {9, 9, 0}, 1.0, false}};
  savedS2.landmarkSets["other"].points = {{"B", {2, 3, 0}, 1.0, true}};
  std::vector<std::string> heard;
  doc.addObserver([&](const ChangeSet& c) {
    if (c.reset) heard.push_back(c.seriesUid);
  });
  const auto restored = doc.restore({{"S1", savedS1}, {"S2", savedS2}});
  EXPECT_EQ(restored, std::vector<std::string>{"S2"});
  EXPECT_EQ(heard, std::vector<std::string>{"S2"});
  EXPECT_EQ(doc.annotations("S1").landmarkSets.at("set").find("A")->position, Eigen::Vector3d(1, 1, 0))
      << "what the window holds is newer than the disk";
  EXPECT_EQ(doc.annotations("S2").landmarkSets.at("other").find("B")->position, Eigen::Vector3d(2, 3, 0));
  ASSERT_TRUE(doc.canUndo());  // the history stays
  doc.undo();
  EXPECT_TRUE(doc.annotations("S1").empty());
  EXPECT_EQ(doc.annotations("S2").landmarkSets.count("other"), 1u);
}
