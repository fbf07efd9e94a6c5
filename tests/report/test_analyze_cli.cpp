// End to end: `openrad-cli analyze` on generated phantoms (the command line built beside these tests).
#include "Requires.h"
#include "TempDir.h"
#include "TestUtil.h"

#include "openrad/io/Loader.h"

#include <QImage>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

using namespace openrad::test;

namespace {

namespace fs = std::filesystem;

std::string cli() { return std::string("'") + OPENRAD_CLI_EXE + "'"; }
std::string quoted(const fs::path& p) { return "'" + p.string() + "'"; }

class AnalyzeCli : public ::testing::Test {
protected:
  openrad::test::TempDir dir{"openrad-analyze"};
  /// Generates one phantom study of `kind` (seed 7) under dir/<kind>.
  fs::path phantom(const std::string& kind) {
    const fs::path out = dir.path() / kind;
    std::string log;
    EXPECT_EQ(runCommand(cli() + " phantom " + kind + " --count 1 --seed 7 --out " + quoted(out), log), 0) << log;
    return out;
  }
};

}  // namespace

TEST_F(AnalyzeCli, WritesAllFilesForTheApRadiograph) {
  const fs::path study = phantom("spine-xray");
  const fs::path out = dir.path() / "analysis";
  std::string log;
  ASSERT_EQ(runCommand(cli() + " analyze " + quoted(study) + " --modules xray-landmarks --threads 2 --out " + quoted(out), log),
            0)
      << log;
  // One PA radiograph among the PA + lateral pair: its files go straight into the output folder.
  for (const char* name : {"measurements.csv", "landmarks.csv", "findings.json", "overlay.png", "report.pdf"}) {
    ASSERT_TRUE(fs::is_regular_file(out / name)) << name << "\n" << log;
    EXPECT_GT(fs::file_size(out / name), 100u) << name;
  }
  const std::string csv = readFile((out / "measurements.csv").string());
  for (const char* id : {"cobb.proximal_thoracic", "cobb.main_thoracic", "cobb.thoracolumbar", "cobb.max"})
    EXPECT_TRUE(contains(csv, std::string(",") + id + ",")) << id;
  EXPECT_TRUE(contains(csv, ",no,xray-landmarks,"));
  EXPECT_EQ(lines(readFile((out / "landmarks.csv").string())).size(), 69u);
  EXPECT_TRUE(contains(log, "Cobb")) << log;
  EXPECT_TRUE(contains(log, "report.pdf")) << log;
}

// The module refuses what it cannot judge, and says why; nothing is written.
TEST_F(AnalyzeCli, LateralFilmAsPlainImageIsRefused) {
  const fs::path study = phantom("spine-xray");
  // The lateral radiograph as a plain 16-bit PNG: no view tag tells the module what it is.
  std::string log;
  const fs::path png = dir.path() / "lateral.png";
  const auto loaded = openrad::io::loadPath((study / "spine_xray_00000" / "lateral").string());
  ASSERT_EQ(loaded.allSeries().size(), 1u);
  const openrad::core::Image& image = *loaded.allSeries().front()->image;
  const auto& g = image.geometry();
  QImage picture(static_cast<int>(g.size[0]), static_cast<int>(g.size[1]), QImage::Format_Grayscale16);
  const auto [lo, hi] = image.range();
  for (int j = 0; j < picture.height(); ++j) {
    auto* line = reinterpret_cast<quint16*>(picture.scanLine(j));
    for (int i = 0; i < picture.width(); ++i) line[i] = static_cast<quint16>((image.value(i, j, 0) - lo) / (hi - lo) * 65535.0);
  }
  ASSERT_TRUE(picture.save(QString::fromStdString(png.string())));
  const fs::path out = dir.path() / "refused";
  EXPECT_EQ(runCommand(cli() + " analyze " + quoted(png) + " --modules xray-landmarks --out " + quoted(out), log), 1) << log;
  EXPECT_TRUE(contains(log, "refuses")) << log;
  EXPECT_TRUE(contains(log, "lateral.png") || contains(log, "series #")) << log;
  EXPECT_FALSE(fs::exists(out / "report.pdf"));
}

