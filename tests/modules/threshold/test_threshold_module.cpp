// The framework's proof: a module registered only in the test build is listed, analysed from the command line,
// measured by its rules inside the Document, saved and restored with the session, and exported to PDF, JSON and
// NIfTI — while app/, cli/ and report/ never name it (see tests/architecture).
#include "ThresholdModule.h"

#include "Requires.h"
#include "TempDir.h"
#include "TestUtil.h"

#include "openrad/core/Commands.h"
#include "openrad/io/Loader.h"
#include "openrad/io/Nifti.h"
#include "openrad/io/SessionStore.h"

#include <nlohmann/json.hpp>

#include <gtest/gtest.h>

#include <filesystem>

using namespace openrad;
using openrad::test::contains;
using openrad::test::runCommand;

namespace {

namespace fs = std::filesystem;

std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }
std::string testCli() { return quoted(OPENRAD_TEST_CLI_EXE); }
std::string cli() { return quoted(OPENRAD_CLI_EXE); }

/// A 3D volume with a bright block (voxels 10..19 × 12..17 × 3..5 of 40 × 30 × 8, spacing 1 × 1 × 2 mm).
std::shared_ptr<core::Series> volume() {
  auto s = std::make_shared<core::Series>();
  s->info.seriesUid = "2.25.77";
  s->info.studyUid = "2.25.7";
  s->info.modality = "MR";
  core::Geometry g;
  g.size = {40, 30, 8};
  g.spacing = {1.0, 1.0, 2.0};
  auto image = std::make_shared<core::Image>(g, core::PixelType::Int16);
  for (std::int64_t k = 0; k < 8; ++k)
    for (std::int64_t j = 0; j < 30; ++j)
      for (std::int64_t i = 0; i < 40; ++i)
        image->setValue(i, j, k, (i >= 10 && i < 20 && j >= 12 && j < 18 && k >= 3 && k < 6) ? 900 : 100 + (i + j) % 7);
  s->image = image;
  return s;
}

}  // namespace

TEST(ThresholdModule, ListedOnlyByTheTestBuildsCommandLine) {
  std::string out;
  ASSERT_EQ(runCommand(testCli() + " modules --json", out, false), 0) << out;
  const auto j = nlohmann::json::parse(out);
  std::vector<std::string> ids;
  for (const auto& m : j["modules"]) ids.push_back(m["id"]);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "threshold-test"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "xray-landmarks"), ids.end());
  for (const auto& m : j["modules"])
    if (m["id"] == "threshold-test") {
      EXPECT_EQ(m["version"], "1.0");
      EXPECT_FALSE(m["outputs"].empty());
    }
  ASSERT_EQ(runCommand(cli() + " modules", out), 0) << out;
  EXPECT_FALSE(contains(out, "threshold-test")) << "the shipped command line does not know the test module";
}

TEST(ThresholdModule, RulesMeasureInTheDocumentAndEditsAreMarked) {
  const auto s = volume();
  const modules::Registry registry = test::registryWithThreshold();
  core::Document doc;
  registry.installRules(doc);
  doc.attachSeries(s);
  const auto module = registry.create("threshold-test", "");
  const ai::AnalysisInput input = module->inputFor(s);
  const ai::Findings f = module->run(input, {});
  doc.execute(ai::findingsCommands("threshold-test", input, f), "Analyse");
  const auto& a = doc.annotations(s->info.seriesUid);
  ASSERT_EQ(a.measurements.count("threshold.volume"), 1u);
  EXPECT_NEAR(a.measurements.at("threshold.volume").value, 10 * 6 * 3 * 2.0 / 1000.0, 1e-9);  // 360 mm³ in mL
  EXPECT_EQ(a.measurements.at("threshold.volume").unit, "mL");
  ASSERT_EQ(a.boxes.size(), 1u);
  EXPECT_EQ(a.boxes[0].min, Eigen::Vector2d(10, 12));
  EXPECT_EQ(a.boxes[0].max, Eigen::Vector2d(19, 17));
  EXPECT_NEAR(a.landmarkSets.at("centroid").points[0].position.x(), 14.5, 1e-9);
  EXPECT_EQ(doc.annotations(core::studyKey("")).tables.size(), 0u);  // no study uid on the input: no study results

  // Painting the label map by hand changes the volume and marks it edited; moving the centre marks the offset.
  core::LabelMap painted = a.labelMaps.at("bright");
  auto labels = painted.labels->copy();
  for (int i = 20; i < 25; ++i) labels->setValue(i, 12, 3, 1);
  painted.labels = labels;
  painted.edited = true;
  doc.execute(std::make_unique<core::SetLabelMapCommand>(s->info.seriesUid, "bright", painted));
  EXPECT_NEAR(doc.annotations(s->info.seriesUid).measurements.at("threshold.volume").value, (180 + 5) * 2.0 / 1000.0, 1e-9);
  EXPECT_TRUE(doc.annotations(s->info.seriesUid).measurements.at("threshold.volume").edited);
  EXPECT_FALSE(doc.annotations(s->info.seriesUid).measurements.at("threshold.centre_offset").edited);
  const Eigen::Vector3d c = a.landmarkSets.at("centroid").points[0].position;
  doc.execute(std::make_unique<core::MoveLandmarkCommand>(s->info.seriesUid, "centroid", "centre", c,
                                                          Eigen::Vector3d(19.5, 14.5, c.z())));
  EXPECT_NEAR(doc.annotations(s->info.seriesUid).measurements.at("threshold.centre_offset").value, 0.0, 1e-9);
  EXPECT_TRUE(doc.annotations(s->info.seriesUid).measurements.at("threshold.centre_offset").edited);
  doc.undo();
  doc.undo();
  EXPECT_FALSE(doc.annotations(s->info.seriesUid).measurements.at("threshold.volume").edited);
  EXPECT_FALSE(doc.annotations(s->info.seriesUid).measurements.at("threshold.centre_offset").edited);

  // Session round trip keeps the module's label map, box, landmark and measurements with their provenance.
  test::TempDir dir("threshold-session");
  io::SessionStore store(dir.file("s"));
  store.save(doc);
  const auto restored = io::SessionStore(dir.file("s")).load().at(s->info.seriesUid);
  EXPECT_EQ(restored.sources(), std::vector<std::string>{"threshold-test"});
  EXPECT_EQ(restored.labelMaps.at("bright").labels->value(12, 13, 4), 1);
  EXPECT_EQ(restored.boxes.at(0).label, "bright region");
  EXPECT_EQ(restored.measurements.at("threshold.volume").provenance.modelVersion, "1.0");
}

