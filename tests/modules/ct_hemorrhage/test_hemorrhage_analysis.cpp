// ct-hemorrhage without the network: the skull survey and head frame on phantoms, the measurement rule on the phantom's
// own label map (its volumes are the ground truth's) and in the Document (a painted map re-measures itself, marked
// edited), the scores eval reports on known inputs, the dataset reader's errors.
#include "openrad/core/Commands.h"
#include "openrad/core/Document.h"
#include "openrad/io/IoError.h"
#include "openrad/io/Loader.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageDataset.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageMetrics.h"
#include "openrad/phantom/HeadCt.h"

#include "Requires.h"
#include "TempDir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

namespace {

using namespace openrad;
using namespace openrad::modules::ct_hemorrhage;

std::shared_ptr<core::Series> ctSeries(std::shared_ptr<const core::Image> image) {
  auto s = std::make_shared<core::Series>();
  s->info.seriesUid = "1.2.3.4";
  s->info.modality = "CT";
  s->image = std::move(image);
  return s;
}

const core::Measurement& at(const std::vector<core::Measurement>& ms, const std::string& id) {
  for (const auto& m : ms)
    if (m.id == id) return m;
  throw std::out_of_range("no measurement " + id);
}

TEST(HemorrhageHead, TheSkullGivesTheHeadFrameOfThePhantoms) {
  // The phantom places its head frame at the scanner's origin, moved by shiftMm (and turned by a few degrees).
  for (std::uint64_t p = 0; p < 4; ++p) {
    const phantom::HeadCtParams params = phantom::sampleHeadCtPatient(57, p).studies[0];
    const phantom::HeadCtCase c = phantom::renderHeadCt(params);
    const HeadSurvey s = surveyHead(*c.ct);
    EXPECT_GE(s.ringSlices * 2, s.slicesExamined) << "patient " << p << ": most slices show the skull";
    EXPECT_GT(s.ringRadiusMm, 55) << "patient " << p;
    EXPECT_LT(s.tissueExtentMm, 220) << "patient " << p;
    EXPECT_NEAR(s.centre.x(), params.shiftMm.x(), 4.0) << "patient " << p << ": the midsagittal plane";
    EXPECT_NEAR(s.centre.z(), params.shiftMm.z(), 15.0) << "patient " << p << ": the widest section near the origin";
    EXPECT_EQ(unsuitableHeadCt(*ctSeries(c.ct)), "") << "patient " << p;
  }
}

TEST(HemorrhageHead, RealBodyCtsAreNotHeads) {
  const std::string dir = std::string(OPENRAD_SHARED_DATA_DIR) + "/ct-real/totalsegmentator";
  OPENRAD_REQUIRE(std::filesystem::is_directory(dir), "../shared/data/ct-real/totalsegmentator not present");
  // 20 slices of an abdomen at 0.98 mm, and the whole T10-pelvis volume resampled to 3 mm.
  for (const auto& [file, reason] :
       {std::pair<std::string, std::string>{"example_ct_dicom", "not a head"}, {"example_ct.nii.gz", "too coarse"}}) {
    const auto series = io::loadPath(dir + "/" + file).allSeries();
    ASSERT_FALSE(series.empty()) << file;
    const std::string why = unsuitableHeadCt(*series.front());
    EXPECT_NE(why.find(reason), std::string::npos) << file << ": " << why;
  }
}

TEST(HemorrhageRule, ThePhantomsOwnLabelsMeasureItsGroundTruth) {
  int sided = 0;
  for (std::uint64_t p = 0; p < 4; ++p) {
    const phantom::HeadCtParams params = phantom::sampleHeadCtPatient(57, p).studies[0];
    const phantom::HeadCtCase c = phantom::renderHeadCt(params);
    const auto series = ctSeries(c.ct);
    const auto ms = hemorrhageMeasurements(*c.labels, *series, {kModuleId, "test"});
    EXPECT_NEAR(at(ms, "hemorrhage.hematoma_ml").value, c.hematomaMl, 1e-9);
    EXPECT_NEAR(at(ms, "hemorrhage.edema_ml").value, c.edemaMl, 1e-9);
    EXPECT_NEAR(at(ms, "hemorrhage.extra_axial_ml").value, c.extraAxialMl, 1e-9);
    EXPECT_NEAR(at(ms, "hemorrhage.relative_edema").value, c.edemaMl / c.hematomaMl, 1e-9);
    int truthLesions = 0;
    for (const auto& l : c.lesions) truthLesions += l.volumeMl >= 0.1;
    ASSERT_EQ(static_cast<int>(at(ms, "hemorrhage.lesion_count").value), truthLesions) << "patient " << p;
    ASSERT_GE(truthLesions, 1);
    const core::Measurement& first = at(ms, "hemorrhage.lesion.1.volume_ml");
    EXPECT_NEAR(first.value, c.lesions.front().volumeMl, 1e-9);
    EXPECT_NEAR(at(ms, "hemorrhage.lesion.1.mean_hu").value, c.lesions.front().meanHu, 0.5);
    EXPECT_EQ(first.attribute("compartment"), "supratentorial") << first.attribute("how");
    EXPECT_FALSE(first.attribute("how").empty());
    // The phantom's hematomas are drawn left or right of the midline by their centre's head x.
    if (params.hematomas.size() == 1) {
      EXPECT_EQ(first.attribute("side"), params.hematomas[0].centre.x() >= 0 ? "left" : "right")
          << first.attribute("how");
      ++sided;
    }
    // ABC/2 sits next to the segmented volume of the same lesions.
    const double estimate = at(ms, "hemorrhage.abc2.estimate_ml").value,
                 segmented = at(ms, "hemorrhage.abc2.segmented_ml").value;
    EXPECT_NEAR(at(ms, "hemorrhage.abc2.difference_ml").value, estimate - segmented, 1e-9);
    EXPECT_GT(estimate, 0.4 * segmented);
    EXPECT_LT(estimate, 2.5 * segmented);
  }
  EXPECT_GE(sided, 1) << "no single-hematoma patient checked for its side";
}

TEST(HemorrhageRule, APaintedLabelMapMeasuresItselfAndIsMarkedEdited) {
  const phantom::HeadCtCase c = phantom::renderHeadCt(phantom::sampleHeadCtPatient(57, 0).studies[0]);
  const auto series = ctSeries(c.ct);
  core::Document doc;
  doc.addRule(hemorrhageRule());
  doc.attachSeries(series);
  core::SeriesAnnotations findings;
  core::LabelMap map;
  map.name = kLabelMap;
  map.labels = c.labels;
  map.table = hemorrhageLabelTable();
  map.provenance = {kModuleId, "test"};
  findings.labelMaps[kLabelMap] = map;
  doc.execute(std::make_unique<core::ApplyFindingsCommand>(series->info.seriesUid, kModuleId, findings, "AI"));
  const auto before = doc.annotations(series->info.seriesUid).measurements;  // a copy: the next command replaces them
  ASSERT_TRUE(before.count("hemorrhage.hematoma_ml"));
  EXPECT_NEAR(before.at("hemorrhage.hematoma_ml").value, c.hematomaMl, 1e-9);
  EXPECT_FALSE(before.at("hemorrhage.hematoma_ml").edited);
  // Paint a 10 x 10 x 2 voxel hematoma far from the others (the corner of the first slices).
  auto painted = c.labels->copy();
  for (std::int64_t k = 0; k < 2; ++k)
    for (std::int64_t j = 0; j < 10; ++j)
      for (std::int64_t i = 0; i < 10; ++i) painted->setValue(i, j, k, phantom::kCtHematoma);
  doc.execute(core::PaintLabelsCommand::fromDifference(series->info.seriesUid, kLabelMap, *c.labels, *painted));
  const auto& after = doc.annotations(series->info.seriesUid).measurements;
  const auto& g = c.labels->geometry();
  EXPECT_NEAR(after.at("hemorrhage.hematoma_ml").value, c.hematomaMl + 200 * g.spacing.prod() / 1000.0, 1e-9);
  EXPECT_TRUE(after.at("hemorrhage.hematoma_ml").edited);
  EXPECT_EQ(after.at("hemorrhage.lesion_count").value, before.at("hemorrhage.lesion_count").value + 1)
      << "the painted block is one more lesion (200 voxels of 0.9 x 0.9 x 5 mm = 0.81 mL)";
}

TEST(HemorrhageScores, DiceAndAgreementOnKnownInputs) {
  core::Geometry g;
  g.size = {4, 1, 1};
  core::Image a(g, core::PixelType::UInt8), b(g, core::PixelType::UInt8);
  a.setValue(0, 0, 0, 1), a.setValue(1, 0, 0, 1);
  b.setValue(1, 0, 0, 1), b.setValue(2, 0, 0, 1), b.setValue(3, 0, 0, 2);
  EXPECT_DOUBLE_EQ(dice(a, a, 1), 1.0) << "a perfect prediction";
  EXPECT_DOUBLE_EQ(dice(a, b, 1), 0.5);
  EXPECT_DOUBLE_EQ(dice(a, b, 2), 0.0) << "only the truth has it";
  EXPECT_TRUE(std::isnan(dice(a, b, 3))) << "neither has it";
  core::Geometry other = g;
  other.size = {2, 2, 1};
  EXPECT_THROW(dice(a, core::Image(other, core::PixelType::UInt8), 1), std::invalid_argument);

  const std::vector<double> truth = {1, 2, 3, 4};
  const Agreement same = agreement(truth, truth);
  EXPECT_DOUBLE_EQ(same.ccc, 1.0);
  EXPECT_DOUBLE_EQ(same.meanDifference, 0.0);
  EXPECT_DOUBLE_EQ(same.upperLimit, 0.0);
  // Shifted by 2: perfectly correlated, but not concordant: CCC = 2 * 1.25 / (1.25 + 1.25 + 4).
  const Agreement shifted = agreement({3, 4, 5, 6}, truth);
  EXPECT_NEAR(shifted.ccc, 2.5 / 6.5, 1e-12);
  EXPECT_DOUBLE_EQ(shifted.meanDifference, 2.0);
  EXPECT_NEAR(shifted.sdDifference, 0.0, 1e-12);
  // Differences 1, -1, 1, -1: mean 0, SD sqrt(4/3), limits -/+ 1.96 SD.
  const Agreement noisy = agreement({2, 1, 4, 3}, truth);
  EXPECT_NEAR(noisy.meanDifference, 0.0, 1e-12);
  EXPECT_NEAR(noisy.upperLimit, 1.96 * std::sqrt(4.0 / 3.0), 1e-12);
  EXPECT_NEAR(noisy.lowerLimit, -1.96 * std::sqrt(4.0 / 3.0), 1e-12);
  EXPECT_NEAR(noisy.ccc, 2 * 0.75 / 2.5, 1e-12);  // covariance 0.75 over variances 1.25 + 1.25
  EXPECT_TRUE(std::isnan(agreement({1}, {1}).ccc));
  EXPECT_THROW(agreement({1, 2}, {1}), std::invalid_argument);
}

TEST(HemorrhageDataset, BadFoldersAreNamed) {
  test::TempDir dir("openrad-hemorrhage-dataset");
  try {
    listHeadCtDataset(dir.path().string());
    FAIL() << "expected IoError";
  } catch (const io::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path().string()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("phantom head-ct"), std::string::npos) << e.what();
  }
  EXPECT_THROW(listHeadCtDataset(dir.file("missing")), io::IoError);
  std::filesystem::create_directories(dir.path() / "head_ct_00000_t0");
  const std::string truth = (dir.path() / "head_ct_00000_t0" / "ground_truth.json").string();
  std::ofstream(truth) << R"({"kind": "head-ct", "volumesMl": {"hematoma": 1}})";
  const auto refs = listHeadCtDataset(dir.path().string());
  ASSERT_EQ(refs.size(), 1u);
  try {
    loadHeadCtStudy(refs[0]);
    FAIL() << "expected IoError";
  } catch (const io::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(truth), std::string::npos) << e.what();
  }
}

}  // namespace
