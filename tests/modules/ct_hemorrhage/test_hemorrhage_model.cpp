// ct-hemorrhage, the network path: the network's shape, its nine input channels, the crop's orientation, the label
// round trip from the planes back to the CT grid, what the module refuses and why, the model checks, and a run of an
// untrained model on a phantom that publishes a label map on the CT's grid with its measurements.
#include "CtSegNet.h"
#include "HemorrhageModule.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/TorchSession.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageMetrics.h"
#include "openrad/phantom/HeadCt.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>

namespace {

using namespace openrad;
using namespace openrad::modules::ct_hemorrhage;

std::shared_ptr<core::Series> ctSeries(std::shared_ptr<const core::Image> image, const std::string& modality = "CT") {
  auto s = std::make_shared<core::Series>();
  s->info.seriesUid = "1.2.3.4";
  s->info.seriesNumber = 7;
  s->info.modality = modality;
  s->info.description = "HEAD 5mm";
  s->image = std::move(image);
  return s;
}

const phantom::HeadCtCase& phantomCase() {
  static const phantom::HeadCtCase c = phantom::renderHeadCt(phantom::sampleHeadCtPatient(31, 0).studies[0]);
  return c;
}

/// A water cylinder of `radiusMm` in air (no bone), `slices` slices of 5 mm, 256 × 256 pixels of `pixelMm`.
std::shared_ptr<core::Image> cylinder(double radiusMm, double pixelMm, int slices = 8) {
  core::Geometry g;
  g.size = {256, 256, slices};
  g.spacing = Eigen::Vector3d(pixelMm, pixelMm, 5.0);
  auto image = std::make_shared<core::Image>(g, core::PixelType::Int16);
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i)
        image->setValue(i, j, k, std::hypot((i - 127.5) * pixelMm, (j - 127.5) * pixelMm) < radiusMm ? 30 : -1000);
  return image;
}

TEST(HemorrhageNetwork, ForwardGivesOneLogitPerClassAtFullResolution) {
  CtSegConfig cfg;
  cfg.baseWidth = 4;
  CtSegNet net(cfg);
  net->eval();
  torch::NoGradGuard guard;
  const torch::Tensor y = net->forward(torch::zeros({2, kChannels, 96, 64}));
  EXPECT_EQ(y.sizes(), (std::vector<int64_t>{2, kClasses, 96, 64}));
  EXPECT_THROW(net->forward(torch::zeros({1, 3, 64, 64})), std::exception)
      << "three channels are not the model's input";
}

TEST(HemorrhageNetwork, ChannelsAreTheThreeWindowsOfThreeSlices) {
  // Three slices of 2 x 1 pixels: below 40 HU (brain centre) and -1024, at 80 HU (subdural centre), above 600 HU.
  ai::PlaneGrid grid;
  grid.width = 2, grid.height = 1, grid.slices = 3;
  const std::vector<float> hu = {40, -1024, 80, 80, 600, 600};
  std::vector<float> x(kChannels * 2);
  inputChannels(hu, grid, 1, SlabPlan{}, x.data());
  const auto at = [&](int slice, int window, int pixel) {
    return x[static_cast<std::size_t>((slice * kWindows + window) * 2 + pixel)];
  };
  EXPECT_NEAR(at(0, 0, 0), 0.0, 1e-6) << "40 HU is the middle of the brain window";
  EXPECT_NEAR(at(0, 0, 1), -1.0, 1e-6) << "air is the bottom of every window";
  EXPECT_NEAR(at(0, 2, 1), -1.0, 1e-6);
  EXPECT_NEAR(at(1, 0, 0), 1.0, 1e-6) << "80 HU tops the brain window (40/80)";
  EXPECT_NEAR(at(1, 1, 0), 0.0, 1e-6) << "80 HU is the middle of the subdural window";
  EXPECT_NEAR(at(2, 2, 0), 0.0, 1e-6) << "600 HU is the middle of the bone window";
  // The first slice's neighbour below is itself (clamped).
  inputChannels(hu, grid, 0, SlabPlan{}, x.data());
  EXPECT_NEAR(at(0, 0, 0), 0.0, 1e-6);
  EXPECT_NEAR(at(1, 0, 0), 0.0, 1e-6);
  EXPECT_NEAR(at(2, 1, 0), 0.0, 1e-6);
  // Thin slices: 1.25 mm gives slabs of 4 slices, one slab apart.
  const SlabPlan thin = slabPlan(1.25, 5.0);
  EXPECT_EQ(thin.thick, 4);
  EXPECT_EQ(thin.step, 4);
  EXPECT_EQ(slabPlan(5.0, 5.0).thick, 1);
}

