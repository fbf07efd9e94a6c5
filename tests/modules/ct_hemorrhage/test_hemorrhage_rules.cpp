// ct-hemorrhage, Torch-free rules: volumes, 26-connected lesions (minimum volume, mean HU, centroid, side,
// compartment, location class), ABC/2 on drawn boxes and a voxelised ellipsoid, midline shift from three points,
// follow-up ordering, changes and expansion, lesion matching. Every label map is drawn here with a known answer.
#include "openrad/modules/ct_hemorrhage/HemorrhageRules.h"

#include "openrad/phantom/HeadCt.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>

#include <algorithm>
#include <array>
#include <cmath>
#include <memory>
#include <utility>

namespace {

using namespace openrad;
using namespace openrad::modules::ct_hemorrhage;
using Eigen::Vector3d;

constexpr double kPi = 3.14159265358979323846;

core::Geometry grid(std::int64_t nx, std::int64_t ny, std::int64_t nz, const Vector3d& spacing, const Vector3d& origin) {
  core::Geometry g;
  g.size = {nx, ny, nz};
  g.spacing = spacing;
  g.origin = origin;
  return g;
}

core::Image labelMap(const core::Geometry& g) { return core::Image(g, core::PixelType::UInt8); }

/// Fills the index box [lo, hi] (inclusive) of `image` with `value`.
void box(core::Image& image, const std::array<std::int64_t, 3>& lo, const std::array<std::int64_t, 3>& hi, double value) {
  for (std::int64_t k = lo[2]; k <= hi[2]; ++k)
    for (std::int64_t j = lo[1]; j <= hi[1]; ++j)
      for (std::int64_t i = lo[0]; i <= hi[0]; ++i) image.setValue(i, j, k, value);
}

/// A 5x5x5 hematoma cube (0.125 mL at 1 mm) centred on the voxel nearest to the patient point `p`.
void cubeAt(core::Image& labels, const Vector3d& p) {
  const Vector3d idx = labels.geometry().physicalToIndex(p);
  const std::int64_t i = std::llround(idx.x()), j = std::llround(idx.y()), k = std::llround(idx.z());
  box(labels, {i - 2, j - 2, k - 2}, {i + 2, j + 2, k + 2}, phantom::kCtHematoma);
}

/// 1 mm isotropic head-sized grid centred on the patient origin (x, y, z from -60 to 60 mm).
core::Geometry headGrid() { return grid(121, 121, 121, Vector3d(1, 1, 1), Vector3d(-60, -60, -60)); }

// ---- volumes ----

TEST(HemorrhageVolumes, CountsEachClassAtTheVoxelVolume) {
  core::Image labels = labelMap(grid(40, 40, 10, Vector3d(0.5, 0.5, 2.0), Vector3d::Zero()));  // 0.5 mm³ a voxel
  box(labels, {0, 0, 0}, {9, 9, 9}, phantom::kCtHematoma);      // 1000 voxels
  box(labels, {20, 0, 0}, {29, 9, 2}, phantom::kCtEdema);       // 300
  box(labels, {0, 30, 0}, {4, 39, 0}, phantom::kCtExtraAxial);  // 50
  labels.setValue(39, 39, 9, 7);                                // unknown label: ignored
  const Volumes v = volumes(labels);
  EXPECT_NEAR(v.hematomaMl, 0.5, 1e-12);
  EXPECT_NEAR(v.edemaMl, 0.15, 1e-12);
  EXPECT_NEAR(v.extraAxialMl, 0.025, 1e-12);
  EXPECT_NEAR(v.relativeEdema, 0.3, 1e-12);
}

TEST(HemorrhageVolumes, RelativeEdemaIsNaNWithoutHematoma) {
  core::Image labels = labelMap(grid(10, 10, 10, Vector3d(1, 1, 1), Vector3d::Zero()));
  box(labels, {0, 0, 0}, {4, 4, 4}, phantom::kCtEdema);
  const Volumes v = volumes(labels);
  EXPECT_EQ(v.hematomaMl, 0.0);
  EXPECT_NEAR(v.edemaMl, 0.125, 1e-12);
  EXPECT_TRUE(std::isnan(v.relativeEdema));
}

TEST(HemorrhageVolumes, RejectsALabelMapThatIsNotUint8) {
  const core::Image ct(grid(4, 4, 4, Vector3d(1, 1, 1), Vector3d::Zero()), core::PixelType::Int16);
  EXPECT_THROW(volumes(ct), std::invalid_argument);
  EXPECT_THROW(lesions(ct), std::invalid_argument);
}

// ---- lesions ----

TEST(HemorrhageLesions, TwoSeparatedBlobsAreTwoLesionsWithExactVolumesLargestFirst) {
  const core::Geometry g = grid(40, 40, 20, Vector3d(1, 1, 2), Vector3d(-20, -10, 5));  // 2 mm³ a voxel
  core::Image labels = labelMap(g);
  core::Image ct(g, core::PixelType::Int16);
  box(ct, {0, 0, 0}, {39, 39, 19}, 30);
  box(labels, {25, 25, 10}, {30, 30, 13}, phantom::kCtHematoma);  // 6x6x4 = 144 voxels, drawn later in memory...
  box(ct, {25, 25, 10}, {30, 30, 13}, 50);
  box(labels, {2, 2, 2}, {11, 11, 6}, phantom::kCtHematoma);  // ... 10x10x5 = 500 voxels, first in memory
  box(ct, {2, 2, 2}, {11, 11, 6}, 70);
  const std::vector<Lesion> found = lesions(labels, ct);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].voxels, 500);
  EXPECT_NEAR(found[0].volumeMl, 1.0, 1e-12);
  EXPECT_NEAR(found[0].meanHu, 70.0, 1e-12);
  EXPECT_TRUE(found[0].centroidLps.isApprox(g.indexToPhysical(Vector3d(6.5, 6.5, 4)), 1e-12));
  EXPECT_EQ(found[1].voxels, 144);
  EXPECT_NEAR(found[1].volumeMl, 0.288, 1e-12);
  EXPECT_NEAR(found[1].meanHu, 50.0, 1e-12);
  EXPECT_TRUE(found[1].centroidLps.isApprox(g.indexToPhysical(Vector3d(27.5, 27.5, 11.5)), 1e-12));
  // Oedema and extra-axial voxels touching a hematoma are not part of it.
  box(labels, {12, 2, 2}, {14, 11, 6}, phantom::kCtEdema);
  EXPECT_EQ(lesions(labels).front().voxels, 500);
  EXPECT_TRUE(std::isnan(lesions(labels).front().meanHu));
}

