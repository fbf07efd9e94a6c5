#include "openrad/io/Loader.h"
#include "openrad/phantom/Phantom.h"
#include "openrad/phantom/SpineXray.h"

#include "Dciodvfy.h"
#include "Requires.h"
#include "TempDir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>

using namespace openrad;
using namespace openrad::phantom;
namespace fs = std::filesystem;

namespace {

fs::path scratch(const std::string& name) {
  // Per process: ctest runs the tests of this file in parallel processes.
  static const openrad::test::TempDir base("openrad_spine_test");
  const fs::path p = base.path() / name;
  fs::remove_all(p);
  fs::create_directories(p);
  return p;
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Pixel where the ray source -> point meets the detector plane, from the detector description alone.
Eigen::Vector2d rayHit(const XrayGeometry& g, const Eigen::Vector3d& x) {
  const Eigen::Vector3d o = g.detectorOrigin();
  const Eigen::Vector3d n = g.colDir.cross(g.rowDir);
  const Eigen::Vector3d d = x - g.source;
  const double t = n.dot(o - g.source) / n.dot(d);
  const Eigen::Vector3d hit = g.source + t * d;
  return {(hit - o).dot(g.colDir) / g.pixelSpacing, (hit - o).dot(g.rowDir) / g.pixelSpacing};
}

SpineXraySettings noImages() {
  SpineXraySettings s;
  s.render = false;
  return s;
}

}  // namespace

TEST(SpineXray, ProjectedCornersLandOnLandmarks) {
  for (int i = 0; i < 10; ++i) {
    const auto st = makeSpineXrayStudy(7, i, noImages());
    for (int view = 0; view < 2; ++view) {
      const auto& v = view == 0 ? st.ap : st.lateral;
      ASSERT_EQ(v.landmarks.size(), 72u);
      const Eigen::Matrix<double, 3, 4> p = v.geometry.projectionMatrix();
      for (int k = 0; k < kModelVertebrae; ++k)
        for (int c = 0; c < 4; ++c) {
          const auto& vert = st.model.vertebrae[static_cast<std::size_t>(k)];
          const Eigen::Vector3d x = view == 0 ? vert.apCorners[static_cast<std::size_t>(c)]
                                              : vert.lateralCorners[static_cast<std::size_t>(c)];
          const Eigen::Vector3d h = p * x.homogeneous();
          const Eigen::Vector2d viaMatrix(h.x() / h.z(), h.y() / h.z());
          const Eigen::Vector2d gt = v.landmarks[static_cast<std::size_t>(4 * k + c)];
          EXPECT_LT((viaMatrix - gt).norm(), 0.5);
          EXPECT_LT((rayHit(v.geometry, x) - gt).norm(), 0.5);
        }
    }
  }
}

TEST(SpineXray, LandmarksStayInsideTheDetector) {
  for (int i = 0; i < 40; ++i) {
    const auto st = makeSpineXrayStudy(11, i, noImages());
    for (const auto* v : {&st.ap, &st.lateral})
      for (int k = 0; k < 68; ++k) {
        const auto& q = v->landmarks[static_cast<std::size_t>(k)];
        EXPECT_GT(q.x(), 0.0);
        EXPECT_GT(q.y(), 0.0);
        EXPECT_LT(q.x(), v->geometry.columns - 1.0);
        EXPECT_LT(q.y(), v->geometry.rows - 1.0) << "study " << i << " point " << k;
      }
  }
}

TEST(SpineXray, CobbFromLandmarksMatchesSampledCurves) {
  int curved = 0;
  double worst = 0.0;
  for (int i = 0; i < 150; ++i) {
    const auto st = makeSpineXrayStudy(3, i, noImages());
    double want[3] = {0, 0, 0};
    for (const auto& c : st.model.params.curves)
      want[c.region == "PT" ? 0 : (c.region == "MT" ? 1 : 2)] = c.cobbDeg;
    const double got[3] = {st.cobb.proximalThoracic.angleDeg, st.cobb.mainThoracic.angleDeg,
                           st.cobb.thoracolumbar.angleDeg};
    for (int r = 0; r < 3; ++r) {
      EXPECT_NEAR(got[r], want[r], 1.0) << "study " << i << " region " << r;
      worst = std::max(worst, std::fabs(got[r] - want[r]));
    }
    curved += st.model.params.curves.empty() ? 0 : 1;
  }
  std::cout << "worst |Cobb(landmarks) - model| = " << worst << " deg\n";
  EXPECT_GT(curved, 100);
}

TEST(SpineXray, SagittalAnglesOnLateralFollowTheModel) {
  for (int i = 0; i < 20; ++i) {
    const auto st = makeSpineXrayStudy(5, i, noImages());
    // Endplate angles in 3D follow the sampled values (wedging is compensated; coronal curves perturb the
    // sagittal projection a little).
    double maxCobb = 0.0;
    for (const auto& c : st.model.params.curves) maxCobb = std::max(maxCobb, c.cobbDeg);
    const double tol3d = maxCobb < 20.0 ? 1.0 : 6.0;
    EXPECT_NEAR(st.model.realisedKyphosisDeg, st.model.params.kyphosisDeg, tol3d) << i;
    EXPECT_NEAR(st.model.realisedLordosisDeg, st.model.params.lordosisDeg, tol3d) << i;
    // The lateral image is a perspective projection of rotated, tilted vertebrae: close only without scoliosis.
    if (maxCobb < 20.0) {
      EXPECT_NEAR(st.lateralKyphosisDeg, st.model.realisedKyphosisDeg, 3.0) << i;
      EXPECT_NEAR(st.lateralLordosisDeg, st.model.realisedLordosisDeg, 3.0) << i;
    }
  }
}

TEST(SpineXray, SameSeedGivesIdenticalBytes) {
  const fs::path a = scratch("same_a"), b = scratch("same_b");
  GenerateOptions o;
  o.count = 2;
  o.seed = 42;
  o.outDir = a.string();
  generateSpineXray(o);
  o.outDir = b.string();
  generateSpineXray(o);
  int files = 0;
  for (const auto& e : fs::recursive_directory_iterator(a)) {
    if (!e.is_regular_file()) continue;
    const fs::path rel = fs::relative(e.path(), a);
    ASSERT_TRUE(fs::exists(b / rel)) << rel;
    EXPECT_EQ(slurp(e.path()), slurp(b / rel)) << rel;
    ++files;
  }
  EXPECT_GE(files, 2 * 5 + 1);
  // A different seed changes the images.
  const fs::path c = scratch("same_c");
  o.outDir = c.string();
  o.seed = 43;
  o.count = 1;
  generateSpineXray(o);
  EXPECT_NE(slurp(a / "spine_xray_00000" / "ground_truth.json"), slurp(c / "spine_xray_00000" / "ground_truth.json"));
}

TEST(SpineXray, DxLoadsBackWithGeometryTags) {
  const fs::path out = scratch("load");
  GenerateOptions o;
  o.outDir = out.string();
  o.seed = 9;
  generateSpineXray(o);
  const auto gt = nlohmann::json::parse(slurp(out / "spine_xray_00000" / "ground_truth.json"));
  ASSERT_TRUE(fs::exists(out / "manifest.json"));
  for (const std::string view : {"ap", "lateral"}) {
    const auto res = io::loadPath((out / "spine_xray_00000" / view).string());
    const auto all = res.allSeries();
    ASSERT_EQ(all.size(), 1u) << view;
    const auto& s = *all[0];
    EXPECT_EQ(s.info.modality, "DX");
    EXPECT_EQ(s.info.viewPosition, view == "ap" ? "PA" : "LL");
    ASSERT_TRUE(s.info.distanceSourceToDetector.has_value());
    ASSERT_TRUE(s.info.distanceSourceToPatient.has_value());
    const auto& vj = gt["views"][view];
    EXPECT_NEAR(*s.info.distanceSourceToDetector, vj["distanceSourceToDetector"].get<double>(), 1e-3);
    EXPECT_NEAR(*s.info.distanceSourceToPatient, vj["distanceSourceToPatient"].get<double>(), 1e-3);
    EXPECT_NEAR(s.image->geometry().spacing[0], vj["imagerPixelSpacing"].get<double>(), 1e-6);
    EXPECT_EQ(s.image->geometry().size[0], vj["columns"].get<int>());
    EXPECT_EQ(s.image->geometry().size[1], vj["rows"].get<int>());
    EXPECT_EQ(s.info.pixelSpacingSource, "ImagerPixelSpacing");
  }
}

TEST(SpineXray, DciodvfyReportsNoErrors) {
  const fs::path out = scratch("dciodvfy");
  GenerateOptions o;
  o.outDir = out.string();
  o.seed = 5;
  generateSpineXray(o);
  for (const std::string view : {"ap", "lateral"}) {
    fs::path file;
    for (const auto& e : fs::directory_iterator(out / "spine_xray_00000" / view)) file = e.path();
    ASSERT_FALSE(file.empty()) << view;
    const auto report = openrad::test::runDciodvfy(file);
    OPENRAD_REQUIRE(report, "dciodvfy (dicom3tools) is not installed");
    const std::string& text = report->text;
    EXPECT_EQ(text.find("Error"), std::string::npos) << text;
    std::cout << view << " dciodvfy warnings: "
              << std::count(text.begin(), text.end(), '\n') << " lines\n" << text.substr(0, 1500) << "\n";
  }
}

TEST(SpineXray, ImagesShowBoneBrighterThanSoftTissueAndLungsDarker) {
  const auto st = makeSpineXrayStudy(21, 0);
  const auto& img = *st.ap.image;
  const auto& lm = st.ap.landmarks;
  // Mean value inside the L3 body vs beside it (soft tissue), and inside the lung field vs the spine.
  auto meanBox = [&](double cx, double cy, int r) {
    double s = 0;
    int n = 0;
    for (int y = static_cast<int>(cy) - r; y <= static_cast<int>(cy) + r; ++y)
      for (int x = static_cast<int>(cx) - r; x <= static_cast<int>(cx) + r; ++x)
        if (img.contains(x, y)) s += img.value(x, y), ++n;
    return s / std::max(1, n);
  };
  const int l3 = 14;
  Eigen::Vector2d c = Eigen::Vector2d::Zero();
  for (int k = 0; k < 4; ++k) c += lm[static_cast<std::size_t>(4 * l3 + k)] / 4.0;
  const double bodyWidth = (lm[static_cast<std::size_t>(4 * l3 + 1)] - lm[static_cast<std::size_t>(4 * l3)]).norm();
  const double bone = meanBox(c.x(), c.y(), 8);
  const double soft = meanBox(c.x() + 1.6 * bodyWidth, c.y(), 8);
  EXPECT_GT(bone, soft + 150);
  Eigen::Vector2d t6 = Eigen::Vector2d::Zero();
  for (int k = 0; k < 4; ++k) t6 += lm[static_cast<std::size_t>(4 * 5 + k)] / 4.0;
  const double lung = meanBox(t6.x() + 0.18 * img.geometry().size[0], t6.y(), 8);
  EXPECT_LT(lung, meanBox(t6.x(), t6.y(), 8) - 150);
}

TEST(SpineXray, FracturesAndListhesisAppearWithTheirGeometry) {
  int fractures = 0, slips = 0;
  for (int i = 0; i < 200; ++i) {
    Random rng(13, static_cast<std::uint64_t>(i));
    const SpineParams p = sampleSpineParams(rng);
    if (p.fractureLevel < 0 && p.listhesisLevel < 0) continue;
    const SpineModel m = buildSpineModel(p, rng);
    if (p.fractureLevel >= 0) {
      ++fractures;
      const auto& v = m.vertebrae[static_cast<std::size_t>(p.fractureLevel)];
      EXPECT_LT(v.heightAnterior, v.heightPosterior) << "anterior wedge at " << v.name;
    }
    if (p.listhesisLevel >= 0) {
      ++slips;
      EXPECT_GE(p.listhesisGrade, 1);
      EXPECT_LE(p.listhesisGrade, 3);
      EXPECT_GT(p.listhesisPercent, 25.0 * (p.listhesisGrade - 1));
      EXPECT_LE(p.listhesisPercent, 25.0 * p.listhesisGrade);
      const auto& up = m.vertebrae[static_cast<std::size_t>(p.listhesisLevel)];
      const auto& lo = m.vertebrae[static_cast<std::size_t>(p.listhesisLevel + 1)];
      EXPECT_NEAR(up.anteriorShift, p.listhesisPercent / 100.0 * 2.0 * lo.halfDepth, 1e-9);
      // Against the same spine without the slip, the slipped body moved anteriorly by exactly that amount.
      SpineParams q = p;
      q.listhesisLevel = -1;
      Random rng2(1);
      const SpineModel m0 = buildSpineModel(q, rng2);
      const auto& up0 = m0.vertebrae[static_cast<std::size_t>(p.listhesisLevel)];
      EXPECT_NEAR((up.centre - up0.centre).dot(-lo.frame.col(1)), up.anteriorShift, 0.05);
    }
  }
  EXPECT_GT(fractures, 5);
  EXPECT_GT(slips, 5);
}

TEST(SpineXray, GroundTruthDoesNotDependOnRendering) {
  SpineXraySettings noImg;
  noImg.render = false;
  const auto a = makeSpineXrayStudy(8, 3, noImg);
  const auto b = makeSpineXrayStudy(8, 3);
  EXPECT_EQ(spineXrayGroundTruthJson(a), spineXrayGroundTruthJson(b));
  ASSERT_TRUE(b.ap.image && b.lateral.image);
  EXPECT_FALSE(a.ap.image);
}
