#include "openrad/io/Loader.h"
#include "openrad/io/Nifti.h"
#include "openrad/phantom/Phantom.h"
#include "openrad/phantom/SpineCt.h"

#include "Dciodvfy.h"
#include "Requires.h"
#include "TempDir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>

using namespace openrad;
using namespace openrad::phantom;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// One generated CT study shared by the tests of this file (generation takes seconds).
const fs::path& ctStudy() {
  // Per process: ctest runs the tests of this file in parallel processes.
  static const openrad::test::TempDir dir("openrad_spine_test_ct");
  static const fs::path root = [] {
    const fs::path p = dir.path() / "study";
    GenerateOptions o;
    o.outDir = p.string();
    o.seed = 77;
    generateSpineCt(o);
    return p;
  }();
  return root;
}

}  // namespace

TEST(SpineCt, VolumeHasBoneSoftTissueAndLabelsAtVertebraCentres) {
  Random rng(3, 0);
  const SpineParams params = sampleSpineParams(rng);
  const SpineModel model = buildSpineModel(params, rng);
  Random ctRng(4);
  const SpineCtVolume v = makeSpineCtVolume(model, ctRng);
  const auto& g = v.ct->geometry();
  EXPECT_EQ(g.size[0], 256);
  EXPECT_LE(g.size[2], 400);
  for (int i = 0; i < kLandmarkVertebrae; ++i) {
    const Eigen::Vector3d idx = g.physicalToIndex(model.vertebrae[static_cast<std::size_t>(i)].centre);
    const auto x = static_cast<std::int64_t>(std::lround(idx.x())), y = static_cast<std::int64_t>(std::lround(idx.y())),
               z = static_cast<std::int64_t>(std::lround(idx.z()));
    if (!v.ct->contains(x, y, z)) continue;
    EXPECT_GT(v.ct->value(x, y, z), 100.0) << vertebraName(i);
    EXPECT_EQ(v.labels->value(x, y, z), SpineLabels::vertebra(i)) << vertebraName(i);
  }
  // Air in the corner, soft tissue in front of L3.
  EXPECT_LT(v.ct->value(0, 0, g.size[2] / 2), -900.0);
}

TEST(SpineCt, SeriesLoadsBackWithGeometryAndHu) {
  const fs::path study = ctStudy() / "spine_ct_00000";
  ASSERT_TRUE(fs::exists(study / "ground_truth.json"));
  ASSERT_TRUE(fs::exists(ctStudy() / "manifest.json"));
  const auto gt = nlohmann::json::parse(slurp(study / "ground_truth.json"));
  const auto res = io::loadPath((study / "ct").string());
  const auto all = res.allSeries();
  ASSERT_EQ(all.size(), 1u);
  const auto& img = *all[0]->image;
  EXPECT_EQ(all[0]->info.modality, "CT");
  EXPECT_EQ(img.geometry().size[2], gt["grid"]["size"][2].get<std::int64_t>());
  EXPECT_NEAR(img.geometry().spacing[2], gt["grid"]["spacing"][2].get<double>(), 1e-3);
  EXPECT_NEAR(img.geometry().origin[2], gt["grid"]["origin"][2].get<double>(), 1e-3);
  const auto& l3 = gt["vertebrae"][14]["centreVoxel"];
  const auto x = std::lround(l3[0].get<double>()), y = std::lround(l3[1].get<double>()), z = std::lround(l3[2].get<double>());
  EXPECT_GT(img.value(x, y, z), 100.0);
  const auto labels = io::readNifti((study / "labels.nii.gz").string());
  EXPECT_TRUE(labels->geometry().sameGrid(img.geometry(), 1e-3));
  EXPECT_EQ(labels->value(x, y, z), 15);
}

TEST(SpineCt, DciodvfyReportsNoErrors) {
  fs::path file;
  for (const auto& e : fs::directory_iterator(ctStudy() / "spine_ct_00000" / "ct")) file = std::max(file, e.path());
  ASSERT_FALSE(file.empty());
  const auto report = openrad::test::runDciodvfy(file);
  OPENRAD_REQUIRE(report, "dciodvfy (dicom3tools) is not installed");
  const std::string& text = report->text;
  EXPECT_EQ(text.find("Error"), std::string::npos) << text;
  std::cout << "CT dciodvfy output:\n" << text.substr(0, 1500) << "\n";
}

TEST(SpineCt, SameSeedGivesIdenticalVolumes) {
  auto make = [] {
    Random rng(55, 2);
    const SpineParams params = sampleSpineParams(rng);
    const SpineModel model = buildSpineModel(params, rng);
    Random ctRng(55, 0x43540002ULL);
    return makeSpineCtVolume(model, ctRng);
  };
  const SpineCtVolume a = make(), b = make();
  ASSERT_EQ(a.ct->byteSize(), b.ct->byteSize());
  EXPECT_EQ(std::memcmp(a.ct->data(), b.ct->data(), a.ct->byteSize()), 0);
  EXPECT_EQ(std::memcmp(a.labels->data(), b.labels->data(), a.labels->byteSize()), 0);
}