TEST(HemorrhageLesions, VoxelsTouchingOnlyAtACornerAreOneLesion) {
  LesionRules all;
  all.minVolumeMl = 0;
  core::Image labels = labelMap(grid(12, 12, 12, Vector3d(1, 1, 1), Vector3d::Zero()));
  labels.setValue(5, 5, 5, phantom::kCtHematoma);
  labels.setValue(6, 6, 6, phantom::kCtHematoma);  // shares only a corner with (5, 5, 5)
  ASSERT_EQ(lesions(labels, all).size(), 1u);
  EXPECT_EQ(lesions(labels, all)[0].voxels, 2);
  labels.setValue(8, 8, 8, phantom::kCtHematoma);  // one voxel gap from (6, 6, 6): separate
  EXPECT_EQ(lesions(labels, all).size(), 2u);
}

TEST(HemorrhageLesions, ALesionUnderTheMinimumVolumeIsDropped) {
  core::Image labels = labelMap(grid(40, 20, 20, Vector3d(1, 1, 1), Vector3d::Zero()));  // 0.001 mL a voxel
  box(labels, {0, 0, 0}, {10, 0, 8}, phantom::kCtHematoma);    // 99 voxels = 0.099 mL
  box(labels, {20, 0, 0}, {20, 0, 0}, phantom::kCtHematoma);   // 1 voxel
  box(labels, {30, 5, 5}, {30, 5, 5}, phantom::kCtHematoma);
  box(labels, {25, 10, 0}, {25, 10, 19}, phantom::kCtHematoma);  // 20 voxels
  box(labels, {0, 15, 0}, {9, 15, 9}, phantom::kCtHematoma);      // 10x1x10 = 100 ...
  labels.setValue(10, 15, 0, phantom::kCtHematoma);                       // ... + 1 = 101 voxels
  const std::vector<Lesion> found = lesions(labels);  // default minimum 0.1 mL
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].voxels, 101);
  LesionRules loose;
  loose.minVolumeMl = 0.05;
  EXPECT_EQ(lesions(labels, loose).size(), 2u);  // the 99-voxel lesion comes back, the 20 and 1 voxel ones do not
  loose.minVolumeMl = 0;
  EXPECT_EQ(lesions(labels, loose).size(), 5u);
  EXPECT_EQ(abcOverTwo(labels).lesions.size(), 1u);  // ABC/2 uses the same components
}

