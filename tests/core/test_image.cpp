#include "openrad/core/Image.h"
#include "openrad/core/Study.h"

#include <gtest/gtest.h>

#include <Eigen/Geometry>

using namespace openrad::core;

TEST(Geometry, IndexPhysicalRoundTripWithObliqueDirection) {
  Geometry g;
  g.size = {10, 20, 30};
  g.spacing = {0.7, 0.9, 2.5};
  g.origin = {-50, 20, 100};
  g.direction = Eigen::AngleAxisd(0.3, Eigen::Vector3d(1, 2, 3).normalized()).toRotationMatrix();
  const Eigen::Vector3d idx(3.5, 7.25, 12);
  const Eigen::Vector3d p = g.indexToPhysical(idx);
  EXPECT_NEAR((g.physicalToIndex(p) - idx).norm(), 0, 1e-9);
  // Step of one slice moves spacing[2] mm along the third direction column.
  const Eigen::Vector3d step = g.indexToPhysical(idx + Eigen::Vector3d(0, 0, 1)) - p;
  EXPECT_NEAR((step - g.direction.col(2) * 2.5).norm(), 0, 1e-9);
}

TEST(Image, TypedAccessChecksTypeAndValueRoundTrips) {
  Geometry g;
  g.size = {4, 3, 2};
  Image img(g, PixelType::Int16);
  EXPECT_EQ(img.byteSize(), 48u);
  img.setValue(3, 2, 1, -1024.4);
  EXPECT_EQ(img.value(3, 2, 1), -1024);
  EXPECT_EQ(img.as<std::int16_t>()[img.offset(3, 2, 1)], -1024);
  EXPECT_THROW(img.as<float>(), std::logic_error);
  img.setValue(0, 0, 0, 99999);  // clamped, not wrapped
  EXPECT_EQ(img.value(0, 0, 0), 32767);
  EXPECT_EQ(img.range(), std::make_pair(-1024.0, 32767.0));
  EXPECT_TRUE(img.contains(3, 2, 1));
  EXPECT_FALSE(img.contains(4, 0, 0));
}

TEST(Image, RejectsEmptyGrid) {
  Geometry g;
  g.size = {0, 3, 1};
  EXPECT_THROW(Image(g, PixelType::UInt8), std::invalid_argument);
}

TEST(LoadResult, MergeJoinsSamePatientAndStudy) {
  auto series = [](const std::string& uid) {
    auto s = std::make_shared<Series>();
    s->info.seriesUid = uid;
    return std::shared_ptr<const Series>(s);
  };
  auto study = [](const std::string& uid, std::vector<std::shared_ptr<const Series>> s) {
    Study st;
    st.info.studyUid = uid;
    st.series = std::move(s);
    return st;
  };
  PatientInfo who{"P1", "A^B", "", ""};
  LoadResult a, b;
  a.patients.push_back({who, {study("ST1", {series("S1")})}});
  b.patients.push_back({who, {study("ST1", {series("S1"), series("S2")}), study("ST2", {series("S3")})}});
  b.issues.push_back({LoadIssue::Severity::Error, "x.dcm", "truncated"});
  a.merge(b);
  ASSERT_EQ(a.patients.size(), 1u);
  ASSERT_EQ(a.patients[0].studies.size(), 2u);
  EXPECT_EQ(a.patients[0].studies[0].series.size(), 2u);
  EXPECT_EQ(a.allSeries().size(), 3u);
  EXPECT_NE(a.findSeries("S3"), nullptr);
  EXPECT_EQ(a.findSeries("nope"), nullptr);
  EXPECT_EQ(a.issues.size(), 1u);
}
