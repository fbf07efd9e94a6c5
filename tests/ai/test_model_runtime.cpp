#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelManifest.h"
#include "openrad/ai/ModuleRegistry.h"
#include "openrad/ai/XrayLandmarks.h"
#include "openrad/measure/SpineLandmarks.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

using namespace openrad;

namespace {
const ai::XrayNetShape kTiny{32, 64, 4};

/// A 2D uint16 radiograph-like image with a bright vertical band (a "spine").
core::Series syntheticRadiograph(int cols = 90, int rows = 200) {
  core::Geometry g;
  g.size = {cols, rows, 1};
  g.spacing = {0.5, 0.5, 1.0};
  auto image = std::make_shared<core::Image>(g, core::PixelType::UInt16);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      image->setValue(c, r, 0, 500.0 + 2000.0 * std::exp(-std::pow((c - cols / 2.0) / 8.0, 2)) + (r % 17) * 20.0);
  core::Series s;
  s.info.seriesUid = "1.2.3";
  s.info.modality = "DX";
  s.info.viewPosition = "AP";
  s.info.pixelSpacingSource = "ImagerPixelSpacing";
  s.image = image;
  return s;
}
}  // namespace

TEST(ModelManifest, WriteReadRoundTrip) {
  test::TempDir dir;
  ai::ModelManifest m;
  m.id = "xray-landmarks";
  m.version = "0.3.1";
  m.architecture = "net";
  m.architectureParams = {{"baseWidth", 12}};
  m.input.width = 96;
  m.input.height = 192;
  m.labels = {"a", "b"};
  m.training.seed = 42;
  m.training.command = "openrad-cli train xray-landmarks";
  m.metrics = {{"smape", 7.5}};
  m.weightsFile = "weights.pt";
  m.sha256 = std::string(64, '0');
  m.write(dir.path().string());
  const ai::ModelManifest r = ai::ModelManifest::read(dir.path().string());
  EXPECT_EQ(r.id, m.id);
  EXPECT_EQ(r.version, m.version);
  EXPECT_EQ(r.param("baseWidth", 0), 12);
  EXPECT_EQ(r.param("missing", -1), -1);
  EXPECT_EQ(r.input.height, 192);
  EXPECT_EQ(r.labels, m.labels);
  EXPECT_EQ(r.training.seed, 42u);
  EXPECT_EQ(r.training.command, m.training.command);
  EXPECT_DOUBLE_EQ(r.metrics.at("smape"), 7.5);
  EXPECT_EQ(r.sha256, m.sha256);
}

TEST(ModelManifest, MissingOrMalformedIsModelErrorNamingTheFile) {
  test::TempDir dir;
  try {
    ai::ModelManifest::read(dir.path().string());
    FAIL() << "expected ModelError";
  } catch (const ai::ModelError& e) {
    EXPECT_NE(e.file().find("manifest.json"), std::string::npos);
  }
  std::ofstream(dir.file("manifest.json")) << "{\"id\": 3";
  EXPECT_THROW(ai::ModelManifest::read(dir.path().string()), ai::ModelError);
}

TEST(ModuleRegistry, KnowsXrayLandmarksAndRejectsUnknownIds) {
  const ai::ModuleRegistry r = ai::ModuleRegistry::builtIn();
  EXPECT_TRUE(r.contains("xray-landmarks"));
  EXPECT_FALSE(r.contains("nope"));
  EXPECT_THROW(r.create("nope", "/tmp"), std::invalid_argument);
  test::TempDir dir;
  EXPECT_THROW(r.create("xray-landmarks", dir.path().string()), ai::ModelError);  // no model folder
}

