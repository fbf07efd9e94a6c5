// The series planner on synthetic headers: no file, no DICOM library. Each case is what a real folder does: slices
// out of order, a gap, a stray size or orientation, several images in one series, a header that does not add up.
#include "SeriesPlanner.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace openrad;
using namespace openrad::io::detail;

namespace {

/// An axial CT slice header at height z (mm) of series `series`.
ImageHeader axial(double z, const std::string& series = "1.2.3.1", int rows = 64, int cols = 48) {
  ImageHeader h;
  h.path = "/study/" + series + "/z" + std::to_string(static_cast<int>(z * 10)) + ".dcm";
  h.patient.id = "P1";
  h.study.studyUid = "1.2.3";
  h.seriesUid = series;
  h.sopInstanceUid = series + "." + std::to_string(static_cast<int>(z * 10));
  h.modality = "CT";
  h.rows = rows, h.cols = cols;
  h.bitsAllocated = 16, h.bitsStored = 12, h.highBit = 11, h.isSigned = true;
  h.photometric = "MONOCHROME2";
  FrameHeader f;
  f.hasIpp = f.hasIop = f.hasSpacing = true;
  f.ipp = Eigen::Vector3d(-100, -120, z);
  f.rowSpacing = 0.8, f.colSpacing = 0.7;
  f.intercept = -1024;
  h.frameHeaders = {f};
  return h;
}

/// A radiograph header: no position or orientation.
ImageHeader radiograph(const std::string& path, int instance, const std::string& series = "1.2.3.9") {
  ImageHeader h = axial(0, series);
  h.path = path;
  h.sopInstanceUid = path;
  h.instanceNumber = instance;
  h.modality = "DX";
  h.bitsStored = 12, h.isSigned = false;
  h.frameHeaders.front().hasIpp = h.frameHeaders.front().hasIop = false;
  h.frameHeaders.front().intercept = 0;
  return h;
}

PlanResult plan(const std::vector<ImageHeader>& headers) {
  std::vector<const ImageHeader*> pointers;
  for (const auto& h : headers) pointers.push_back(&h);
  return planSeries(pointers);
}

bool hasProblem(const SeriesPlan& p, const std::string& text) {
  return std::any_of(p.info.problems.begin(), p.info.problems.end(),
                     [&](const std::string& s) { return s.find(text) != std::string::npos; });
}

}  // namespace

TEST(SeriesPlanner, SortsSlicesAlongTheNormalWhateverTheFileOrder) {
  const std::vector<ImageHeader> headers{axial(5), axial(-5), axial(0), axial(2.5), axial(-2.5)};
  const PlanResult r = plan(headers);
  ASSERT_EQ(r.plans.size(), 1u);
  const SeriesPlan& p = r.plans.front();
  ASSERT_EQ(p.slices.size(), 5u);
  const std::vector<int> expected{1, 4, 2, 3, 0};  // input indices from -5 mm up to 5 mm
  for (std::size_t k = 0; k < expected.size(); ++k) EXPECT_EQ(p.slices[k].file, expected[k]) << k;
  EXPECT_EQ(p.geometry.size[0], 48);
  EXPECT_EQ(p.geometry.size[1], 64);
  EXPECT_EQ(p.geometry.size[2], 5);
  EXPECT_NEAR(p.geometry.spacing.x(), 0.7, 1e-9);  // column spacing is the x step
  EXPECT_NEAR(p.geometry.spacing.y(), 0.8, 1e-9);
  EXPECT_NEAR(p.geometry.spacing.z(), 2.5, 1e-9);
  EXPECT_NEAR(p.geometry.origin.z(), -5.0, 1e-9);
  EXPECT_TRUE(p.info.problems.empty()) << p.info.problems.front();
  EXPECT_EQ(p.type, core::PixelType::Int16);  // 12-bit signed CT with intercept -1024 fits
  EXPECT_EQ(p.info.units, "HU");
  ASSERT_EQ(p.info.files.size(), 5u);
  EXPECT_EQ(p.info.files.front(), headers[1].path);
}

TEST(SeriesPlanner, ReportsMissingSlicesAndUnevenSpacing) {
  const PlanResult r = plan({axial(0), axial(2), axial(4), axial(8), axial(10)});
  ASSERT_EQ(r.plans.size(), 1u);
  EXPECT_TRUE(hasProblem(r.plans.front(), "missing slices: about 1 slice(s)"));
  EXPECT_TRUE(hasProblem(r.plans.front(), "uneven slice spacing"));
  EXPECT_NEAR(r.plans.front().geometry.spacing.z(), 2.0, 1e-9);
}

TEST(SeriesPlanner, ReportsAShearedStack) {
  std::vector<ImageHeader> headers;
  for (int k = 0; k < 4; ++k) {
    headers.push_back(axial(2.0 * k));
    headers.back().frameHeaders.front().ipp.y() += 0.5 * k;  // each slice shifted forward: gantry tilt
  }
  const PlanResult r = plan(headers);
  ASSERT_EQ(r.plans.size(), 1u);
  EXPECT_TRUE(hasProblem(r.plans.front(), "gantry tilt / sheared stack"));
}