TEST(ThresholdModule, AnalyzeExportsPdfJsonAndNiftiBesideTheOtherModule) {
  test::TempDir dir("threshold-analyze");
  std::string log;
  const fs::path study = dir.path() / "spine";
  ASSERT_EQ(runCommand(cli() + " phantom spine-xray --count 1 --seed 7 --out " + quoted(study), log), 0) << log;
  const fs::path out = dir.path() / "out";
  ASSERT_EQ(runCommand(testCli() + " analyze " + quoted(study) + " --modules xray-landmarks,threshold-test --threads 2 --out " +
                           quoted(out),
                       log),
            0)
      << log;
  // One study: one folder, one PDF and one findings.json with a block per module.
  const auto j = nlohmann::json::parse(test::readFile((out / "findings.json").string()));
  ASSERT_TRUE(j["modules"].contains("xray-landmarks")) << j.dump(1);
  ASSERT_TRUE(j["modules"].contains("threshold-test")) << j.dump(1);
  const auto& block = j["modules"]["threshold-test"];
  EXPECT_FALSE(block["model"]["note"].get<std::string>().empty());
  // The threshold module ran on both radiographs of the pair (AP and lateral): two series blocks.
  ASSERT_EQ(block["series"].size(), 2u);
  const auto& first = block["series"][0];
  ASSERT_EQ(first["labelMaps"].size(), 1u);
  const std::string labelFile = first["labelMaps"][0]["file"];
  ASSERT_FALSE(labelFile.empty());
  const auto labels = io::readNifti((out / labelFile).string());
  EXPECT_EQ(labels->geometry().size[0], 512);
  EXPECT_GT(labels->range().second, 0.0);
  EXPECT_EQ(first["boxes"].size(), 1u);
  EXPECT_EQ(first["landmarkSets"][0]["set"], "centroid");
  EXPECT_EQ(block["tables"].size(), 1u);
  EXPECT_TRUE(fs::exists(out / "report.pdf"));
  EXPECT_TRUE(fs::exists(out / "overlay.png"));
  EXPECT_TRUE(fs::exists(out / "overlay_2.png"));
  const std::string csv = test::readFile((out / "measurements.csv").string());
  EXPECT_TRUE(contains(csv, ",threshold.volume,")) << csv;
  EXPECT_TRUE(contains(csv, ",xray-landmarks,")) << csv;
  OPENRAD_REQUIRE(test::haveProgram("pdftotext"), "pdftotext (poppler-utils) not installed");
  std::string text;
  ASSERT_EQ(runCommand("pdftotext -layout " + quoted(out / "report.pdf") + " -", text), 0);
  EXPECT_TRUE(contains(text, "threshold-test")) << text;
  EXPECT_TRUE(contains(text, "Bright volume")) << text;
  EXPECT_TRUE(contains(text, "Cobb")) << text;
  EXPECT_TRUE(contains(text, "Threshold summary")) << text;
}
