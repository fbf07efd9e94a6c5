#include "openrad/io/Loader.h"
#include "openrad/io/Nifti.h"
#include "openrad/phantom/LumbarMri.h"
#include "openrad/phantom/Phantom.h"

#include "Requires.h"
#include "test_mri_ct_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

namespace fs = std::filesystem;
using namespace openrad;
using namespace openrad::phantom;

namespace {

// One dataset generated once for the file-level tests (seed 11, one study).
const fs::path& mriDataset() {
  static const fs::path dir = test::cachedDataset("lumbar_mri_seed11", [](const fs::path& d) {
    GenerateOptions o;
    o.count = 1;
    o.seed = 11;
    o.outDir = d.string();
    generateLumbarMri(o);
  });
  return dir;
}

LumbarMriParams paramsWithHerniations() {
  LumbarMriParams p = sampleLumbarMriParams(3, 0);
  p.herniations.clear();
  DiscHerniation left;
  left.disc = 3;
  left.type = "protrusion";
  left.side = "left";
  left.lateralMm = 6.0;
  left.depthMm = 4.5;
  left.widthMm = 14.0;
  left.heightMm = 6.0;
  DiscHerniation central;
  central.disc = 4;
  central.type = "extrusion";
  central.side = "central";
  central.depthMm = 7.0;
  central.widthMm = 12.0;
  central.heightMm = 12.0;
  central.migrationMm = -5.0;
  p.herniations = {left, central};
  p.midlineOffsetMm = 0.0;
  return p;
}

// Mean of an image over the voxels with a given label (optionally one slice).
double meanOver(const core::Image& img, const core::Image& labels, int label, int slice = -1) {
  const auto& g = img.geometry();
  double sum = 0;
  std::int64_t n = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k) {
    if (slice >= 0 && k != slice) continue;
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i)
        if (static_cast<int>(labels.value(i, j, k)) == label) {
          sum += img.value(i, j, k);
          ++n;
        }
  }
  return n ? sum / static_cast<double>(n) : std::nan("");
}

}  // namespace

TEST(LumbarMri, SampledParametersStayInSpecification) {
  for (std::uint64_t i = 0; i < 40; ++i) {
    const auto p = sampleLumbarMriParams(7, i);
    EXPECT_GE(p.slices, 9);
    EXPECT_LE(p.slices, 15);
    EXPECT_GE(p.sliceThicknessMm, 3.0);
    EXPECT_LE(p.sliceThicknessMm, 4.0);
    EXPECT_GE(p.pixelMm, 0.9);
    EXPECT_LE(p.pixelMm, 1.1);
    for (const auto& h : p.herniations) {
      EXPECT_GE(h.widthMm, 2 * 3.0) << "a herniation must span several slices";
      EXPECT_TRUE(h.side == "left" || h.side == "right" || h.side == "central");
    }
  }
}

TEST(LumbarMri, RenderedCaseHasEveryLabelOnTheSeriesGrid) {
  const auto c = renderLumbarMri(paramsWithHerniations());
  ASSERT_TRUE(c.t1 && c.t2 && c.labels);
  EXPECT_TRUE(c.t1->geometry().sameGrid(c.labels->geometry()));
  EXPECT_TRUE(c.t2->geometry().sameGrid(c.labels->geometry()));
  EXPECT_EQ(c.labels->geometry().size[0], 320);
  std::map<int, std::int64_t> counts;
  const auto* l = c.labels->as<std::uint8_t>();
  for (std::int64_t i = 0; i < c.labels->geometry().voxelCount(); ++i) ++counts[l[i]];
  for (int v = kMriL1; v <= kMriHerniation; ++v) EXPECT_GT(counts[v], 50) << lumbarMriLabelName(v);
  // Sagittal: rows run inferior, columns posterior.
  const auto& d = c.labels->geometry().direction;
  EXPECT_NEAR(d(1, 0), 1.0, 1e-12);
  EXPECT_NEAR(d(2, 1), -1.0, 1e-12);
  EXPECT_NEAR(std::abs(d(0, 2)), 1.0, 1e-12);
}

