// mri-herniation, the network path: the module refuses what it cannot judge (no lumbar segmentation, not sagittal MR,
// a label map on another grid, a tampered model); the shipped model, after the shipped mri-lumbar segmentation as in
// the workstation, finds a forced herniation and calls a forced healthy spine clean.
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
#include <iostream>
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

/// Segments `series` with the shipped mri-lumbar model and runs the shipped herniation module on it.
ai::Findings analyseWithShipped(const std::shared_ptr<core::Series>& series) {
  const auto lumbar = modules::Registry::builtIn().create("mri-lumbar", ai::defaultModelsRoot(), {});
  const ai::Findings seg = lumbar->run(lumbar->inputFor(series), {});
  const HerniationModule module(shippedHerniationModel(), {});
  ai::AnalysisInput in = module.inputFor(series);
  in.annotations[series->info.seriesUid].labelMaps[modules::mri_lumbar::kLabelMap] =
      seg.series.at(series->info.seriesUid).labelMaps.at(modules::mri_lumbar::kLabelMap);
  return module.run(in, {});
}

std::set<std::string> levelsFound(const ai::Findings& f) {
  std::set<std::string> out;
  for (const auto& [uid, a] : f.series)
    for (const auto& b : a.boxes) out.insert(b.label);
  return out;
}

// Seeds 61001-61006 were never used in training (5101), tuning (5202) or held-out evaluation (31338). Bounds from the
// held-out figures (sensitivity 1.0, per-level FPR 0.029 under the rule): every forced extrusion found; over the 54
// healthy levels (4 other levels of each sick spine, 5 of each healthy one) at most 4 false findings (7 %).
TEST(HerniationShippedModel, FindsForcedExtrusionsAndFewFalseLevels) {
  int missed = 0, falseLevels = 0;
  for (std::uint64_t seed = 61001; seed <= 61006; ++seed) {
    const auto sick = levelsFound(analyseWithShipped(mrSeries(phantomWith(seed, {herniation(3, "extrusion")}).t2)));
    missed += sick.count("L4-L5") ? 0 : 1;
    falseLevels += static_cast<int>(sick.size()) - (sick.count("L4-L5") ? 1 : 0);
    const auto healthy = levelsFound(analyseWithShipped(mrSeries(phantomWith(seed, {}).t2)));
    falseLevels += static_cast<int>(healthy.size());
    std::string all;
    for (const auto& l : sick) all += " " + l;
    all += " | healthy:";
    for (const auto& l : healthy) all += " " + l;
    std::cout << "seed " << seed << " forced L4-L5 extrusion, found:" << all << std::endl;
  }
  EXPECT_EQ(missed, 0) << "forced L4-L5 extrusions missed";
  EXPECT_LE(falseLevels, 4) << "false findings over 54 healthy levels";
}

}  // namespace
