#include "openrad/io/Loader.h"
#include "openrad/io/Nifti.h"
#include "openrad/phantom/HeadCt.h"
#include "openrad/phantom/Phantom.h"

#include "Requires.h"
#include "test_mri_ct_util.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;
using namespace openrad;
using namespace openrad::phantom;

namespace {

constexpr std::uint64_t kSeed = 5;

const fs::path& headDataset() {
  static const fs::path dir = test::cachedDataset("head_ct_seed5", [](const fs::path& d) {
    GenerateOptions o;
    o.count = 1;
    o.seed = kSeed;
    o.outDir = d.string();
    generateHeadCt(o);
  });
  return dir;
}

nlohmann::json readJson(const fs::path& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}

// Lower resolution for in-memory checks: same anatomy and lesions, a quarter of the voxels.
HeadCtParams coarse(HeadCtParams p) {
  p.columns = p.rows = 128;
  p.pixelMm = 1.8;
  return p;
}

// Patient index with the requested trend.
HeadCtPatientPlan planWithTrend(const std::string& trend) {
  for (std::uint64_t i = 0; i < 100; ++i) {
    auto plan = sampleHeadCtPatient(kSeed, i);
    if (plan.trend == trend) return plan;
  }
  return {};
}

}  // namespace

TEST(HeadCt, LabelVolumesMatchReportedMillilitres) {
  const auto manifest = readJson(headDataset() / "manifest.json");
  EXPECT_EQ(manifest["kind"], "head-ct");
  ASSERT_GE(manifest["studies"].size(), 2u) << "baseline plus follow-ups";
  for (const auto& s : manifest["studies"]) {
    const auto truth = readJson(headDataset() / s["groundTruth"].get<std::string>());
    const auto labels = io::readNifti((headDataset() / s["folder"].get<std::string>() / "labels.nii.gz").string());
    const auto& g = labels->geometry();
    const double voxelMl = g.spacing.prod() / 1000.0;
    double ml[4] = {0, 0, 0, 0};
    for (std::int64_t k = 0; k < g.size[2]; ++k)
      for (std::int64_t j = 0; j < g.size[1]; ++j)
        for (std::int64_t i = 0; i < g.size[0]; ++i) {
          const int v = static_cast<int>(labels->value(i, j, k));
          if (v >= 0 && v < 4) ml[v] += voxelMl;
        }
    const double hem = truth["volumesMl"]["hematoma"], edema = truth["volumesMl"]["edema"];
    EXPECT_GT(hem, 1.0);
    EXPECT_NEAR(ml[1], hem, 0.01 * hem);
    EXPECT_NEAR(ml[2], edema, 0.01 * edema + 1e-9);
    EXPECT_NEAR(ml[3], truth["volumesMl"]["extraAxial"].get<double>(), 0.01 * ml[3] + 1e-9);
    EXPECT_GE(truth["lesionCount"].get<int>(), 1);
    EXPECT_EQ(truth["lesions"].size(), truth["lesionCount"].get<std::size_t>());
    double lesionSum = 0;
    for (const auto& l : truth["lesions"]) lesionSum += l["volumeMl"].get<double>();
    EXPECT_NEAR(lesionSum, hem, 1e-6);
    EXPECT_GE(truth["midlineShiftMm"].get<double>(), 0.0);
  }
}

TEST(HeadCt, FollowUpsSharePatientIdAndHaveLaterDates) {
  const auto manifest = readJson(headDataset() / "manifest.json");
  std::string patientId, lastDate, lastStudyUid;
  for (const auto& s : manifest["studies"]) {
    const auto result = io::loadPath((headDataset() / s["folder"].get<std::string>() / "ct").string());
    const auto series = result.allSeries();
    ASSERT_EQ(series.size(), 1u);
    ASSERT_EQ(result.patients.size(), 1u);
    ASSERT_EQ(result.patients[0].studies.size(), 1u);
    const auto& pid = result.patients[0].info.id;
    const auto& date = result.patients[0].studies[0].info.date;
    if (patientId.empty()) {
      patientId = pid;
    } else {
      EXPECT_EQ(pid, patientId);
      EXPECT_GT(date, lastDate) << "follow-up must be later";
      EXPECT_NE(series[0]->info.studyUid, lastStudyUid);
    }
    lastDate = date;
    lastStudyUid = series[0]->info.studyUid;
  }
}

TEST(HeadCt, HematomaGrowsOrShrinksAsSampled) {
  for (const std::string trend : {"growing", "shrinking"}) {
    const auto plan = planWithTrend(trend);
    ASSERT_GE(plan.studies.size(), 2u) << trend;
    double previous = -1;
    int previousDay = -1;
    for (const auto& p : plan.studies) {
      const auto c = renderHeadCt(coarse(p));
      EXPECT_GT(p.day, previousDay);
      if (previous >= 0) {
        if (trend == "growing") {
          EXPECT_GT(c.hematomaMl, 1.1 * previous) << "day " << p.day;
        } else {
          EXPECT_LT(c.hematomaMl, 0.95 * previous) << "day " << p.day;
        }
      }
      previous = c.hematomaMl;
      previousDay = p.day;
    }
  }
}

