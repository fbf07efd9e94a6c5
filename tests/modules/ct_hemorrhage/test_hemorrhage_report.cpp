// ct-hemorrhage in reports and viewers: the section's key slice and tables come from the rule's measurements, hand
// corrections and the model are noted, and the overlay layer adds the lesion badges and the legend to the key image.
#include "HemorrhageOverlay.h"
#include "HemorrhageSection.h"

#include "openrad/core/Format.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"
#include "openrad/phantom/HeadCt.h"

#include <QImage>

#include <gtest/gtest.h>

#include <algorithm>

namespace {

using namespace openrad;
using namespace openrad::modules::ct_hemorrhage;

report::ReportInput reportOf(const phantom::HeadCtCase& c, bool edited) {
  auto series = std::make_shared<core::Series>();
  series->info.seriesUid = "1.2.3.4";
  series->info.modality = "CT";
  series->image = c.ct;
  report::ReportSeries s;
  s.series = series;
  core::LabelMap map;
  map.name = kLabelMap;
  map.labels = c.labels;
  map.table = hemorrhageLabelTable();
  map.provenance = {kModuleId, "0.0.1"};
  map.edited = edited;
  s.annotations.labelMaps[kLabelMap] = map;
  for (auto& m : hemorrhageMeasurements(*c.labels, *series, map.provenance)) {
    m.edited = edited;
    s.annotations.measurements[m.id] = m;
  }
  report::ReportInput in;
  in.series.push_back(s);
  in.modelNotes[kModuleId] = "ct-hemorrhage 0.0.1, trained on head-ct phantoms only";
  return in;
}

const phantom::HeadCtCase& phantomCase() {
  static const phantom::HeadCtCase c = phantom::renderHeadCt(phantom::sampleHeadCtPatient(31, 1).studies[0]);
  return c;
}

TEST(HemorrhageReport, SectionShowsTheMeasuredSliceVolumesLesionsAndAbc) {
  const phantom::HeadCtCase& c = phantomCase();
  const report::ReportInput in = reportOf(c, false);
  const auto& a = in.series[0].annotations;
  const report::SectionContent s = hemorrhageSection(in, kModuleId);
  ASSERT_EQ(s.keyImages.size(), 2u) << "the largest lesion's slice and the midline-shift slice";
  EXPECT_EQ(s.keyImages[0].plane.slice + 1,
            std::stoi(a.measurements.at("hemorrhage.lesion.1.abc2_ml").attribute("slice")));
  EXPECT_EQ(s.keyImages[1].plane.slice + 1,
            std::stoi(a.measurements.at("hemorrhage.midline_shift_mm").attribute("slice")));
  ASSERT_EQ(s.tables.size(), 3u);
  EXPECT_EQ(s.tables[0].title, "Volumes");
  EXPECT_EQ(s.tables[0].rows[0][1], core::fixed(a.measurements.at("hemorrhage.hematoma_ml").value, 1) + " mL");
  const auto lesions = static_cast<std::size_t>(a.measurements.at("hemorrhage.lesion_count").value);
  EXPECT_EQ(s.tables[1].rows.size(), lesions);
  EXPECT_EQ(s.tables[2].rows.size(), lesions + 1) << "one row per lesion and the total";
  EXPECT_EQ(s.tables[2].rows.back()[0], "all");
  const auto has = [&](const std::string& text) {
    return std::any_of(s.notes.begin(), s.notes.end(),
                       [&](const std::string& n) { return n.find(text) != std::string::npos; });
  };
  EXPECT_TRUE(has("Model: ct-hemorrhage 0.0.1"));
  EXPECT_TRUE(has("Lesion 1: "));
  EXPECT_TRUE(has("head frame from the skull"));
  EXPECT_FALSE(has("corrected by hand"));
  const report::SectionContent edited = hemorrhageSection(reportOf(c, true), kModuleId);
  EXPECT_TRUE(std::any_of(edited.notes.begin(), edited.notes.end(),
                          [](const std::string& n) { return n.find("corrected by hand") != std::string::npos; }));
  EXPECT_EQ(edited.tables[0].highlight[0], true);
  // Another module's label map is not this section's.
  EXPECT_TRUE(hemorrhageSection(in, "another-module").keyImages.empty());
}

TEST(HemorrhageReport, TheLayerAddsBadgesAndLegendToTheKeyImage) {
  report::startOffscreenApplication();
  const phantom::HeadCtCase& c = phantomCase();
  const report::ReportInput in = reportOf(c, false);
  const report::KeyImage key = hemorrhageSection(in, kModuleId).keyImages.at(0);
  const QImage plain = report::renderKeyImage(in, key, {}, 512);
  const QImage layered = report::renderKeyImage(in, key, {std::make_shared<HemorrhageLayer>()}, 512);
  ASSERT_EQ(plain.size(), layered.size());
  int changed = 0;
  for (int y = 0; y < plain.height(); ++y)
    for (int x = 0; x < plain.width(); ++x) changed += plain.pixel(x, y) != layered.pixel(x, y);
  EXPECT_GT(changed, 200) << "badges and legend are drawn";
  // A slice without labels gets neither.
  report::KeyImage empty = key;
  empty.plane.slice = 0;
  const auto* L = c.labels->as<std::uint8_t>();
  const std::int64_t plane = c.labels->geometry().size[0] * c.labels->geometry().size[1];
  ASSERT_TRUE(std::all_of(L, L + plane, [](std::uint8_t v) { return v == 0; }))
      << "slice 1 of the phantom is unlabelled";
  EXPECT_EQ(report::renderKeyImage(in, empty, {}, 512),
            report::renderKeyImage(in, empty, {std::make_shared<HemorrhageLayer>()}, 512));
}

TEST(HemorrhageReport, TheMidlineShiftSliceShowsTheFalxLineAndTheSeptum) {
  report::startOffscreenApplication();
  const phantom::HeadCtCase& c = phantomCase();
  const report::ReportInput in = reportOf(c, false);
  const report::KeyImage key = hemorrhageSection(in, kModuleId).keyImages.at(1);
  const QImage layered = report::renderKeyImage(in, key, {std::make_shared<HemorrhageLayer>()}, 512);
  // The construction is drawn in cyan (80, 220, 255), a colour neither the CT nor the label fills have.
  int cyan = 0;
  for (int y = 0; y < layered.height(); ++y)
    for (int x = 0; x < layered.width(); ++x) {
      const QColor p = layered.pixelColor(x, y);
      cyan += p.red() < 140 && p.green() > 180 && p.blue() > 220;
    }
  EXPECT_GT(cyan, 150) << "the falx line, the septum and its perpendicular";
}

}  // namespace