TEST_F(AnalyzeCli, ModulesListsIdVersionInputsAndOutputs) {
  std::string log;
  ASSERT_EQ(runCommand(cli() + " modules --json", log, false), 0) << log;
  const auto j = nlohmann::json::parse(log);
  ASSERT_FALSE(j["modules"].empty());
  for (const auto& m : j["modules"]) {
    EXPECT_FALSE(m["id"].get<std::string>().empty());
    EXPECT_FALSE(m["version"].get<std::string>().empty()) << m.dump();
    EXPECT_FALSE(m["inputs"].empty()) << m.dump();
    EXPECT_FALSE(m["outputs"].empty()) << m.dump();
  }
}

// eval --json: one object with the module, the number of cases, the aggregate metrics and every case's truth and
// prediction, from which the aggregate can be recomputed.
TEST_F(AnalyzeCli, EvalJsonHasEveryCaseAndRecomputableMetrics) {
  const fs::path data = dir.path() / "heldout";
  std::string log;
  ASSERT_EQ(runCommand(cli() + " phantom spine-xray --count 2 --seed 31337 --out " + quoted(data), log), 0) << log;
  ASSERT_EQ(runCommand(cli() + " eval xray-landmarks --data " + quoted(data) + " --threads 2 --json", log, false), 0) << log;
  const auto j = nlohmann::json::parse(log);
  EXPECT_EQ(j["module"], "xray-landmarks");
  ASSERT_EQ(j["cases"], 2);
  ASSERT_EQ(j["perCase"].size(), 2u);
  double mre = 0;
  for (const auto& c : j["perCase"]) {
    EXPECT_FALSE(c["id"].get<std::string>().empty());
    ASSERT_EQ(c["truth"]["corners"].size(), 68u);
    ASSERT_EQ(c["predicted"]["corners"].size(), 68u);
    double sum = 0;
    for (std::size_t k = 0; k < 68; ++k) {
      const double dx = c["truth"]["corners"][k][0].get<double>() - c["predicted"]["corners"][k][0].get<double>();
      const double dy = c["truth"]["corners"][k][1].get<double>() - c["predicted"]["corners"][k][1].get<double>();
      sum += std::hypot(dx, dy);
    }
    EXPECT_NEAR(sum / 68.0, c["mrePx"].get<double>(), 1e-6);
    mre += sum / 68.0 / 2.0;
  }
  EXPECT_NEAR(j["metrics"]["mre_px"].get<double>(), mre, 1e-6);
}

TEST_F(AnalyzeCli, LumbarEvalJsonNamesTheIssueMetricsAndTheyFollowFromTheCases) {
  const fs::path data = dir.path() / "lumbar-heldout";
  std::string log;
  ASSERT_EQ(runCommand(cli() + " phantom lumbar-mri --count 1 --seed 4242 --out " + quoted(data), log), 0) << log;
  ASSERT_EQ(runCommand(cli() + " eval mri-lumbar --data " + quoted(data) + " --threads 2 --json", log, false), 0) << log;
  const auto j = nlohmann::json::parse(log);
  EXPECT_EQ(j["module"], "mri-lumbar");
  ASSERT_EQ(j["perCase"].size(), 2u) << "T1 and T2 of the one phantom";
  double dice = 0, corners = 0;
  int bodies = 0, identified = 0;
  for (const auto& c : j["perCase"]) {
    dice += c["dice_mean"].get<double>() / 2.0;
    bodies += c["bodies"].get<int>();
    identified += c["identified"].get<int>();
    double sum = 0;
    for (const auto& [name, e] : c["corner_errors_mm"].items()) sum += e.get<double>();
    ASSERT_EQ(c["corner_errors_mm"].size(), c["corners_compared"].get<std::size_t>());
    EXPECT_NEAR(sum / static_cast<double>(c["corners_compared"].get<int>()), c["corner_error_mm"].get<double>(), 1e-9);
    corners += c["corner_error_mm"].get<double>() / 2.0;
    EXPECT_TRUE(c.contains("lordosis_truth_deg")) << "phantoms carry the lordosis comparison";
  }
  ASSERT_GT(bodies, 0);
  EXPECT_NEAR(j["metrics"]["dice_mean"].get<double>(), dice, 1e-9);
  EXPECT_NEAR(j["metrics"]["level_accuracy"].get<double>(), static_cast<double>(identified) / bodies, 1e-9)
      << "a fraction, like dice_mean";
  EXPECT_NEAR(j["metrics"]["corner_error_mm"].get<double>(), corners, 1e-9);
  EXPECT_GT(j["metrics"]["dice_mean"].get<double>(), 0.9) << "the shipped model on a phantom of an unseen seed";
  // analyze on the same study: T1 and T2 analysed, the ground-truth label map beside them refused and named.
  ASSERT_EQ(runCommand(cli() + " analyze " + quoted(data / "lumbar_mri_00000") + " --modules mri-lumbar --out " +
                           quoted(dir.path() / "lumbar-out") + " --json",
                       log, false),
            0)
      << log;
  const auto a = nlohmann::json::parse(log);
  EXPECT_EQ(a["analysed"].size(), 2u);
  ASSERT_EQ(a["skipped"].size(), 1u);
  EXPECT_NE(a["skipped"][0].get<std::string>().find("labels.nii.gz"), std::string::npos) << a["skipped"];
}

