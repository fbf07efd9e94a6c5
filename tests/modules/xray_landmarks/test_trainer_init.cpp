// `train xray-landmarks --init DIR`: fine-tuning starts from an intact model of the same shape, and the new
// manifest says what it was fine-tuned from.

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelManifest.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
#include "openrad/modules/xray_landmarks/XrayTrainer.h"
#include "openrad/phantom/Phantom.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <fstream>

namespace {

using namespace openrad;

class TrainerInit : public ::testing::Test {
protected:
  void SetUp() override {
    phantom::GenerateOptions g;
    g.count = 4;
    g.seed = 8080;
    g.outDir = m_dir.file("data");
    phantom::generateSpineXray(g);
    m_init = m_dir.file("init");
    m_sha = ai::writeUntrainedXrayModel(m_init, {32, 64, 4}, 5);
  }
  ai::XrayTrainOptions options() const {
    ai::XrayTrainOptions o;
    o.dataDir = m_dir.file("data");
    o.outDir = m_dir.file("out");
    o.initDir = m_init;
    o.epochs = 1;
    o.batchSize = 2;
    o.threads = 1;
    o.inputWidth = 32;
    o.inputHeight = 64;
    o.baseWidth = 4;
    o.valFraction = 0.25;
    return o;
  }
  test::TempDir m_dir;
  std::string m_init, m_sha;
};

TEST_F(TrainerInit, RecordsTheStartingModel) {
  const ai::XrayTrainResult r = ai::trainXrayLandmarks(options());
  EXPECT_EQ(r.epochsRun, 1);
  const ai::ModelManifest m = ai::ModelManifest::read(m_dir.file("out"));
  EXPECT_NE(m.training.data.find("fine-tuned from xray-landmarks untrained (sha256 " + m_sha + ")"), std::string::npos)
      << m.training.data;
  EXPECT_NE(m.training.command.find("--init"), std::string::npos);
  EXPECT_NO_THROW(ai::loadXrayLandmarkModule(m_dir.file("out")));
}

TEST_F(TrainerInit, RefusesAnotherShapeNamingTheManifest) {
  ai::XrayTrainOptions o = options();
  o.baseWidth = 8;
  try {
    ai::trainXrayLandmarks(o);
    FAIL() << "expected ModelError";
  } catch (const ai::ModelError& e) {
    EXPECT_EQ(e.file(), m_init + "/manifest.json");
    EXPECT_NE(e.reason().find("network shape"), std::string::npos) << e.reason();
  }
}

TEST_F(TrainerInit, RefusesTamperedWeights) {
  {
    std::fstream f(m_init + "/weights.pt", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(200);
    f.put('\x42');
  }
  EXPECT_THROW(ai::trainXrayLandmarks(options()), ai::ModelError);
}

}  // namespace