TEST(HemorrhageNetwork, CropFacesThePatientsLeftAndPosteriorWhateverTheArrayOrder) {
  auto image = cylinder(70, 0.9);
  core::Geometry g = image->geometry();
  g.direction.col(0) = Eigen::Vector3d(-1, 0, 0);  // columns toward the patient's right
  g.direction.col(1) = Eigen::Vector3d(0, -1, 0);  // rows toward anterior
  g.direction.col(2) = Eigen::Vector3d(0, 0, -1);
  image->setGeometry(g);
  const ai::PlaneGrid grid = axialGrid(*image, CtSegConfig{});
  const Eigen::Vector3d p0 = g.indexToPhysical(grid.nativeIndex(0, 0, 3));
  const Eigen::Vector3d px = g.indexToPhysical(grid.nativeIndex(1, 0, 3)) - p0,
                        py = g.indexToPhysical(grid.nativeIndex(0, 1, 3)) - p0;
  EXPECT_NEAR(px.x(), 1.0, 1e-9) << "one plane pixel is 1 mm toward the patient's left";
  EXPECT_NEAR(py.y(), 1.0, 1e-9) << "one plane pixel is 1 mm toward posterior";
  EXPECT_NEAR(px.z(), 0.0, 1e-9);
  // Centred on the head: the middle of the plane is the cylinder's axis.
  const Eigen::Vector3d mid = grid.nativeIndex((grid.width - 1) / 2.0, (grid.height - 1) / 2.0, 3);
  EXPECT_NEAR(mid.x(), 127.5, 0.6);
  EXPECT_NEAR(mid.y(), 127.5, 0.6);
}

TEST(HemorrhageNetwork, LabelsGoBackToTheCtGridUnchanged) {
  // The phantom's label map onto the planes (nearest) as certain probabilities, then back onto the CT grid.
  const phantom::HeadCtCase& c = phantomCase();
  for (const bool flipped : {false, true}) {
    auto labels = c.labels->copy();
    if (flipped) {  // the same voxels stored in an array whose columns run toward the patient's right
      core::Geometry g = labels->geometry();
      g.direction.col(0) = -g.direction.col(0);
      labels->setGeometry(g);
    }
    auto ct = c.ct->copy();
    ct->setGeometry(labels->geometry());
    const ai::PlaneGrid grid = axialGrid(*ct, CtSegConfig{});
    const std::vector<float> planes = ai::sampleStack(*labels, grid, 0.0f, true);
    const std::size_t plane = static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height);
    std::vector<float> prob(planes.size() * kClasses, 0.0f);
    for (int s = 0; s < grid.slices; ++s)
      for (std::size_t i = 0; i < plane; ++i) {
        const auto cls = static_cast<std::size_t>(planes[plane * static_cast<std::size_t>(s) + i]);
        prob[(static_cast<std::size_t>(s) * kClasses + cls) * plane + i] = 1.0f;
      }
    const auto back = labelsFromPlanes(prob.data(), grid, labels->geometry());
    ASSERT_TRUE(back->geometry().sameGrid(labels->geometry()));
    ASSERT_EQ(back->pixelType(), core::PixelType::UInt8);
    for (int value : {1, 2, 3}) {
      const double d = dice(*back, *labels, value);
      if (std::isnan(d)) continue;
      // 1 mm planes from 0.9 mm voxels and back: only boundary voxels may change.
      EXPECT_GT(d, 0.93) << "class " << value << (flipped ? " (flipped array)" : "");
    }
    EXPECT_GT(volumes(*back).hematomaMl, 0.9 * c.hematomaMl);
    EXPECT_LT(volumes(*back).hematomaMl, 1.1 * c.hematomaMl);
  }
}

class HemorrhageModuleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    s_dir = new test::TempDir("openrad-hemorrhage-model");
    writeUntrainedHemorrhageModel(s_dir->file("untrained"), 5, 4);
  }
  static void TearDownTestSuite() {
    delete s_dir;
    s_dir = nullptr;
  }
  static test::TempDir* s_dir;
};
test::TempDir* HemorrhageModuleTest::s_dir = nullptr;

std::string refusal(const ai::AiModule& module, const std::shared_ptr<core::Series>& series) {
  try {
    module.run(module.inputFor(series), {});
  } catch (const ai::Refused& e) {
    return e.what();
  }
  return "";
}

