// The generic overlay layers every module gets (label maps, boxes, landmarks) and the findings folder of a volume.
#include "openrad/io/Nifti.h"
#include "openrad/report/Overlay.h"
#include "openrad/report/Report.h"

#include "TempDir.h"
#include "TestUtil.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <QPainter>

#include <filesystem>

using namespace openrad;

namespace {

/// 40 × 30 × 5 volume (1 mm), label map value 1 on voxels 10..19 × 8..15 of slice 2, value 2 on 25..29 × 20..24.
struct Fixture {
  std::shared_ptr<core::Series> series = std::make_shared<core::Series>();
  core::SeriesAnnotations annotations;
  Fixture() {
    core::Geometry g;
    g.size = {40, 30, 5};
    series->info.seriesUid = "2.25.9";
    series->info.modality = "MR";
    series->info.seriesNumber = 3;
    auto image = std::make_shared<core::Image>(g, core::PixelType::Int16);
    for (std::int64_t k = 0; k < 5; ++k)
      for (std::int64_t j = 0; j < 30; ++j)
        for (std::int64_t i = 0; i < 40; ++i) image->setValue(i, j, k, 100 + i + j);
    series->image = image;
    auto labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
    for (std::int64_t j = 8; j < 16; ++j)
      for (std::int64_t i = 10; i < 20; ++i) labels->setValue(i, j, 2, 1);
    for (std::int64_t j = 20; j < 25; ++j)
      for (std::int64_t i = 25; i < 30; ++i) labels->setValue(i, j, 2, 2);
    core::LabelMap map;
    map.name = "seg";
    map.labels = labels;
    map.table = {{1, "one", {255, 0, 0}}, {2, "two", {0, 0, 255}}};
    map.provenance = {"mod-a", "1"};
    annotations.labelMaps["seg"] = map;
    annotations.boxes.push_back({"finding", 2, {30, 2}, {36, 6}, 0.8, {"mod-a", "1"}, false});
    core::LandmarkSet set;
    set.name = "pts";
    set.provenance = {"mod-a", "1"};
    set.points.push_back({"p", {5, 25, 2}, 0.9, false});
    annotations.landmarkSets["pts"] = set;
  }
  /// Paints slice `slice` at 10 device pixels per voxel onto black.
  QImage paint(int slice, const report::LabelMapStyle& style = {}, const report::OverlayLayers& layers = {}) const {
    QImage out(400, 300, QImage::Format_RGB32);
    out.fill(Qt::black);
    QPainter p(&out);
    report::OverlayContext c;
    c.series = series.get();
    c.annotations = &annotations;
    c.measurements = &annotations.measurements;
    c.plane.slice = slice;
    c.displayToDevice = QTransform::fromScale(10, 10);
    c.labelStyle = style;
    report::paintOverlays(p, c, layers);
    p.end();
    return out;
  }
};

class ClaimsPts : public report::OverlayLayer {
public:
  std::set<std::string> drawsLandmarkSets(const core::SeriesAnnotations&) const override { return {"pts"}; }
  void paint(QPainter&, const report::OverlayContext&) const override {}
};

}  // namespace

TEST(OverlayLayers, LabelMapsInTheirTableColoursOnTheirSliceOnly) {
  report::ensureGuiApplication();
  const Fixture f;
  const QImage on = f.paint(2);
  const QColor one = on.pixelColor(150, 120), two = on.pixelColor(275, 225);  // centres of the two regions
  EXPECT_GT(one.red(), 60);
  EXPECT_LT(one.blue(), 20);
  EXPECT_GT(two.blue(), 60);
  EXPECT_LT(two.red(), 20);
  EXPECT_EQ(on.pixelColor(50, 50), QColor(Qt::black)) << "no label there";
  const QImage off = f.paint(1);
  EXPECT_EQ(off.pixelColor(150, 120), QColor(Qt::black)) << "the label map lies on slice 2 only";
}