TEST(LumbarMri, ContrastsFollowTissueRules) {
  LumbarMriParams p = sampleLumbarMriParams(5, 0);
  p.herniations.clear();
  p.degeneration = {0.0, 0.0, 0.1, 0.95, 0.2};
  p.discHeightMm[3] = 4.5;
  const auto c = renderLumbarMri(p);
  const int mid = static_cast<int>(c.labels->geometry().size[2] / 2);
  const double csfT1 = meanOver(*c.t1, *c.labels, kMriCanal, mid), csfT2 = meanOver(*c.t2, *c.labels, kMriCanal, mid);
  const double marrowT1 = meanOver(*c.t1, *c.labels, kMriL1 + 2, mid), marrowT2 = meanOver(*c.t2, *c.labels, kMriL1 + 2, mid);
  EXPECT_LT(csfT1, 0.7 * marrowT1) << "CSF dark on T1";
  EXPECT_GT(csfT2, 1.4 * marrowT2) << "CSF bright on T2";
  const double healthy = meanOver(*c.t2, *c.labels, kMriDiscL1L2, mid);
  const double degenerated = meanOver(*c.t2, *c.labels, kMriDiscL1L2 + 3, mid);
  EXPECT_GT(healthy, 1.4 * degenerated) << "degenerated disc darker on T2";
}

TEST(LumbarMri, HerniationBoxesLieOverThePosteriorDiscMargin) {
  const auto p = paramsWithHerniations();
  const auto c = renderLumbarMri(p);
  const auto& g = c.labels->geometry();
  std::map<std::string, int> slicesPerLevel;
  for (const auto& b : c.herniationBoxes) {
    ++slicesPerLevel[b.level];
    int disc = -1;
    for (int d = 0; d < kLumbarDiscCount; ++d)
      if (b.level == lumbarDiscLevelNames()[static_cast<std::size_t>(d)]) disc = d;
    ASSERT_GE(disc, 0);
    // The posterior disc margin (largest column: columns run posterior) within the box rows, or its
    // nearest slice where the disc is narrower than the herniation.
    int margin = -1, top = g.size[1], bottom = -1;
    for (int k = b.slice; margin < 0 && k >= 0 && std::abs(k - b.slice) <= 3; k += (b.slice < g.size[2] / 2 ? 1 : -1))
      for (int j = 0; j < g.size[1]; ++j)
        for (int i = 0; i < g.size[0]; ++i)
          if (static_cast<int>(c.labels->value(i, j, k)) == kMriDiscL1L2 + disc) {
            top = std::min(top, j);
            bottom = std::max(bottom, j);
            if (j >= b.y0 - 2 && j <= b.y1 + 2) margin = std::max(margin, i);
          }
    ASSERT_GE(margin, 0) << b.level << " slice " << b.slice;
    const int near = static_cast<int>(std::ceil(3.0 / g.spacing[0]));  // within 3 mm of the margin
    EXPECT_LE(b.x0, margin + near) << b.level << " box starts at the disc margin";
    EXPECT_GE(b.x1, margin) << b.level << " box reaches into the canal";
    EXPECT_LT(b.y0, bottom + 4) << b.level;
    EXPECT_GT(b.y1, top - 4) << b.level;
    // Laterality: the slice's LPS x is on the herniation's side.
    const double x = g.indexToPhysical(Eigen::Vector3d(0, 0, b.slice)).x();
    if (b.side == "left") {
      EXPECT_GT(x, -p.sliceThicknessMm);
    }
  }
  EXPECT_GE(slicesPerLevel["L4-L5"], 2) << "herniations span several slices";
  EXPECT_GE(slicesPerLevel["L5-S1"], 2);
}

TEST(LumbarMri, ListhesisShiftsTheUpperVertebraForward) {
  LumbarMriParams p = sampleLumbarMriParams(9, 0);
  p.herniations.clear();
  p.listhesisPercent = {0, 0, 0, 0, 0};
  p.midlineOffsetMm = 0;
  const auto a = renderLumbarMri(p);
  p.listhesisPercent[3] = 24.0;
  const auto b = renderLumbarMri(p);
  ASSERT_EQ(b.listhesis.size(), 5u);
  EXPECT_EQ(b.listhesis[3].level, "L4-L5");
  EXPECT_NEAR(b.listhesis[3].percent, 24.0, 1e-9);
  EXPECT_EQ(b.listhesis[3].grade, 1);
  // Posterior-most column of L4 relative to L5 on the mid slice (columns run posterior).
  auto step = [](const LumbarMriCase& c) {
    const auto& g = c.labels->geometry();
    const int k = static_cast<int>(g.size[2] / 2);
    auto postCol = [&](int label) {
      int col = -1;
      for (int j = 0; j < g.size[1]; ++j)
        for (int i = 0; i < g.size[0]; ++i)
          if (static_cast<int>(c.labels->value(i, j, k)) == label) col = std::max(col, i);
      return col;
    };
    return (postCol(kMriL1 + 4) - postCol(kMriL1 + 3)) * g.spacing[0];
  };
  const double expected = 0.24 * p.bodyDepthMm[4];
  // The whole column is re-aligned to the table afterwards, which takes back a little of the step.
  EXPECT_NEAR(step(b) - step(a), expected, 0.35 * expected + 1.0);
}

