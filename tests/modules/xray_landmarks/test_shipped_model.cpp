#include "openrad/ai/ModelManifest.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
#include "openrad/measure/SpineLandmarks.h"
#include "openrad/phantom/SpineXray.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <iostream>

using namespace openrad;

namespace {
const std::string kModelDir = std::string(OPENRAD_SOURCE_DIR) + "/models/xray-landmarks";

/// Series of an image as a plain picture would load (no view tags, spacing from the detector).
std::shared_ptr<core::Series> series(std::shared_ptr<const core::Image> image, const std::string& view) {
  auto s = std::make_shared<core::Series>();
  s->info.modality = "DX";
  s->info.viewPosition = view;
  s->info.pixelSpacingSource = "ImagerPixelSpacing";
  s->image = std::move(image);
  return s;
}

/// The first landmark set of a run's findings.
const core::LandmarkSet& cornersOf(const ai::Findings& f) {
  return f.series.begin()->second.landmarkSets.at(ai::kApCornerSetName);
}

class ShippedXrayModel : public ::testing::Test {
protected:
  void SetUp() override {
    // The model ships with the repository: its absence is a failure, never a skip.
    ASSERT_TRUE(std::filesystem::exists(kModelDir + "/manifest.json")) << kModelDir;
    ASSERT_NE(ai::ModelManifest::read(kModelDir).version, "untrained");
    module = ai::loadXrayLandmarkModule(kModelDir);
  }
  std::unique_ptr<ai::AiModule> module;
};
}  // namespace

// Held-out phantoms (seed 424242, never used for training) within a loose bound (0.1.0 with ordered
// decoding and flip/shift passes: 3.2 px): this guards against a broken pipeline (coordinate maps, label
// order, preprocessing drift, decoding), not the accuracy targets, which `openrad-cli eval` measures on
// ≥ 200 studies.
TEST_F(ShippedXrayModel, FindsCornersOnHeldOutPhantoms) {
  double sum = 0.0;
  const int studies = 3;
  for (int i = 0; i < studies; ++i) {
    const phantom::SpineXrayStudy st = phantom::makeSpineXrayStudy(424242, i);
    const auto s = series(st.ap.image, st.ap.geometry.viewPosition);
    const ai::Findings f = module->run(module->inputFor(s), {});
    const core::LandmarkSet& set = cornersOf(f);
    const auto pred = measure::apCornersFrom(set);
    for (const auto& l : set.points) {
      EXPECT_GE(l.confidence, 0.0) << l.name;
      EXPECT_LE(l.confidence, 1.0) << l.name;
    }
    double mre = 0.0;
    for (int k = 0; k < measure::kApCorners; ++k)
      mre += (pred[static_cast<std::size_t>(k)] - st.ap.landmarks[static_cast<std::size_t>(k)]).norm() / measure::kApCorners;
    sum += mre;
    if (i == 0) {
      // Same weights, same input: the same points (the model was loaded once, eval mode, no dropout).
      const ai::Findings again = module->run(module->inputFor(s), {});
      EXPECT_EQ(cornersOf(again).points[5].position, set.points[5].position);
    }
  }
  std::cout << "mean radial error " << sum / studies << " px\n";
  EXPECT_LT(sum / studies, 6.0) << "mean radial error in pixels (0.6 mm detector pixels)";
}