TEST(XrayLandmarkModule, TamperedWeightsAreRefusedNamingTheFile) {
  test::TempDir dir;
  const std::string modelDir = dir.file("xray-landmarks");
  ai::writeUntrainedXrayModel(modelDir, kTiny, 1);
  const std::string weights = modelDir + "/weights.pt";
  {
    std::fstream f(weights, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(std::filesystem::file_size(weights) / 2);
    char c = 0;
    f.read(&c, 1);
    f.seekp(std::filesystem::file_size(weights) / 2);
    c = static_cast<char>(c ^ 0x5a);
    f.write(&c, 1);
  }
  try {
    ai::loadXrayLandmarkModule(modelDir);
    FAIL() << "expected ModelError";
  } catch (const ai::ModelError& e) {
    EXPECT_EQ(e.file(), weights);
    EXPECT_NE(std::string(e.what()).find("SHA-256"), std::string::npos);
  }
}

TEST(XrayLandmarkModule, WrongHashInManifestIsRefused) {
  test::TempDir dir;
  const std::string modelDir = dir.file("m");
  ai::writeUntrainedXrayModel(modelDir, kTiny, 1);
  ai::ModelManifest m = ai::ModelManifest::read(modelDir);
  m.sha256[0] = m.sha256[0] == 'a' ? 'b' : 'a';
  m.write(modelDir);
  EXPECT_THROW(ai::loadXrayLandmarkModule(modelDir), ai::ModelError);
}

TEST(XrayLandmarkModule, UntrainedModelRoundTripsAndProduces68Points) {
  test::TempDir dir;
  const std::string sha = ai::writeUntrainedXrayModel(dir.file("xray-landmarks"), kTiny, 7);
  EXPECT_EQ(sha.size(), 64u);
  ai::RunContext ctx;
  ctx.device = ai::Device::Cpu;
  double lastProgress = -1.0;
  ctx.progress = [&](double f, const std::string&) { lastProgress = f; };
  const auto module = ai::ModuleRegistry::builtIn().create("xray-landmarks", dir.path().string(), ctx);
  EXPECT_EQ(module->info().id, "xray-landmarks");
  EXPECT_EQ(module->info().version, "untrained");
  const core::Series series = syntheticRadiograph();
  EXPECT_TRUE(module->accepts(series));
  const ai::Findings f = module->run(series, ctx);
  EXPECT_DOUBLE_EQ(lastProgress, 1.0);
  ASSERT_EQ(f.annotations.landmarkSets.count("ap-corners"), 1u);
  const core::LandmarkSet& set = f.annotations.landmarkSets.at("ap-corners");
  ASSERT_EQ(set.points.size(), 68u);
  for (std::size_t i = 0; i < set.points.size(); ++i) {
    EXPECT_EQ(set.points[i].name, measure::apCornerNames()[i]);
    EXPECT_TRUE(std::isfinite(set.points[i].position.x()) && std::isfinite(set.points[i].position.y()));
    EXPECT_GE(set.points[i].confidence, 0.0);
    EXPECT_LE(set.points[i].confidence, 1.0);
  }
  EXPECT_EQ(set.provenance.source, "xray-landmarks");
  EXPECT_EQ(set.provenance.modelVersion, "untrained");
  ASSERT_EQ(f.annotations.measurements.count("cobb.main_thoracic"), 1u);
  EXPECT_EQ(f.annotations.measurements.at("height.spinal").unit, "mm");

  // Same weights, same input: the same points (the model was loaded once, eval mode, no dropout).
  const ai::Findings again = module->run(series, ctx);
  EXPECT_EQ(again.annotations.landmarkSets.at("ap-corners").points[5].position,
            set.points[5].position);
}

TEST(XrayLandmarkModule, CancelBeforeRunThrows) {
  test::TempDir dir;
  ai::writeUntrainedXrayModel(dir.file("xray-landmarks"), kTiny, 3);
  const auto module = ai::loadXrayLandmarkModule(dir.file("xray-landmarks"));
  std::atomic<bool> cancel{true};
  ai::RunContext ctx;
  ctx.cancel = &cancel;
  EXPECT_ANY_THROW(module->run(syntheticRadiograph(), ctx));
}

TEST(XrayLandmarkModule, Rejects3DSeries) {
  test::TempDir dir;
  ai::writeUntrainedXrayModel(dir.file("xray-landmarks"), kTiny, 3);
  const auto module = ai::loadXrayLandmarkModule(dir.file("xray-landmarks"));
  core::Geometry g;
  g.size = {8, 8, 4};
  core::Series s;
  s.image = std::make_shared<core::Image>(g, core::PixelType::Int16);
  EXPECT_FALSE(module->accepts(s));
  EXPECT_THROW(module->run(s, {}), std::invalid_argument);
}