TEST(LumbarMri, GeneratedStudyHasManifestTruthAndTwoSeries) {
  const fs::path root = mriDataset();
  std::ifstream mf(root / "manifest.json");
  ASSERT_TRUE(mf.good());
  const auto manifest = nlohmann::json::parse(mf);
  EXPECT_EQ(manifest["kind"], "lumbar-mri");
  EXPECT_EQ(manifest["seed"], 11);
  ASSERT_EQ(manifest["studies"].size(), 1u);
  const fs::path study = root / manifest["studies"][0]["folder"].get<std::string>();
  std::ifstream tf(root / manifest["studies"][0]["groundTruth"].get<std::string>());
  ASSERT_TRUE(tf.good());
  const auto truth = nlohmann::json::parse(tf);
  EXPECT_EQ(truth["listhesis"].size(), 5u);
  EXPECT_EQ(truth["labels"][12]["name"], "canal");
  for (const auto& b : truth["herniationBoxes"]) {
    EXPECT_LE(b["x0"].get<int>(), b["x1"].get<int>());
    EXPECT_TRUE(b.contains("level") && b.contains("side") && b.contains("slice"));
  }
  const auto labels = io::readNifti((study / "labels.nii.gz").string());
  ASSERT_TRUE(labels);

  const auto result = io::loadPath(study.string());
  std::vector<std::shared_ptr<const core::Series>> mr;
  for (const auto& s : result.allSeries())
    if (s->info.modality == "MR") mr.push_back(s);
  ASSERT_EQ(mr.size(), 2u);
  EXPECT_EQ(mr[0]->info.frameOfReferenceUid, mr[1]->info.frameOfReferenceUid);
  EXPECT_EQ(mr[0]->info.studyUid, mr[1]->info.studyUid);
  for (const auto& s : mr) {
    EXPECT_TRUE(s->image->geometry().sameGrid(labels->geometry(), 1e-3))
        << s->info.description << " loaded grid differs from the label map";
    EXPECT_EQ(s->image->geometry().size[2], truth["grid"]["size"][2].get<std::int64_t>());
  }
  // Pixel values survive the round trip (compared with the same case rendered in memory).
  const auto c = renderLumbarMri(sampleLumbarMriParams(11, 0));
  const auto& t2 = mr[0]->info.description.find("T2") != std::string::npos ? mr[0] : mr[1];
  const auto& g = c.t2->geometry();
  for (std::int64_t k = 0; k < g.size[2]; k += 3)
    for (std::int64_t j = 0; j < g.size[1]; j += 11)
      for (std::int64_t i = 0; i < g.size[0]; i += 7)
        ASSERT_EQ(t2->image->value(i, j, k), c.t2->value(i, j, k)) << i << "," << j << "," << k;
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; j += 5)
      for (std::int64_t i = 0; i < g.size[0]; i += 5)
        ASSERT_EQ(labels->value(i, j, k), c.labels->value(i, j, k));
}

TEST(LumbarMri, SameSeedGivesByteIdenticalFiles) {
  const fs::path other = test::scratchDir("mri_b");
  GenerateOptions o;
  o.count = 1;
  o.seed = 11;
  o.outDir = other.string();
  generateLumbarMri(o);
  test::expectSameTree(mriDataset(), other);
}

TEST(LumbarMri, DciodvfyReportsNoErrors) {
  const fs::path root = mriDataset();
  fs::path file;
  for (const auto& e : fs::recursive_directory_iterator(root))
    if (e.path().extension() == ".dcm" && e.path().parent_path().filename() == "t2") {
      file = e.path();
      break;
    }
  ASSERT_FALSE(file.empty());
  const auto report = test::runDciodvfy(file);
  OPENRAD_REQUIRE(report, "dciodvfy (dicom3tools) is not installed");
  EXPECT_TRUE(report->errors.empty()) << report->text;
  for (const auto& w : report->warnings) std::cout << "[dciodvfy MR] " << w << "\n";
}
