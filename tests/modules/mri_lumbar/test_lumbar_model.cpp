// mri-lumbar, the network path: the same volume in two array orders gives the same labels, the module refuses what it
// cannot judge, and the shipped model on real val cases and on a phantom stays within bounds.
#include "DrawnSpine.h"
#include "LumbarModule.h"
#include "SegNet.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/ai/TorchSession.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"
#include "openrad/modules/mri_lumbar/LumbarMetrics.h"
#include "openrad/phantom/LumbarMri.h"

#include "Requires.h"
#include "TempDir.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace {

using namespace openrad;
using namespace openrad::modules::mri_lumbar;
using test::ArrayOrder;

std::shared_ptr<core::Series> mrSeries(std::shared_ptr<const core::Image> image, const std::string& modality = "MR") {
  auto s = std::make_shared<core::Series>();
  s->info.seriesUid = "1.2.3.4";
  s->info.modality = modality;
  s->image = std::move(image);
  return s;
}

std::string shippedModel() { return ai::defaultModelsRoot() + "/mri-lumbar"; }

TEST(LumbarNetwork, TwoArrayOrdersGiveTheSameLabels) {
  test::DrawnSpineSpec spec;
  const auto a = test::drawnSpineImage(*test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight));
  const auto b = test::drawnSpineImage(*test::drawnSpineLabels(spec, ArrayOrder::InferiorPosteriorRight));
  ai::TorchSession session(ai::Device::Cpu, 1);
  torch::manual_seed(3);
  SegConfig cfg;
  cfg.baseWidth = 8;
  SegNet net(cfg);
  net->eval();
  const auto fa = std::get<measure::SagittalFrame>(measure::sagittalFrame(a->geometry()));
  const auto fb = std::get<measure::SagittalFrame>(measure::sagittalFrame(b->geometry()));
  const SegmentResult ra = segmentSeries(net, *a, fa, session.device()), rb = segmentSeries(net, *b, fb, session.device());
  const auto& g = a->geometry();
  std::int64_t same = 0, total = 0, nonBackground = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i, ++total) {
        const double va = ra.labels->value(i, j, k), vb = rb.labels->value(j, i, k);
        same += va == vb ? 1 : 0;
        nonBackground += va != 0 ? 1 : 0;
      }
  EXPECT_GT(nonBackground, 0) << "an untrained network labels something: the comparison is not empty";
  EXPECT_GE(static_cast<double>(same) / static_cast<double>(total), 0.999);
  EXPECT_EQ(ra.plan.centres, rb.plan.centres);
}

TEST(LumbarNetwork, DecisionIsBoneFirstThenLevel) {
  float p[kClasses] = {};
  p[kBackground] = 0.4f;
  p[kL1 + 2] = 0.25f, p[kL4] = 0.35f;  // bone 0.6 > background 0.4, most likely level L4
  EXPECT_EQ(decideClass(p, kClasses), kL4);
  p[kBackground] = 0.7f, p[kL1 + 2] = 0.1f, p[kL4] = 0.2f;
  EXPECT_EQ(decideClass(p, kClasses), kBackground);
  float q[kClasses] = {};
  q[kDisc] = 0.5f, q[kL5] = 0.3f, q[kBackground] = 0.2f;
  EXPECT_EQ(decideClass(q, kClasses), kDisc);
}

class LumbarModuleTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    s_dir = new test::TempDir("openrad-lumbar-model");
    writeUntrainedLumbarModel(s_dir->file("untrained"), 5, 8);
  }
  static void TearDownTestSuite() {
    delete s_dir;
    s_dir = nullptr;
  }
  static test::TempDir* s_dir;
};
test::TempDir* LumbarModuleTest::s_dir = nullptr;

