// End to end: `openrad-cli analyze` on generated phantoms (the command line built beside these tests).
#include "ReportFixtures.h"

#include "TempDir.h"

#include <nlohmann/json.hpp>

#include <filesystem>

using namespace openrad::report::test;

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
    EXPECT_TRUE(contains(csv, std::string("\n") + id + ",")) << id;
  EXPECT_TRUE(contains(csv, ",no,xray-landmarks,"));
  EXPECT_EQ(lines(readFile((out / "landmarks.csv").string())).size(), 69u);
  EXPECT_TRUE(contains(log, "Cobb")) << log;
  EXPECT_TRUE(contains(log, "report.pdf")) << log;
}

TEST_F(AnalyzeCli, JsonSummary) {
  const fs::path study = phantom("spine-xray");
  std::string log;
  ASSERT_EQ(runCommand(cli() + " analyze " + quoted(study) + " --json --out " + quoted(dir.path() / "a"), log, false), 0)
      << log;
  const auto j = nlohmann::json::parse(log);
  ASSERT_EQ(j["analysed"].size(), 1u);
  EXPECT_EQ(j["analysed"][0]["module"], "xray-landmarks");
  EXPECT_TRUE(j["analysed"][0]["cobb"].contains("cobb.max"));
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