TEST_F(HemorrhageModuleTest, RefusesWhatIsNotAnAxialHeadCtAndSaysWhy) {
  const HemorrhageModule module(s_dir->file("untrained"), {});
  const phantom::HeadCtCase& c = phantomCase();
  EXPECT_TRUE(module.accepts(*ctSeries(c.ct))) << unsuitableHeadCt(*ctSeries(c.ct));
  const std::string mr = refusal(module, ctSeries(c.ct, "MR"));
  EXPECT_NE(mr.find("modality is MR"), std::string::npos) << mr;
  EXPECT_NE(mr.find("series #7 MR 'HEAD 5mm'"), std::string::npos) << "the reason names the series: " << mr;
  // A body: soft tissue 360 mm across.
  const std::string body = refusal(module, ctSeries(cylinder(180, 1.5)));
  EXPECT_NE(body.find("not a head"), std::string::npos) << body;
  // A head-sized water phantom: no skull.
  const std::string water = refusal(module, ctSeries(cylinder(80, 0.9)));
  EXPECT_NE(water.find("no skull"), std::string::npos) << water;
  // Two slices.
  core::Geometry g2 = c.ct->geometry();
  g2.size[2] = 2;
  auto two = std::make_shared<core::Image>(g2, core::PixelType::Int16);
  EXPECT_NE(refusal(module, ctSeries(two)).find("at least 3 slices"), std::string::npos);
  // The phantom's voxels laid out as sagittal slices.
  auto sagittal = c.ct->copy();
  core::Geometry gs = sagittal->geometry();
  gs.direction.col(0) = Eigen::Vector3d(0, 1, 0);
  gs.direction.col(1) = Eigen::Vector3d(0, 0, -1);
  gs.direction.col(2) = Eigen::Vector3d(1, 0, 0);
  sagittal->setGeometry(gs);
  const std::string side = refusal(module, ctSeries(sagittal));
  EXPECT_NE(side.find("from axial"), std::string::npos) << side;
  // A NIfTI volume records no modality: taken as CT only when its values reach air.
  auto nifti = ctSeries(c.ct, "OT");
  nifti->info.sourceFormat = "NIfTI";
  EXPECT_TRUE(module.accepts(*nifti)) << unsuitableHeadCt(*nifti);
  auto labelsAsImage = ctSeries(c.labels, "OT");
  labelsAsImage->info.sourceFormat = "NIfTI";
  EXPECT_NE(unsuitableHeadCt(*labelsAsImage).find("reaches air"), std::string::npos)
      << unsuitableHeadCt(*labelsAsImage);
}

TEST_F(HemorrhageModuleTest, ABrokenModelIsRefusedByName) {
  const std::string dir = s_dir->file("tampered");
  writeUntrainedHemorrhageModel(dir, 6, 4);
  {
    std::ofstream w(dir + "/weights.pt", std::ios::app | std::ios::binary);
    w << "x";
  }
  try {
    HemorrhageModule module(dir, {});
    FAIL() << "expected ModelError";
  } catch (const ai::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("weights.pt"), std::string::npos) << e.what();
  }
  try {
    HemorrhageModule module(s_dir->file("absent"), {});
    FAIL() << "expected ModelError";
  } catch (const ai::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("manifest.json"), std::string::npos) << e.what();
  }
  // Another module's model in the folder.
  const std::string other = s_dir->file("other");
  writeUntrainedHemorrhageModel(other, 7, 4);
  ai::ModelManifest m = ai::ModelManifest::read(other);
  m.labels = {"background", "hematoma"};
  m.write(other);
  EXPECT_THROW(HemorrhageModule(other, {}), ai::ModelError);
}

TEST_F(HemorrhageModuleTest, RunPublishesALabelMapOnTheCtGridAndItsMeasurements) {
  ai::RunContext ctx;
  ctx.threads = 2;
  const HemorrhageModule module(s_dir->file("untrained"), ctx);
  const phantom::HeadCtCase& c = phantomCase();
  const auto series = ctSeries(c.ct);
  const ai::Findings f = module.run(module.inputFor(series), ctx);
  ASSERT_EQ(f.series.size(), 1u);
  const core::SeriesAnnotations& out = f.series.at(series->info.seriesUid);
  const core::LabelMap& map = out.labelMaps.at(kLabelMap);
  ASSERT_TRUE(map.labels);
  EXPECT_TRUE(map.labels->geometry().sameGrid(c.ct->geometry()));
  EXPECT_EQ(map.labels->pixelType(), core::PixelType::UInt8);
  EXPECT_EQ(map.provenance.source, kModuleId);
  EXPECT_EQ(map.table.size(), 3u);
  // The measurements are the rule's on the published map.
  const auto expected = hemorrhageMeasurements(*map.labels, *series, map.provenance);
  ASSERT_EQ(out.measurements.size(), expected.size());
  for (const auto& m : expected) EXPECT_DOUBLE_EQ(out.measurements.at(m.id).value, m.value) << m.id;
  EXPECT_NEAR(out.measurements.at("hemorrhage.hematoma_ml").value, volumes(*map.labels).hematomaMl, 1e-9);
  std::printf("[ info ] untrained run: %.2f s\n", f.seconds);
}

}  // namespace