TEST(HemorrhageLesions, SideFromTheMidsagittalPlane) {
  core::Image labels = labelMap(headGrid());
  cubeAt(labels, Vector3d(30, 0, 30));   // +x: patient left
  box(labels, {18, 58, 88}, {24, 64, 92}, phantom::kCtHematoma);  // x = -42..-36: patient right, larger
  const std::vector<Lesion> found = lesions(labels);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].side, "right");
  EXPECT_NEAR(found[0].lateralMm, -39, 1e-9);
  EXPECT_EQ(found[1].side, "left");
  EXPECT_NEAR(found[1].lateralMm, 30, 1e-9);
  // A plane at x = 35 with its normal given toward the right (flipped to the left): both lesions are right of it.
  LesionRules shifted;
  shifted.midsagittal.point = Vector3d(35, 0, 0);
  shifted.midsagittal.normal = Vector3d(-2, 0, 0);
  const std::vector<Lesion> moved = lesions(labels, shifted);
  EXPECT_EQ(moved[0].side, "right");
  EXPECT_EQ(moved[1].side, "right");
  EXPECT_NEAR(moved[1].lateralMm, -5, 1e-9);
}

TEST(HemorrhageLesions, CompartmentFromTheTentoriumHeight) {
  core::Image labels = labelMap(headGrid());
  box(labels, {87, 57, 88}, {93, 63, 92}, phantom::kCtHematoma);  // (30, 0, 30), 245 voxels
  cubeAt(labels, Vector3d(-10, 30, -40));                         // cerebellar, 125 voxels
  LesionRules rules;
  rules.tentoriumZMm = -20;
  std::vector<Lesion> found = lesions(labels, rules);
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].compartment, "supratentorial");
  EXPECT_EQ(found[1].compartment, "infratentorial");
  EXPECT_EQ(found[1].location, "infratentorial");
  EXPECT_NE(found[1].how.find("below the tentorium"), std::string::npos) << found[1].how;
  // The height is in head coordinates: a head frame 30 mm lower puts the cerebellar lesion at head z -10, above.
  rules.head.origin = Vector3d(0, 0, -30);
  found = lesions(labels, rules);
  EXPECT_EQ(found[1].compartment, "supratentorial");
  rules.head.origin = Vector3d::Zero();
  rules.tentoriumZMm = -45;
  EXPECT_EQ(lesions(labels, rules)[1].compartment, "supratentorial");
}