// A module refuses what it cannot judge: a lateral film saved without view tags, a blank or tiny picture, an image
// with no spine, each with a message that says why.
TEST_F(ShippedXrayModel, RefusesLateralFilmsWithoutViewTagsAndAcceptsApFilms) {
  // Limits were chosen on tuning phantoms of seed 555 (1 of 100 AP films refused, 91 of 100 lateral films);
  // these are phantoms of the test seed 424242.
  int lateralRefused = 0, apRefused = 0;
  const int n = 10;
  for (int i = 0; i < n; ++i) {
    const phantom::SpineXrayStudy st = phantom::makeSpineXrayStudy(424242, i);
    try {
      module->run(module->inputFor(series(st.lateral.image, "")), {});
    } catch (const ai::Refused& e) {
      ++lateralRefused;
      EXPECT_NE(std::string(e.what()).find("refuses"), std::string::npos);
    }
    try {
      module->run(module->inputFor(series(st.ap.image, "")), {});
    } catch (const ai::Refused& e) {
      ++apRefused;
      std::cout << "AP film " << i << " refused: " << e.what() << "\n";
    }
  }
  std::cout << "refused " << lateralRefused << "/" << n << " lateral and " << apRefused << "/" << n << " AP films\n";
  EXPECT_GE(lateralRefused, 6);  // measured 7 of 10 here: the confidence gate is weak (docs/ai.md)
  EXPECT_LE(apRefused, 1);
}

TEST_F(ShippedXrayModel, RefusesBlankTinyAndSpinelessImages) {
  core::Geometry tiny;
  tiny.size = {1, 1, 1};
  tiny.spacingKnown = false;
  EXPECT_THROW(module->run(module->inputFor(series(std::make_shared<core::Image>(tiny, core::PixelType::UInt8), "")), {}),
               ai::Refused);
  core::Geometry g;
  g.size = {512, 1100, 1};
  auto blank = std::make_shared<core::Image>(g, core::PixelType::UInt16);
  try {
    module->run(module->inputFor(series(blank, "")), {});
    FAIL() << "a blank image was analysed";
  } catch (const ai::Refused& e) {
    EXPECT_NE(std::string(e.what()).find("blank"), std::string::npos) << e.what();
  }
  // Smooth noise: no vertebra anywhere.
  auto noise = std::make_shared<core::Image>(g, core::PixelType::UInt16);
  std::uint32_t x = 12345;
  for (int j = 0; j < 1100; ++j)
    for (int i = 0; i < 512; ++i) {
      x = x * 1664525u + 1013904223u;
      noise->setValue(i, j, 0, 1000.0 + 200.0 * std::sin(i / 37.0) * std::cos(j / 53.0) + (x >> 24));
    }
  EXPECT_THROW(module->run(module->inputFor(series(noise, "")), {}), ai::Refused);
}

// A very large film is reduced before the network sees it: the corners come out on the large film's grid, where the
// same film at its own size puts them (scaled).
TEST_F(ShippedXrayModel, LargeFilmIsDownsampledAndCornersScaleBack) {
  const phantom::SpineXrayStudy st = phantom::makeSpineXrayStudy(424242, 1);
  const int f = 8;
  const auto& g0 = st.ap.image->geometry();
  core::Geometry g = g0;
  g.size = {g0.size[0] * f, g0.size[1] * f, 1};
  g.spacing = {g0.spacing[0] / f, g0.spacing[1] / f, 1.0};
  auto big = std::make_shared<core::Image>(g, st.ap.image->pixelType());
  for (std::int64_t j = 0; j < g.size[1]; ++j)
    for (std::int64_t i = 0; i < g.size[0]; ++i) big->setValue(i, j, 0, st.ap.image->value(i / f, j / f, 0));
  const auto small = measure::apCornersFrom(cornersOf(module->run(module->inputFor(series(st.ap.image, "AP")), {})));
  const auto large = measure::apCornersFrom(cornersOf(module->run(module->inputFor(series(big, "AP")), {})));
  double mean = 0.0;
  for (int k = 0; k < measure::kApCorners; ++k) {
    // Pixel centre (x) of the small film is at f·x + (f − 1)/2 on the large one.
    const Eigen::Vector2d expected = small[static_cast<std::size_t>(k)] * f + Eigen::Vector2d::Constant((f - 1) / 2.0);
    mean += (large[static_cast<std::size_t>(k)] - expected).norm() / measure::kApCorners;
  }
  EXPECT_LT(mean, 2.0 * f) << "mean distance (large-film pixels) from the scaled small-film corners";
}
