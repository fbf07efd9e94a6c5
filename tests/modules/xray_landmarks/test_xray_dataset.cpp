#include "openrad/modules/xray_landmarks/XrayDataset.h"
#include "openrad/io/IoError.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>

using namespace openrad;

namespace {
/// A real-data style study: ap.png without spacing, study.json giving 0.25 mm, landmarks with short
/// corner names and one corner (L5.br) missing, plus S1 and lateral rows that must be ignored.
void writeRealStudy(const std::filesystem::path& dir) {
  std::filesystem::create_directories(dir);
  cv::Mat img(120, 60, CV_8UC1, cv::Scalar(30));
  img(cv::Rect(25, 10, 10, 100)).setTo(200);
  ASSERT_TRUE(cv::imwrite((dir / "ap.png").string(), img));
  std::ofstream(dir / "study.json") << R"({"format": "openrad-spine-study", "formatVersion": 1,
    "views": {"ap": {"image": "ap.png", "rows": 120, "columns": 60, "pixelSpacing": 0.25, "viewPosition": "AP"}},
    "landmarks": "landmarks.csv", "angles": "angles.csv"})";
  std::ofstream csv(dir / "landmarks.csv");
  csv << "view,vertebra,corner,x,y\n";
  const char* corners[4] = {"tl", "tr", "bl", "br"};
  const char* names[17] = {"T1", "T2", "T3", "T4", "T5", "T6", "T7", "T8", "T9",
                           "T10", "T11", "T12", "L1", "L2", "L3", "L4", "L5"};
  for (int v = 0; v < 17; ++v)
    for (int c = 0; c < 4; ++c) {
      if (v == 16 && c == 3) continue;
      csv << "ap," << names[v] << ',' << corners[c] << ',' << 25 + 10 * (c % 2) << ',' << 10 + 6 * v + 4 * (c / 2) << '\n';
    }
  csv << "ap,S1,tl,1,1\nlateral,T1,anterior-superior,5,5\n";
}
}  // namespace

TEST(XrayDataset, ReadsRealFolderWithStudyJsonAndUnlabelledCorner) {
  test::TempDir dir;
  writeRealStudy(dir.path() / "case_a");
  const auto records = ai::readXrayDataset(dir.path().string());
  ASSERT_EQ(records.size(), 1u);
  const ai::XrayStudyRecord& r = records[0];
  EXPECT_EQ(r.id, "case_a");
  EXPECT_DOUBLE_EQ(r.pixelSpacing, 0.25);
  EXPECT_FALSE(r.complete());
  EXPECT_TRUE(r.vertebraLabelled(15));
  EXPECT_FALSE(r.vertebraLabelled(16));
  EXPECT_EQ(r.corners[1], Eigen::Vector2d(35, 10));   // T1.tr
  EXPECT_EQ(r.corners[66], Eigen::Vector2d(25, 110)); // L5.bl
  const auto series = ai::loadXrayStudyImage(r);
  ASSERT_TRUE(series->image);
  EXPECT_TRUE(series->image->geometry().spacingKnown);
  EXPECT_DOUBLE_EQ(series->image->geometry().spacing.x(), 0.25);
  EXPECT_EQ(series->image->geometry().size[1], 120);
}

TEST(XrayDataset, MissingFolderOrImageIsIoError) {
  test::TempDir dir;
  EXPECT_THROW(ai::readXrayDataset(dir.file("nope")), io::IoError);
  EXPECT_THROW(ai::readXrayDataset(dir.path().string()), io::IoError);  // no studies
  std::filesystem::create_directories(dir.path() / "case_b");
  std::ofstream(dir.path() / "case_b" / "landmarks.csv") << "view,vertebra,corner,x,y\nap,T1,tl,1,2\n";
  EXPECT_THROW(ai::readXrayDataset(dir.path().string()), io::IoError);  // no AP image
}