TEST(HemorrhageLesions, DeepOrLobarFromMidlineDistanceAndTheBasalGangliaBand) {
  const auto classOf = [](const Vector3d& p, const LesionRules& rules = {}) {
    core::Image labels = labelMap(headGrid());
    cubeAt(labels, p);
    LesionRules r = rules;
    r.minVolumeMl = 0;
    const std::vector<Lesion> found = lesions(labels, r);
    EXPECT_EQ(found.size(), 1u);
    return found.empty() ? Lesion{} : found[0];
  };
  const Lesion putamen = classOf(Vector3d(-22, -3, 5));
  EXPECT_EQ(putamen.location, "deep") << putamen.how;
  EXPECT_EQ(putamen.side, "right");
  EXPECT_NE(putamen.how.find("22.0 mm from the midsagittal plane"), std::string::npos) << putamen.how;
  EXPECT_NE(putamen.how.find("inside the deep band"), std::string::npos) << putamen.how;
  EXPECT_EQ(classOf(Vector3d(12, 10, 6)).location, "deep");  // thalamus
  const Lesion lateral = classOf(Vector3d(35, 0, 5));
  EXPECT_EQ(lateral.location, "lobar") << lateral.how;
  const Lesion high = classOf(Vector3d(20, 0, 35));
  EXPECT_EQ(high.location, "lobar") << high.how;
  EXPECT_NE(high.how.find("outside the deep band"), std::string::npos) << high.how;
  // The limits are parameters.
  LesionRules wide;
  wide.deepMaxLateralMm = 40;
  EXPECT_EQ(classOf(Vector3d(35, 0, 5), wide).location, "deep");
  wide.deepBandMaxZMm = 40;
  EXPECT_EQ(classOf(Vector3d(20, 0, 35), wide).location, "deep");
}

TEST(HemorrhageLesions, TheCtMustShareTheLabelGrid) {
  core::Image labels = labelMap(headGrid());
  cubeAt(labels, Vector3d(0, 0, 0));
  const core::Image ct(grid(121, 121, 120, Vector3d(1, 1, 1), Vector3d(-60, -60, -60)), core::PixelType::Int16);
  EXPECT_THROW(lesions(labels, ct), std::invalid_argument);
}

// ---- ABC/2 ----

TEST(HemorrhageAbc, RectangleStackGivesTheDefinedDiametersAndSliceCounts) {
  core::Image labels = labelMap(grid(40, 40, 10, Vector3d(1, 1, 3), Vector3d::Zero()));
  box(labels, {5, 5, 2}, {24, 6, 2}, phantom::kCtHematoma);    // 20x2  =  40 px (20 % of the largest)
  box(labels, {5, 5, 3}, {24, 14, 3}, phantom::kCtHematoma);   // 20x10 = 200 px (largest, first)
  box(labels, {5, 5, 4}, {24, 14, 4}, phantom::kCtHematoma);   // 20x10 = 200 px
  box(labels, {5, 5, 5}, {24, 10, 5}, phantom::kCtHematoma);   // 20x6  = 120 px (60 %)
  const AbcSummary every = abcOverTwo(labels);
  ASSERT_EQ(every.lesions.size(), 1u);
  const Abc& a = every.lesions[0];
  EXPECT_EQ(a.slice, 3);
  // A: the 20 x 10 mm rectangle's diagonal; B: its width across that diagonal, 2wh / sqrt(w² + h²).
  EXPECT_NEAR(a.aMm, std::sqrt(500.0), 1e-9);
  EXPECT_NEAR(a.bMm, 400.0 / std::sqrt(500.0), 1e-9);
  EXPECT_NEAR(a.cMm, 12.0, 1e-12);  // 4 slices x 3 mm
  EXPECT_NEAR(a.estimateMl, a.aMm * a.bMm * a.cMm / 2000.0, 1e-12);
  EXPECT_NEAR(a.segmentedMl, 560 * 3 / 1000.0, 1e-12);
  EXPECT_NEAR(a.differenceMl, a.estimateMl - a.segmentedMl, 1e-12);
  const AbcSummary weighted = abcOverTwo(labels, {}, SliceCount::Weighted);
  EXPECT_NEAR(weighted.lesions[0].cMm, 7.5, 1e-12);  // (0 + 1 + 1 + 0.5) slices x 3 mm
}

