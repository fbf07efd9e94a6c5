#include "openrad/io/Loader.h"
#include "openrad/io/Nifti.h"

#include "TempDir.h"

#include <Eigen/Geometry>
#include <gtest/gtest.h>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include <filesystem>
#include <fstream>

using namespace openrad;

namespace {

core::Geometry obliqueGeometry() {
  core::Geometry g;
  g.size = {7, 5, 4};
  g.spacing = {0.8, 1.1, 2.5};
  g.origin = {-12.5, 33.0, 101.25};
  g.direction = (Eigen::AngleAxisd(0.3, Eigen::Vector3d::UnitZ()) * Eigen::AngleAxisd(-0.2, Eigen::Vector3d::UnitX()) *
                 Eigen::AngleAxisd(0.1, Eigen::Vector3d::UnitY()))
                    .toRotationMatrix();
  return g;
}

}  // namespace

TEST(Nifti, RoundTripKeepsObliqueGeometryAndValues) {
  test::TempDir dir("openrad-nifti");
  for (auto type : {core::PixelType::Int16, core::PixelType::UInt8, core::PixelType::UInt16, core::PixelType::Float32}) {
    core::Image img(obliqueGeometry(), type);
    for (int k = 0; k < 4; ++k)
      for (int j = 0; j < 5; ++j)
        for (int i = 0; i < 7; ++i) img.setValue(i, j, k, (type == core::PixelType::Int16 ? -500 : 0) + i + 7 * j + 35 * k);
    for (const std::string ext : {".nii", ".nii.gz"}) {
      const std::string path = dir.file("vol" + core::pixelTypeName(type) + ext);
      io::writeNifti(img, path);
      const auto back = io::readNifti(path);
      ASSERT_EQ(back->pixelType(), type) << path;
      EXPECT_TRUE(back->geometry().sameGrid(img.geometry(), 1e-4)) << path << "\n"
                                                                   << back->geometry().direction << "\n"
                                                                   << back->geometry().origin.transpose();
      for (int k = 0; k < 4; ++k)
        for (int j = 0; j < 5; ++j)
          for (int i = 0; i < 7; ++i) ASSERT_EQ(back->value(i, j, k), img.value(i, j, k));
    }
  }
}

TEST(Nifti, LoadPathGivesNiftiSeries) {
  test::TempDir dir("openrad-nifti");
  core::Image img(obliqueGeometry(), core::PixelType::Int16);
  img.setValue(1, 2, 3, 77);
  io::writeNifti(img, dir.file("ct.nii.gz"));
  const auto r = io::loadPath(dir.file("ct.nii.gz"));
  ASSERT_EQ(r.allSeries().size(), 1u);
  const auto& s = *r.allSeries().front();
  EXPECT_EQ(s.info.sourceFormat, "NIfTI");
  EXPECT_EQ(s.info.pixelSpacingSource, "NIfTI");
  EXPECT_EQ(s.image->value(1, 2, 3), 77);
  EXPECT_FALSE(s.info.seriesUid.empty());
  EXPECT_EQ(io::loadPath(dir.file("ct.nii.gz")).allSeries().front()->info.seriesUid, s.info.seriesUid);
}

TEST(Nifti, CorruptFileThrowsIoError) {
  test::TempDir dir("openrad-nifti");
  {
    std::ofstream(dir.file("bad.nii")) << "garbage garbage garbage";
  }
  EXPECT_THROW(io::readNifti(dir.file("bad.nii")), io::IoError);
  const auto r = io::loadPath(dir.file("bad.nii"));
  EXPECT_TRUE(r.allSeries().empty());
  ASSERT_EQ(r.issues.size(), 1u);
  EXPECT_EQ(r.issues[0].file, dir.file("bad.nii"));
}

TEST(PlainRadiograph, ReadsSixteenBitPngWithUnknownSpacing) {
  test::TempDir dir("openrad-png");
  cv::Mat m(40, 30, CV_16U);
  for (int r = 0; r < 40; ++r)
    for (int c = 0; c < 30; ++c) m.at<std::uint16_t>(r, c) = static_cast<std::uint16_t>(1000 * r + c);
  const std::string path = dir.file("spine.png");
  ASSERT_TRUE(cv::imwrite(path, m));
  const auto r = io::loadPath(path);
  ASSERT_EQ(r.allSeries().size(), 1u);
  const auto& s = *r.allSeries().front();
  EXPECT_EQ(s.image->pixelType(), core::PixelType::UInt16);
  EXPECT_EQ(s.image->geometry().size[0], 30);
  EXPECT_EQ(s.image->geometry().size[1], 40);
  EXPECT_TRUE(s.image->geometry().is2D());
  EXPECT_EQ(s.image->value(29, 39), 39029);
  EXPECT_FALSE(s.image->geometry().spacingKnown);
  EXPECT_EQ(s.info.pixelSpacingSource, "none");
  EXPECT_EQ(s.info.sourceFormat, "PNG");
  EXPECT_EQ(io::loadPath(path).allSeries().front()->info.seriesUid, s.info.seriesUid);  // stable UIDs

  cv::Mat colour(8, 9, CV_8UC3, cv::Scalar(10, 20, 30));
  ASSERT_TRUE(cv::imwrite(dir.file("colour.jpg"), colour));
  const auto c = io::loadPath(dir.file("colour.jpg"));
  ASSERT_EQ(c.allSeries().size(), 1u);
  EXPECT_EQ(c.allSeries().front()->image->pixelType(), core::PixelType::UInt8);
  EXPECT_EQ(c.allSeries().front()->info.sourceFormat, "JPEG");
  EXPECT_NE(c.allSeries().front()->info.seriesUid, s.info.seriesUid);
}
