#include "openrad/modules/ct_hemorrhage/HeadRegistration.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageRules.h"
#include "openrad/io/Loader.h"
#include "openrad/phantom/HeadCt.h"
#include "Requires.h"

#include <Eigen/Geometry>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

using namespace openrad;
using namespace openrad::modules::ct_hemorrhage;

namespace {

constexpr double kPi = 3.14159265358979323846;

/// The phantom's pose: patient = R · head + t.
Eigen::Matrix3d poseRotation(const phantom::HeadCtParams& p) {
  return (Eigen::AngleAxisd(p.yawDeg * kPi / 180, Eigen::Vector3d::UnitZ()) *
          Eigen::AngleAxisd(p.pitchDeg * kPi / 180, Eigen::Vector3d::UnitX()))
      .toRotationMatrix();
}

}  // namespace

// A follow-up scan in a new pose (and with a grown or shrunk lesion) lands on the baseline within 1.5 mm over the
// brain, and its lesion then matches the baseline's.
TEST(HeadRegistration, AlignsAFollowUpInANewPoseAndItsLesionMatches) {
  const auto plan = phantom::sampleHeadCtPatient(9090, 1);
  ASSERT_GE(plan.studies.size(), 2u);
  const phantom::HeadCtParams& pf = plan.studies[0];
  const phantom::HeadCtParams& pm = plan.studies[1];
  const auto fixed = phantom::renderHeadCt(pf), moving = phantom::renderHeadCt(pm);
  const RigidMap map = registerHeads(*fixed.ct, *moving.ct);
  const Eigen::Matrix3d Rf = poseRotation(pf), Rm = poseRotation(pm);
  double worst = 0, before = 0;
  for (double x : {-45.0, 0.0, 45.0})
    for (double y : {-60.0, 0.0, 60.0})
      for (double z : {-20.0, 10.0, 40.0}) {
        const Eigen::Vector3d head(x, y, z);
        const Eigen::Vector3d pMoving = Rm * head + pm.shiftMm, pFixed = Rf * head + pf.shiftMm;
        worst = std::max(worst, (map.toFixed(pMoving) - pFixed).norm());
        before = std::max(before, (pMoving - pFixed).norm());
      }
  EXPECT_LT(worst, 1.5) << "before registration the same head points were up to " << before << " mm apart";
  EXPECT_GT(before, 3.0) << "the two poses should differ for this test to mean something";

  ASSERT_FALSE(fixed.lesions.empty());
  ASSERT_FALSE(moving.lesions.empty());
  std::vector<Eigen::Vector3d> previous, current;
  for (const auto& l : fixed.lesions) previous.push_back(l.centroidLps);
  for (const auto& l : moving.lesions) current.push_back(map.toFixed(l.centroidLps));
  const auto matches = matchLesions(previous, current, 10);
  ASSERT_FALSE(matches.empty());
  EXPECT_EQ(matches.front().status, "matched");
  EXPECT_EQ(matches.front().previous, 0);
  EXPECT_EQ(matches.front().current, 0);
}

TEST(HeadRegistration, RefusesASingleSlice) {
  core::Geometry g;
  g.size = {32, 32, 1};
  core::Image slice(g, core::PixelType::Int16);
  EXPECT_THROW(registerHeads(slice, slice), std::invalid_argument);
}

// After a registration the process still decodes compressed DICOM in a forked child (ITK's thread pool would leave
// the child a pool without threads, and it aborted).
TEST(HeadRegistration, LeavesTheProcessAbleToDecodeInAForkedChild) {
  const std::string dir = std::string(OPENRAD_SHARED_DATA_DIR) + "/ct-real/totalsegmentator/example_ct_dicom";
  OPENRAD_REQUIRE(std::filesystem::is_directory(dir), "../shared/data/ct-real/totalsegmentator not present");
  const auto plan = phantom::sampleHeadCtPatient(9090, 0);
  const auto scan = phantom::renderHeadCt(plan.studies[0]);
  registerHeads(*scan.ct, *scan.ct);
  const auto series = io::loadPath(dir).allSeries();
  ASSERT_FALSE(series.empty());
  EXPECT_GT(series.front()->image->geometry().voxelCount(), 0);
}