TEST(OverlayLayers, HiddenLabelsOutlineOnlyAndOpacity) {
  report::ensureGuiApplication();
  const Fixture f;
  report::LabelMapStyle hidden;
  hidden.hiddenLabels.insert({"seg", 1});
  const QImage a = f.paint(2, hidden);
  EXPECT_EQ(a.pixelColor(150, 120), QColor(Qt::black));
  EXPECT_GT(a.pixelColor(275, 225).blue(), 60);
  report::LabelMapStyle outline;
  outline.fill = false;
  const QImage b = f.paint(2, outline);
  EXPECT_EQ(b.pixelColor(150, 120), QColor(Qt::black)) << "no fill inside";
  EXPECT_EQ(b.pixelColor(105, 120).red(), 255) << "an opaque border on the region's first column";
  report::LabelMapStyle strong;
  strong.opacity = 0.9;
  EXPECT_GT(f.paint(2, strong).pixelColor(150, 120).red(), f.paint(2).pixelColor(150, 120).red());
}

TEST(OverlayLayers, BoxAndLandmarkDrawnAndHitTested) {
  report::ensureGuiApplication();
  const Fixture f;
  const QImage img = f.paint(2);
  // Box outline from x = 300 to 370 (voxel 30 − 0.5 .. 36 + 0.5, centres at + 0.5): left edge green, inside black.
  EXPECT_GT(img.pixelColor(300, 45).green(), 120);
  EXPECT_EQ(img.pixelColor(335, 45), QColor(Qt::black));
  // The landmark handle at (5, 25) → device (55, 255).
  EXPECT_NE(img.pixelColor(55, 255), QColor(Qt::black));
  report::OverlayContext c;
  c.series = f.series.get();
  c.annotations = &f.annotations;
  c.plane.slice = 2;
  c.displayToDevice = QTransform::fromScale(10, 10);
  EXPECT_EQ(report::landmarkAt(c, {57, 253}, 9), std::make_pair(std::string("pts"), 0));
  EXPECT_EQ(report::landmarkAt(c, {120, 120}, 9).second, -1);
  EXPECT_EQ(report::boxAt(c, {330, 45}, 3), 0);
  c.plane.slice = 3;
  EXPECT_EQ(report::boxAt(c, {330, 45}, 3), -1) << "the box lies on slice 2";
  EXPECT_EQ(report::landmarkAt(c, {57, 253}, 9).second, -1) << "the landmark lies on slice 2";
  // A module layer that draws the set itself: the generic handle is left out.
  const QImage claimed = f.paint(2, {}, {std::make_shared<ClaimsPts>()});
  EXPECT_EQ(claimed.pixelColor(55, 255), QColor(Qt::black));
}

TEST(FindingsFolder, VolumeKeyImageOnTheLabelledSliceAndNiftiBeside) {
  report::ensureGuiApplication();
  const Fixture f;
  test::TempDir dir("findings-volume");
  report::ReportInput in;
  in.patient.id = "P-1";
  in.study.studyUid = "2.25.1";
  in.series.push_back({f.series, f.annotations});
  in.modelNotes["mod-a"] = "mod-a 1: test";
  const auto section = report::defaultSection(in, "mod-a");
  ASSERT_EQ(section.keyImages.size(), 1u);
  EXPECT_EQ(section.keyImages[0].plane.slice, 2) << "the slice with the module's findings";
  const auto files = report::writeFindingsFolder(in, dir.path().string(), {});
  const auto j = nlohmann::json::parse(test::readFile((dir.path() / "findings.json").string()));
  const std::string nifti = j["modules"]["mod-a"]["series"][0]["labelMaps"][0]["file"];
  EXPECT_EQ(nifti, "labels_S3_seg.nii.gz");
  const auto labels = io::readNifti((dir.path() / nifti).string());
  EXPECT_EQ(labels->value(12, 10, 2), 1);
  EXPECT_EQ(labels->value(26, 21, 2), 2);
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "report.pdf"));
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "overlay.png"));
  EXPECT_EQ(j["modules"]["mod-a"]["series"][0]["boxes"][0]["label"], "finding");
  // No temporary file is left behind.
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    EXPECT_EQ(e.path().filename().string().find(".tmp"), std::string::npos) << e.path();
}