TEST(HeadCt, IntensitiesAndMidlineShiftArePlausible) {
  const auto plan = sampleHeadCtPatient(kSeed, 0);
  const auto c = renderHeadCt(plan.studies[0]);
  const auto& g = c.ct->geometry();
  double maxHu = -2000, hemSum = 0, edSum = 0;
  std::int64_t hemN = 0, edN = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i) {
        const double v = c.ct->value(i, j, k);
        maxHu = std::max(maxHu, v);
        const int l = static_cast<int>(c.labels->value(i, j, k));
        if (l == kCtHematoma) {
          hemSum += v;
          ++hemN;
        }
        // Oedema away from the clot: the 5 mm slice and the scanner blur mix the rim with the clot.
        bool core = l == kCtEdema;
        for (int dk = -1; dk <= 1 && core; ++dk)
          for (int d = -2; d <= 2 && core; ++d)
            for (int e = -2; e <= 2 && core; ++e)
              if (c.labels->contains(i + d, j + e, k + dk) &&
                  static_cast<int>(c.labels->value(i + d, j + e, k + dk)) == kCtHematoma)
                core = false;
        if (core) {
          edSum += v;
          ++edN;
        }
      }
  EXPECT_GT(maxHu, 1000) << "cortical bone";
  ASSERT_GT(hemN, 0);
  ASSERT_GT(edN, 0);
  EXPECT_GT(hemSum / hemN, 50);
  EXPECT_LT(hemSum / hemN, 90);
  EXPECT_GT(edSum / edN, 12);
  EXPECT_LT(edSum / edN, 28);
  // The shift points away from the (largest) hematoma.
  ASSERT_FALSE(c.lesions.empty());
  EXPECT_GT(c.midlineShiftMm, 0.3);
  const std::string hemSide = plan.studies[0].hematomas[0].centre.x() > 0 ? "left" : "right";
  if (plan.studies[0].extraAxial.type.empty()) {
    EXPECT_NE(c.midlineShiftToward, hemSide);
  }
  // Each centroid lies in its lesion.
  for (const auto& l : c.lesions) {
    const Eigen::Vector3d idx = g.physicalToIndex(l.centroidLps);
    EXPECT_EQ(static_cast<int>(c.labels->value(std::lround(idx.x()), std::lround(idx.y()), std::lround(idx.z()))),
              kCtHematoma);
  }
}

TEST(HeadCt, LoadedSeriesKeepsHuGeometryAndLabelGrid) {
  const auto manifest = readJson(headDataset() / "manifest.json");
  const fs::path study = headDataset() / manifest["studies"][0]["folder"].get<std::string>();
  const auto result = io::loadPath((study / "ct").string());
  const auto series = result.allSeries();
  ASSERT_EQ(series.size(), 1u);
  const auto labels = io::readNifti((study / "labels.nii.gz").string());
  EXPECT_TRUE(series[0]->image->geometry().sameGrid(labels->geometry(), 1e-3));
  const auto c = renderHeadCt(sampleHeadCtPatient(kSeed, 0).studies[0]);
  ASSERT_TRUE(series[0]->image->geometry().sameGrid(c.ct->geometry(), 1e-3));
  const auto& g = c.ct->geometry();
  for (std::int64_t k = 0; k < g.size[2]; k += 5)
    for (std::int64_t j = 0; j < g.size[1]; j += 17)
      for (std::int64_t i = 0; i < g.size[0]; i += 13)
        ASSERT_EQ(series[0]->image->value(i, j, k), c.ct->value(i, j, k)) << i << "," << j << "," << k;
}

TEST(HeadCt, SameSeedGivesByteIdenticalFiles) {
  const fs::path other = test::scratchDir("headct_b");
  GenerateOptions o;
  o.count = 1;
  o.seed = kSeed;
  o.outDir = other.string();
  generateHeadCt(o);
  test::expectSameTree(headDataset(), other);
}

TEST(HeadCt, DciodvfyReportsNoErrors) {
  fs::path file;
  for (const auto& e : fs::recursive_directory_iterator(headDataset()))
    if (e.path().extension() == ".dcm") {
      file = e.path();
      break;
    }
  ASSERT_FALSE(file.empty());
  const auto report = test::runDciodvfy(file);
  OPENRAD_REQUIRE(report, "dciodvfy (dicom3tools) is not installed");
  EXPECT_TRUE(report->errors.empty()) << report->text;
  for (const auto& w : report->warnings) std::cout << "[dciodvfy CT] " << w << "\n";
}