TEST(SeriesPlanner, LeavesOutAFileOfAnotherSizeAndNamesIt) {
  std::vector<ImageHeader> headers{axial(0), axial(1), axial(2), axial(3, "1.2.3.1", 32, 32)};
  const PlanResult r = plan(headers);
  ASSERT_EQ(r.plans.size(), 1u);
  EXPECT_EQ(r.plans.front().slices.size(), 3u);
  ASSERT_EQ(r.droppedFiles, std::vector<int>{3});
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues.front().file, headers[3].path);
  EXPECT_NE(r.issues.front().message.find("image size 32x32 differs"), std::string::npos) << r.issues.front().message;
}

TEST(SeriesPlanner, LeavesOutASliceOfAnotherOrientation) {
  std::vector<ImageHeader> headers{axial(0), axial(1), axial(2)};
  ImageHeader scout = axial(0);
  scout.path = "/study/scout.dcm";
  scout.frameHeaders.front().row = Eigen::Vector3d::UnitX();
  scout.frameHeaders.front().col = -Eigen::Vector3d::UnitZ();  // coronal
  headers.push_back(scout);
  const PlanResult r = plan(headers);
  ASSERT_EQ(r.plans.size(), 1u);
  EXPECT_EQ(r.plans.front().slices.size(), 3u);
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues.front().file, "/study/scout.dcm");
  EXPECT_EQ(r.issues.front().severity, core::LoadIssue::Severity::Warning);
}

TEST(SeriesPlanner, SeparatesSeriesAndPatients) {
  std::vector<ImageHeader> headers{axial(0, "1.2.3.1"), axial(1, "1.2.3.1"), axial(0, "1.2.3.2"), axial(1, "1.2.3.2")};
  headers[3].patient.id = "P2";  // same series UID, another patient: never one volume
  const PlanResult r = plan(headers);
  EXPECT_EQ(r.plans.size(), 3u);
  EXPECT_TRUE(r.issues.empty());
}

TEST(SeriesPlanner, GivesEveryUnpositionedImageItsOwnPlan) {
  const std::vector<ImageHeader> headers{radiograph("/films/b.dcm", 2), radiograph("/films/a.dcm", 1)};
  const PlanResult r = plan(headers);
  ASSERT_EQ(r.plans.size(), 2u);
  EXPECT_EQ(r.plans[0].slices.front().file, 1);  // instance 1 first
  EXPECT_EQ(r.plans[0].info.seriesUid, "1.2.3.9");
  EXPECT_EQ(r.plans[1].info.seriesUid, "/films/b.dcm");  // the second image keyed by its SOP Instance UID
  EXPECT_TRUE(hasProblem(r.plans[1], "holds 2 separate images"));
  EXPECT_EQ(r.plans[0].type, core::PixelType::UInt16);
}

TEST(SeriesPlanner, RefusesAHeaderWhoseFrameListDoesNotMatchItsFrameCount) {
  std::vector<ImageHeader> headers{axial(0), axial(1)};
  headers[1].frames = 1000;  // one frame header for a declared 1000 frames
  ImageHeader empty = axial(2);
  empty.rows = 0;
  headers.push_back(empty);
  const PlanResult r = plan(headers);
  ASSERT_EQ(r.plans.size(), 1u);
  EXPECT_EQ(r.plans.front().slices.size(), 1u);
  EXPECT_EQ(r.droppedFiles, (std::vector<int>{1, 2}));
  ASSERT_EQ(r.issues.size(), 2u);
  EXPECT_EQ(r.issues[0].file, headers[1].path);
}

TEST(SeriesPlanner, SkipsNullHeadersAndPlansNothingFromNothing) {
  EXPECT_TRUE(planSeries({}).plans.empty());
  EXPECT_TRUE(planSeries({nullptr, nullptr}).plans.empty());
}

TEST(SeriesPlanner, ChoosesAFloatVolumeForAFractionalRescale) {
  std::vector<ImageHeader> headers{axial(0), axial(1)};
  headers[1].frameHeaders.front().slope = 0.5;
  const PlanResult r = plan(headers);
  ASSERT_EQ(r.plans.size(), 1u);
  EXPECT_EQ(r.plans.front().type, core::PixelType::Float32);
  EXPECT_FALSE(r.plans.front().mayOverflow);
}

TEST(SeriesPlanner, KeepsOneImagePerPositionAndSaysSo) {
  std::vector<ImageHeader> headers{axial(0), axial(0), axial(1), axial(1)};
  headers[1].path = "/study/echo2-0.dcm";
  headers[3].path = "/study/echo2-1.dcm";
  const PlanResult r = plan(headers);
  ASSERT_EQ(r.plans.size(), 1u);
  EXPECT_EQ(r.plans.front().slices.size(), 2u);
  EXPECT_TRUE(hasProblem(r.plans.front(), "2 of 4 images share a slice position"));
}