TEST(HemorrhageAbc, VoxelisedEllipsoidMatchesItsDiametersAndVolume) {
  // Semi-axes 20, 12, 15 mm, turned 30 degrees in the axial plane; 0.5 mm pixels, 2.5 mm slices; centre between voxels.
  const double a = 20, b = 12, c = 15, turn = 30 * kPi / 180;
  const core::Geometry g = grid(100, 100, 16, Vector3d(0.5, 0.5, 2.5), Vector3d(-24.75, -24.75, -18.75));
  core::Image labels = labelMap(g);
  std::int64_t inside = 0;
  for (std::int64_t k = 0; k < 16; ++k)
    for (std::int64_t j = 0; j < 100; ++j)
      for (std::int64_t i = 0; i < 100; ++i) {
        const Vector3d p = g.indexToPhysical(Vector3d(double(i), double(j), double(k)));
        const double u = p.x() * std::cos(turn) + p.y() * std::sin(turn), v = -p.x() * std::sin(turn) + p.y() * std::cos(turn);
        if (u * u / (a * a) + v * v / (b * b) + p.z() * p.z() / (c * c) <= 1) {
          labels.setValue(i, j, k, phantom::kCtHematoma);
          ++inside;
        }
      }
  const double trueMl = 4.0 / 3.0 * kPi * a * b * c / 1000.0;
  const AbcSummary s = abcOverTwo(labels);
  ASSERT_EQ(s.lesions.size(), 1u);
  const Abc& e = s.lesions[0];
  const double pixelDiagonal = std::sqrt(0.5);
  EXPECT_NEAR(e.aMm, 2 * a, pixelDiagonal);
  EXPECT_NEAR(e.bMm, 2 * b, pixelDiagonal);
  EXPECT_NEAR(e.cMm, 2 * c, 2.5);  // within one slice
  EXPECT_NEAR(e.estimateMl, e.aMm * e.bMm * e.cMm / 2000.0, 1e-12);
  EXPECT_NEAR(e.segmentedMl, inside * 0.625 / 1000.0, 1e-12);
  EXPECT_NEAR(e.segmentedMl, trueMl, 0.02 * trueMl);
  // ABC/2 (pi taken as 3) is within 10 % of the ellipsoid; pi/6 ABC is within 5 %.
  EXPECT_NEAR(e.estimateMl, trueMl, 0.10 * trueMl);
  EXPECT_NEAR(e.estimateMl * kPi / 3.0, trueMl, 0.05 * trueMl);
  EXPECT_NEAR(s.estimateMl, e.estimateMl, 1e-12);
  EXPECT_NEAR(s.differenceMl, e.estimateMl - e.segmentedMl, 1e-12);
}

TEST(HemorrhageAbc, TotalSumsTheLesionsLargestFirst) {
  core::Image labels = labelMap(grid(40, 40, 10, Vector3d(1, 1, 1), Vector3d::Zero()));
  box(labels, {0, 0, 0}, {4, 4, 4}, phantom::kCtHematoma);       // 125 voxels
  box(labels, {20, 20, 0}, {29, 29, 4}, phantom::kCtHematoma);   // 500 voxels
  const AbcSummary s = abcOverTwo(labels);
  ASSERT_EQ(s.lesions.size(), 2u);
  EXPECT_NEAR(s.lesions[0].segmentedMl, 0.5, 1e-12);
  EXPECT_NEAR(s.lesions[1].segmentedMl, 0.125, 1e-12);
  EXPECT_NEAR(s.lesions[0].cMm, 5, 1e-12);
  EXPECT_NEAR(s.estimateMl, s.lesions[0].estimateMl + s.lesions[1].estimateMl, 1e-12);
  EXPECT_NEAR(s.segmentedMl, 0.625, 1e-12);
  EXPECT_NEAR(s.differenceMl, s.estimateMl - 0.625, 1e-12);
}

// ---- midline shift ----

