#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelManifest.h"
#include "openrad/core/Errors.h"
#include "openrad/modules/Module.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
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
  const modules::Registry r = modules::Registry::builtIn();
  ASSERT_NE(r.find("xray-landmarks"), nullptr);
  EXPECT_EQ(r.find("nope"), nullptr);
  EXPECT_EQ(r.find("xray-landmarks")->rules.size(), 1u);
  EXPECT_TRUE(r.find("xray-landmarks")->presentation.layer);
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

// An untrained network places corners anywhere: the module must refuse them rather than measure them.
TEST(XrayLandmarkModule, UntrainedModelOutputIsRefusedAsImplausible) {
  test::TempDir dir;
  const std::string sha = ai::writeUntrainedXrayModel(dir.file("xray-landmarks"), kTiny, 7);
  EXPECT_EQ(sha.size(), 64u);
  ai::RunContext ctx;
  ctx.device = ai::Device::Cpu;
  double lastProgress = -1.0;
  ctx.progress = [&](double f, const std::string&) { lastProgress = f; };
  const auto module = modules::Registry::builtIn().create("xray-landmarks", dir.path().string(), ctx);
  EXPECT_EQ(module->info().id, "xray-landmarks");
  EXPECT_EQ(module->info().version, "untrained");
  const auto series = std::make_shared<core::Series>(syntheticRadiograph());
  EXPECT_TRUE(module->accepts(*series));
  try {
    module->run(module->inputFor(series), ctx);
    FAIL() << "expected a refusal";
  } catch (const ai::Refused& e) {
    EXPECT_NE(std::string(e.what()).find("refuses"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("AP/PA"), std::string::npos) << e.what();
  }
  EXPECT_GT(lastProgress, 0.0);  // it ran the network before judging its output
  EXPECT_LT(lastProgress, 1.0);
}

TEST(XrayLandmarkModule, CancelBeforeRunThrows) {
  test::TempDir dir;
  ai::writeUntrainedXrayModel(dir.file("xray-landmarks"), kTiny, 3);
  const auto module = ai::loadXrayLandmarkModule(dir.file("xray-landmarks"));
  std::atomic<bool> cancel{true};
  ai::RunContext ctx;
  ctx.cancel = &cancel;
  EXPECT_THROW(module->run(module->inputFor(std::make_shared<core::Series>(syntheticRadiograph())), ctx), core::Cancelled);
}

TEST(XrayLandmarkModule, Rejects3DSeries) {
  test::TempDir dir;
  ai::writeUntrainedXrayModel(dir.file("xray-landmarks"), kTiny, 3);
  const auto module = ai::loadXrayLandmarkModule(dir.file("xray-landmarks"));
  core::Geometry g;
  g.size = {8, 8, 4};
  auto s = std::make_shared<core::Series>();
  s->image = std::make_shared<core::Image>(g, core::PixelType::Int16);
  EXPECT_FALSE(module->accepts(*s));
  EXPECT_THROW(module->run(module->inputFor(s), {}), ai::Refused);
}