TEST_F(LumbarModuleTest, RefusesWhatItCannotJudge) {
  const LumbarModule module(s_dir->file("untrained"), {});
  test::DrawnSpineSpec spec;
  const auto image = test::drawnSpineImage(*test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight));
  EXPECT_TRUE(module.accepts(*mrSeries(image)));
  EXPECT_FALSE(module.accepts(*mrSeries(image, "CT")));
  // An axial stack: slices along inferior.
  auto axial = image->copy();
  core::Geometry g = axial->geometry();
  g.direction.col(0) = Eigen::Vector3d(1, 0, 0);
  g.direction.col(1) = Eigen::Vector3d(0, 1, 0);
  g.direction.col(2) = Eigen::Vector3d(0, 0, -1);
  axial->setGeometry(g);
  const auto axialSeries = mrSeries(axial);
  EXPECT_FALSE(module.accepts(*axialSeries));
  try {
    module.run(module.inputFor(axialSeries), {});
    FAIL() << "expected Refused";
  } catch (const ai::Refused& e) {
    EXPECT_NE(std::string(e.what()).find("sagittal"), std::string::npos) << e.what();
  }
  auto blank = std::make_shared<core::Image>(image->geometry(), core::PixelType::UInt16);
  EXPECT_NE(LumbarModule::unsuitable(*mrSeries(blank)).find("blank"), std::string::npos);
  // A NIfTI volume records no modality (OT): taken as MR, unless its values go as low as CT's air.
  auto nifti = mrSeries(image, "OT");
  nifti->info.sourceFormat = "NIfTI";
  EXPECT_TRUE(module.accepts(*nifti)) << LumbarModule::unsuitable(*nifti);
  EXPECT_FALSE(module.accepts(*mrSeries(image, "OT"))) << "an OT series of another format is not taken for MR";
  auto ctLike = std::make_shared<core::Image>(image->geometry(), core::PixelType::Int16);
  const auto& gi = image->geometry();
  for (std::int64_t k = 0; k < gi.size[2]; ++k)
    for (std::int64_t j = 0; j < gi.size[1]; ++j)
      for (std::int64_t i = 0; i < gi.size[0]; ++i) ctLike->setValue(i, j, k, image->value(i, j, k) - 1000.0);
  auto niftiCt = mrSeries(std::move(ctLike), "OT");
  niftiCt->info.sourceFormat = "NIfTI";
  EXPECT_NE(LumbarModule::unsuitable(*niftiCt).find("like CT"), std::string::npos) << LumbarModule::unsuitable(*niftiCt);
  // A label map saved beside the image (labels.nii.gz) is no image to segment.
  auto labelMap = mrSeries(test::drawnSpineLabels(spec, ArrayOrder::PosteriorInferiorRight), "OT");
  labelMap->info.sourceFormat = "NIfTI";
  EXPECT_NE(LumbarModule::unsuitable(*labelMap).find("like a label map"), std::string::npos)
      << LumbarModule::unsuitable(*labelMap);
}

TEST_F(LumbarModuleTest, ATamperedModelIsRefusedByName) {
  const std::string dir = s_dir->file("tampered");
  writeUntrainedLumbarModel(dir, 6, 8);
  {
    std::ofstream w(dir + "/weights.pt", std::ios::app | std::ios::binary);
    w << "x";
  }
  try {
    LumbarModule module(dir, {});
    FAIL() << "expected ModelError";
  } catch (const ai::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("weights.pt"), std::string::npos) << e.what();
  }
}