TEST_F(AnalyzeCli, JsonSummary) {
  const fs::path study = phantom("spine-xray");
  std::string log;
  ASSERT_EQ(runCommand(cli() + " analyze " + quoted(study) + " --json --out " + quoted(dir.path() / "a"), log, false), 0)
      << log;
  const auto j = nlohmann::json::parse(log);
  ASSERT_EQ(j["analysed"].size(), 1u);
  EXPECT_EQ(j["analysed"][0]["module"], "xray-landmarks");
  EXPECT_TRUE(j["analysed"][0]["measurements"].contains("cobb.max"));
  EXPECT_FALSE(j["analysed"][0]["measurements"]["cobb.max"]["attributes"]["side"].get<std::string>().empty());
  EXPECT_TRUE(j["errors"].empty());
}

TEST_F(AnalyzeCli, NothingAnalysableExitsOne) {
  const fs::path study = phantom("spine-ct");
  std::string log;
  EXPECT_EQ(runCommand(cli() + " analyze " + quoted(study) + " --modules xray-landmarks --out " + quoted(dir.path() / "o"), log),
            1)
      << log;
  EXPECT_TRUE(contains(log, study.string())) << log;
  EXPECT_TRUE(contains(log, "nothing to analyse")) << log;
  EXPECT_TRUE(contains(log, "CT")) << log;
  EXPECT_FALSE(fs::exists(dir.path() / "o" / "report.pdf"));
}

TEST_F(AnalyzeCli, UnknownModuleListsTheKnownOnes) {
  std::string log;
  const int rc = runCommand(cli() + " analyze " + quoted(dir.path()) + " --modules no-such-module --out " +
                                quoted(dir.path() / "o"),
                            log);
  EXPECT_NE(rc, 0);
  EXPECT_TRUE(contains(log, "no-such-module")) << log;
  EXPECT_TRUE(contains(log, "xray-landmarks")) << log;
}

TEST_F(AnalyzeCli, MissingPathExitsTwo) {
  std::string log;
  const fs::path missing = dir.path() / "does-not-exist";
  EXPECT_EQ(runCommand(cli() + " analyze " + quoted(missing) + " --out " + quoted(dir.path() / "o"), log), 2) << log;
  EXPECT_TRUE(contains(log, missing.string())) << log;
}

TEST_F(AnalyzeCli, BrokenModelExitsTwoNamingTheFile) {
  const fs::path models = dir.path() / "models" / "xray-landmarks";
  fs::create_directories(models);
  std::ofstream(models / "manifest.json") << "{ not json";
  std::string log;
  EXPECT_EQ(runCommand(cli() + " analyze " + quoted(dir.path()) + " --models " + quoted(dir.path() / "models") +
                           " --out " + quoted(dir.path() / "o"),
                       log),
            2)
      << log;
  EXPECT_TRUE(contains(log, "manifest.json")) << log;
}