TEST(HemorrhageMidline, DisplacedSeptumGivesDistanceAndSide) {
  const Vector3d falxA(0, -55, 12), falxP(0, 65, 12);
  MidlineShift m = midlineShift(Vector3d(5, -10, 12), falxA, falxP);
  EXPECT_NEAR(m.shiftMm, 5, 1e-12);
  EXPECT_EQ(m.toward, "left");
  m = midlineShift(Vector3d(-3.2, 0, 12), falxA, falxP);
  EXPECT_NEAR(m.shiftMm, 3.2, 1e-12);
  EXPECT_EQ(m.toward, "right");
  // The same 5 mm with the head turned 12 degrees in the scanner and moved.
  const Eigen::Matrix3d R = Eigen::AngleAxisd(12 * kPi / 180, Vector3d::UnitZ()).toRotationMatrix();
  const Vector3d t(7, -4, 3);
  m = midlineShift(R * Vector3d(5, -10, 12) + t, R * falxA + t, R * falxP + t);
  EXPECT_NEAR(m.shiftMm, 5, 1e-9);
  EXPECT_EQ(m.toward, "left");
}

TEST(HemorrhageMidline, CentredSeptumIsNoneAndTheThresholdHolds) {
  const Vector3d falxA(0, -55, 12), falxP(0, 65, 12);
  MidlineShift m = midlineShift(Vector3d(0, -10, 12), falxA, falxP);
  EXPECT_NEAR(m.shiftMm, 0, 1e-12);
  EXPECT_EQ(m.toward, "none");
  m = midlineShift(Vector3d(0.45, -10, 12), falxA, falxP);
  EXPECT_NEAR(m.shiftMm, 0.45, 1e-12);
  EXPECT_EQ(m.toward, "none");
  EXPECT_EQ(midlineShift(Vector3d(0.55, -10, 12), falxA, falxP).toward, "left");
  EXPECT_EQ(midlineShift(Vector3d(0.55, -10, 12), falxA, falxP, 1.0).toward, "none");
  EXPECT_THROW(midlineShift(Vector3d(1, 0, 0), falxA, falxA), std::invalid_argument);
}

// ---- follow-up ----

StudyPoint study(const std::string& uid, const std::string& date, const std::string& time, double hematomaMl,
                 double edemaMl = 0) {
  StudyPoint s;
  s.studyUid = uid;
  s.date = date;
  s.time = time;
  s.hematomaMl = hematomaMl;
  s.edemaMl = edemaMl;
  return s;
}

TEST(HemorrhageFollowUp, OrdersOutOfOrderDatesAndNumbersDays) {
  const std::vector<FollowUpPoint> f = followUp({study("c", "20240305", "", 25, 12), study("b", "20240228", "200000", 20, 10),
                                                 study("a", "20240228", "080000", 10, 8), study("d", "20250101", "", 24)});
  ASSERT_EQ(f.size(), 4u);
  EXPECT_EQ(f[0].study.studyUid, "a");
  EXPECT_EQ(f[1].study.studyUid, "b");
  EXPECT_EQ(f[2].study.studyUid, "c");
  EXPECT_EQ(f[3].study.studyUid, "d");
  EXPECT_EQ(f[0].day, 0);
  EXPECT_EQ(f[1].day, 0);
  EXPECT_EQ(f[2].day, 6);    // 2024 is a leap year: Feb 28 -> Mar 5 is 6 days
  EXPECT_EQ(f[3].day, 308);
  EXPECT_NEAR(f[0].hoursFromFirst, 0, 1e-12);
  EXPECT_NEAR(f[1].hoursFromFirst, 12, 1e-12);
  EXPECT_TRUE(std::isnan(f[2].hoursFromFirst));  // no time
  EXPECT_NEAR(f[1].hematomaChangeMl, 10, 1e-12);
  EXPECT_NEAR(f[1].hematomaChangeRelative, 1.0, 1e-12);
  EXPECT_NEAR(f[1].edemaChangeMl, 2, 1e-12);
  EXPECT_NEAR(f[1].edemaChangeRelative, 0.25, 1e-12);
  EXPECT_NEAR(f[3].hematomaChangeMl, -1, 1e-12);
  EXPECT_NEAR(f[3].hematomaChangeRelative, -0.04, 1e-12);
  EXPECT_EQ(dayNumber("20000301") - dayNumber("20000228"), 2);  // 2000 is a leap year
  EXPECT_EQ(dayNumber("19000301") - dayNumber("19000228"), 1);  // 1900 is not
}

