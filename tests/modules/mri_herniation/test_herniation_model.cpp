// mri-herniation, the network path: the module refuses what it cannot judge (no lumbar segmentation, not sagittal MR,
// a label map on another grid, a tampered model).
#include "HerniationModule.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/modules/Module.h"
#include "openrad/modules/mri_herniation/HerniationReview.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/phantom/LumbarMri.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <fstream>

namespace {

using namespace openrad;
using namespace openrad::modules::mri_herniation;

std::shared_ptr<core::Series> mrSeries(std::shared_ptr<const core::Image> image, const std::string& modality = "MR") {
  auto s = std::make_shared<core::Series>();
  s->info.seriesUid = "1.2.3.5";
  s->info.modality = modality;
  s->image = std::move(image);
  return s;
}

phantom::LumbarMriCase phantomWith(std::uint64_t seed, const std::vector<phantom::DiscHerniation>& herniations) {
  phantom::LumbarMriParams p = phantom::sampleLumbarMriParams(seed, 0);
  p.herniations = herniations;
  return phantom::renderLumbarMri(p);
}

phantom::DiscHerniation herniation(int disc, const std::string& type) {
  phantom::DiscHerniation h;
  h.disc = disc, h.type = type, h.side = "central", h.lateralMm = 0;
  h.depthMm = type == "extrusion" ? 7.0 : 4.5;
  h.widthMm = type == "extrusion" ? 12.0 : 16.0;
  h.heightMm = type == "extrusion" ? 11.0 : 6.0;
  return h;
}

TEST(HerniationModule, RefusesWithoutTheLumbarSegmentationOrOnNonSagittalMr) {
  test::TempDir dir("herniation-model");
  writeUntrainedHerniationModel(dir.file("m"), 3);
  const HerniationModule module(dir.file("m"), {});
  const auto c = phantomWith(41, {herniation(3, "protrusion")});
  const auto series = mrSeries(c.t2);
  try {
    (void)module.run(module.inputFor(series), {});
    FAIL() << "ran without a segmentation";
  } catch (const ai::Refused& e) {
    EXPECT_NE(std::string(e.what()).find("mri-lumbar"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(module.accepts(*mrSeries(c.t2, "CT")));
  // A label map on another grid is refused, not read off by index.
  ai::AnalysisInput in = module.inputFor(series);
  core::Geometry g = c.t2->geometry();
  g.size[0] -= 1;
  core::LabelMap other;
  other.labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  in.annotations[series->info.seriesUid].labelMaps[modules::mri_lumbar::kLabelMap] = other;
  EXPECT_THROW((void)module.run(in, {}), ai::Refused);
}

TEST(HerniationModule, ATamperedModelIsRefusedNamingTheFile) {
  test::TempDir dir("herniation-tamper");
  writeUntrainedHerniationModel(dir.file("m"), 4);
  {
    std::ofstream w(dir.file("m") + "/weights.pt", std::ios::app | std::ios::binary);
    w << "x";
  }
  try {
    HerniationModule module(dir.file("m"), {});
    FAIL() << "loaded tampered weights";
  } catch (const ai::ModelError& e) {
    EXPECT_NE(std::string(e.what()).find("weights.pt"), std::string::npos) << e.what();
  }
}

}  // namespace