// The shipped model: its real val figures are in its manifest (chosen on val); here a bound on two val cases keeps a
// broken model or pipeline from passing.
TEST(LumbarShippedModel, RealValCasesWithinBounds) {
  const std::string dir = std::string(OPENRAD_SHARED_DATA_DIR) + "/mri-lumbar-real";
  OPENRAD_REQUIRE(std::filesystem::is_directory(dir), "../shared/data/mri-lumbar-real not present");
  ai::RunContext ctx;
  const LumbarModule module(shippedModel(), ctx);
  const auto refs = listLumbarDataset(dir, "val");
  ASSERT_GE(refs.size(), 2u);
  for (const std::string id : {"VB2_Chu_07", "VB3_MyoSegmenTUM_01"}) {
    const auto it = std::find_if(refs.begin(), refs.end(), [&](const LumbarCaseRef& r) { return r.id == id; });
    ASSERT_NE(it, refs.end()) << id;
    const LumbarCase c = loadLumbarCase(*it);
    const ai::Findings f = module.run(module.inputFor(mrSeries(c.image)), ctx);
    const auto& out = f.series.begin()->second;
    const VolumeScores s = scoreVolume(*out.labelMaps.at(kLabelMap).labels, *c.labels, it->annotated);
    std::printf("[ info ] %s: Dice %.3f over %d levels, %d/%d bodies identified\n", id.c_str(), s.diceMean, s.diceLevels,
                s.identified, s.bodies);
    // Shipped model 0.1.0 scored 0.907 and 0.875 on these two, every body named right.
    EXPECT_GT(s.diceMean, 0.8) << id;
    EXPECT_EQ(s.identified, s.bodies) << id;
    EXPECT_GE(out.landmarkSets.at(kCornerSet).points.size(), 12u) << id;
    // VB2_Chu_07's L5 and S1 are turned ~40 deg in the image: its corners once came out named one position round
    // (lordosis -41 deg, a 132 % slip). Every value must now be plausible.
    for (const auto& w : f.warnings) EXPECT_EQ(w.find("implausible"), std::string::npos) << id << ": " << w;
    const auto lordosis = out.measurements.find("lumbar.lordosis.L1-L5");
    ASSERT_NE(lordosis, out.measurements.end()) << id;
    EXPECT_GT(lordosis->second.value, 20.0) << id;
    EXPECT_LT(lordosis->second.value, 75.0) << id;
  }
}

TEST(LumbarShippedModel, PhantomCornersAndLordosis) {
  // A phantom of a seed the model never saw (training used 9101).
  const phantom::LumbarMriCase pc = phantom::renderLumbarMri(phantom::sampleLumbarMriParams(424242, 0));
  auto truth = pc.labels->copy();
  std::uint8_t* L = truth->as<std::uint8_t>();
  for (std::int64_t i = 0; i < truth->geometry().voxelCount(); ++i) L[i] = fromPhantomLabel(L[i]);
  ai::RunContext ctx;
  const LumbarModule module(shippedModel(), ctx);
  const auto series = mrSeries(pc.t2);
  const ai::Findings f = module.run(module.inputFor(series), ctx);
  const auto& out = f.series.begin()->second;
  const core::LandmarkSet& set = out.landmarkSets.at(kCornerSet);
  ASSERT_FALSE(set.points.empty());
  const auto frame = std::get<measure::SagittalFrame>(measure::sagittalFrame(pc.t2->geometry()));
  const int slice = static_cast<int>(std::lround(set.points.front().position[frame.sliceAxis]));
  const core::LandmarkSet truthSet = cornersOnSlice(*truth, frame, slice, {"truth", ""});
  const auto mp = lumbarMeasurements(set, *series), mt = lumbarMeasurements(truthSet, *series);
  const auto find = [](const std::vector<core::Measurement>& ms, const std::string& id) -> const core::Measurement* {
    for (const auto& m : ms)
      if (m.id == id) return &m;
    return nullptr;
  };
  const core::Measurement* lp = find(mp, "lumbar.lordosis.L1-S1");
  const core::Measurement* lt = find(mt, "lumbar.lordosis.L1-S1");
  ASSERT_NE(lt, nullptr);
  ASSERT_NE(lp, nullptr) << "L1 and S1 corners found";
  std::printf("[ info ] phantom lordosis %.1f deg (truth mask %.1f)\n", lp->value, lt->value);
  // The network's masks bleed into the discs at L1 and S1 and flatten lordosis: 5.1 deg on average on the tuning
  // phantoms (seed 555), 3.5 deg on the held-out ones, 7.6 deg on this one (models/mri-lumbar/README.md).
  EXPECT_NEAR(lp->value, lt->value, 10.0);
}

}  // namespace