TEST(HemorrhageFollowUp, EqualDatesWithoutTimeKeepTheirInputOrder) {
  const std::vector<FollowUpPoint> f =
      followUp({study("second", "20240102", "", 1), study("x", "20240101", "", 1), study("y", "20240101", "", 1)});
  EXPECT_EQ(f[0].study.studyUid, "x");
  EXPECT_EQ(f[1].study.studyUid, "y");
  EXPECT_EQ(f[2].study.studyUid, "second");
}

TEST(HemorrhageFollowUp, InvalidDateOrTimeNamesTheStudy) {
  const auto messageOf = [](const std::vector<StudyPoint>& s) {
    try {
      followUp(s);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(messageOf({study("ok", "20240101", "", 1), study("1.2.3.4", "20230229", "", 1)}).find("1.2.3.4"),
            std::string::npos);
  EXPECT_NE(messageOf({study("1.2.9", "2024-01-01", "", 1)}).find("1.2.9"), std::string::npos);
  EXPECT_NE(messageOf({study("1.2.8", "20240101", "246000", 1)}).find("1.2.8"), std::string::npos);
  EXPECT_EQ(messageOf({study("1.2.7", "20240101", "235959.123", 1)}), "no error");
  EXPECT_THROW(dayNumber("20241301"), std::invalid_argument);
  EXPECT_THROW(dayNumber("2024011"), std::invalid_argument);
}

TEST(HemorrhageFollowUp, ExpansionAtSixMlJustAboveAndBelow) {
  // 30 -> 35.9 is +5.9 mL (19.7 %): no; 30 -> 36.1 is +6.1 mL (20.3 %): yes.
  std::vector<FollowUpPoint> f = followUp({study("a", "20240101", "", 30), study("b", "20240102", "", 35.9)});
  EXPECT_FALSE(f[0].expansion);
  EXPECT_FALSE(f[1].expansion);
  f = followUp({study("a", "20240101", "", 30), study("b", "20240102", "", 36.1)});
  EXPECT_TRUE(f[1].expansion);
  FollowUpRules strict;
  strict.expansionMl = 5;
  EXPECT_TRUE(followUp({study("a", "20240101", "", 30), study("b", "20240102", "", 35.9)}, strict)[1].expansion);
}

TEST(HemorrhageFollowUp, ExpansionAtThirtyThreePercentJustAboveAndBelow) {
  // 10 -> 13.29 is +32.9 % (3.29 mL): no; 10 -> 13.31 is +33.1 %: yes; only between consecutive scans.
  std::vector<FollowUpPoint> f = followUp({study("a", "20240101", "", 10), study("b", "20240102", "", 13.29)});
  EXPECT_FALSE(f[1].expansion);
  f = followUp({study("a", "20240101", "", 10), study("b", "20240102", "", 13.31), study("c", "20240103", "", 14)});
  EXPECT_TRUE(f[1].expansion);
  EXPECT_FALSE(f[2].expansion);  // +5 % on the scan before, though +40 % on the first
  FollowUpRules loose;
  loose.expansionRelative = 0.5;
  EXPECT_FALSE(followUp({study("a", "20240101", "", 10), study("b", "20240102", "", 13.31)}, loose)[1].expansion);
}

TEST(HemorrhageFollowUp, RelativeChangeFromNoHematomaIsNaN) {
  const std::vector<FollowUpPoint> f = followUp({study("a", "20240101", "", 0), study("b", "20240102", "", 3),
                                                 study("c", "20240103", "", 10)});
  EXPECT_TRUE(std::isnan(f[1].hematomaChangeRelative));
  EXPECT_FALSE(f[1].expansion);  // +3 mL from nothing: under 6 mL, no relative figure
  EXPECT_TRUE(f[2].expansion);
}

// ---- lesion matching ----

TEST(HemorrhageMatching, TranslatedSetMatchesOneToOneWithNewAndResolved) {
  const std::vector<Vector3d> before = {Vector3d(-25, 0, 5), Vector3d(30, 20, 40), Vector3d(10, -40, 30),
                                        Vector3d(-10, 30, -35)};
  const Vector3d shift(4, -3, 2);
  std::vector<Vector3d> after = {before[2] + shift, before[0] + shift, before[1] + shift, Vector3d(-40, -40, 50)};
  // before[3] resolved; after[3] new.
  const std::vector<LesionMatch> m = matchLesions(before, after);
  ASSERT_EQ(m.size(), 5u);
  const int expected[3] = {1, 2, 0};
  for (int p = 0; p < 3; ++p) {
    EXPECT_EQ(m[static_cast<std::size_t>(p)].status, "matched");
    EXPECT_EQ(m[static_cast<std::size_t>(p)].previous, p);
    EXPECT_EQ(m[static_cast<std::size_t>(p)].current, expected[p]);
    EXPECT_NEAR(m[static_cast<std::size_t>(p)].distanceMm, shift.norm(), 1e-12);
  }
  EXPECT_EQ(m[3].status, "resolved");
  EXPECT_EQ(m[3].previous, 3);
  EXPECT_EQ(m[3].current, -1);
  EXPECT_EQ(m[4].status, "new");
  EXPECT_EQ(m[4].current, 3);
  EXPECT_TRUE(std::isnan(m[4].distanceMm));
  // Beyond the maximum distance nothing matches.
  const std::vector<LesionMatch> none = matchLesions(before, after, 5.0);
  EXPECT_EQ(std::count_if(none.begin(), none.end(), [](const LesionMatch& x) { return x.status == "matched"; }), 0);
}

TEST(HemorrhageMatching, NearestPairsAreTakenFirst) {
  // p0 at 0, p1 at 10; c0 at 6, c1 at 17 (x, mm). Nearest first: p1-c0 (4), then p0-c1 (17); p0-c0 (6) is not taken.
  const std::vector<LesionMatch> m = matchLesions({Vector3d(0, 0, 0), Vector3d(10, 0, 0)}, {Vector3d(6, 0, 0), Vector3d(17, 0, 0)});
  std::vector<std::pair<int, int>> pairs;
  for (const LesionMatch& x : m) pairs.emplace_back(x.previous, x.current);
  EXPECT_EQ(pairs, (std::vector<std::pair<int, int>>{{0, 1}, {1, 0}}));
  ASSERT_FALSE(m.empty());
  EXPECT_NEAR(m[0].distanceMm, 17, 1e-12);
}

TEST(HemorrhageMatching, FollowUpMatchesConsecutiveScansInDateOrder) {
  StudyPoint first = study("a", "20240101", "", 10), second = study("b", "20240102", "", 12),
             third = study("c", "20240110", "", 8);
  first.lesionCentroids = {Vector3d(20, 0, 10)};
  second.lesionCentroids = {Vector3d(22, 1, 10), Vector3d(-30, 5, 20)};
  third.lesionCentroids = {Vector3d(-29, 5, 20)};
  const std::vector<FollowUpPoint> f = followUp({third, first, second});
  ASSERT_EQ(f.size(), 3u);
  EXPECT_TRUE(f[0].matches.empty());
  ASSERT_EQ(f[1].matches.size(), 2u);
  EXPECT_EQ(f[1].matches[0].status, "matched");
  EXPECT_EQ(f[1].matches[1].status, "new");
  EXPECT_EQ(f[1].matches[1].current, 1);
  ASSERT_EQ(f[2].matches.size(), 2u);
  EXPECT_EQ(f[2].matches[0].status, "matched");
  EXPECT_EQ(f[2].matches[0].previous, 1);
  EXPECT_EQ(f[2].matches[1].status, "resolved");
  EXPECT_EQ(f[2].matches[1].previous, 0);
}

}  // namespace
