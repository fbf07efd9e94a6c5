// Display-free tests of the 2D layout, windowing and the VTK image bridge.

#include "openrad/app/SlicePlane.h"
#include "openrad/app/SliceRenderer.h"
#include "openrad/app/WindowLevel.h"
#include "openrad/render/IntensityStatistics.h"
#include "openrad/render/VtkImage.h"

#include <gtest/gtest.h>

#include <array>

#include <vtkDataArray.h>
#include <vtkImageData.h>
#include <vtkMatrix3x3.h>
#include <vtkMatrix4x4.h>
#include <vtkPointData.h>

namespace {

using namespace openrad;

core::Geometry volumeGeometry(const Eigen::Matrix3d& direction) {
  core::Geometry g;
  g.size = {8, 6, 4};
  g.spacing = {0.5, 0.7, 2.0};
  g.origin = {10.0, -20.0, 30.0};
  g.direction = direction;
  return g;
}

TEST(SlicePlane, AxialDicomKeepsVoxelOrderAndLabelsEdges) {
  const core::Geometry g = volumeGeometry(Eigen::Matrix3d::Identity());
  const app::SlicePlane plane = app::SlicePlane::forAxis(g, 2, true);
  EXPECT_FALSE(plane.flipU);
  EXPECT_FALSE(plane.flipV);
  EXPECT_EQ(app::orientationLetters(plane.screenRight(g)), "L");
  EXPECT_EQ(app::orientationLetters(-plane.screenRight(g)), "R");
  EXPECT_EQ(app::orientationLetters(plane.screenDown(g)), "P");
  EXPECT_EQ(app::orientationLetters(-plane.screenDown(g)), "A");
  EXPECT_EQ(plane.name(g), "Axial");
}

TEST(SlicePlane, RasStoredVolumeIsMirroredToTheRadiologicalConvention) {
  const Eigen::Matrix3d ras = Eigen::Vector3d(-1, -1, 1).asDiagonal();
  const core::Geometry g = volumeGeometry(ras);
  const app::SlicePlane plane = app::SlicePlane::forAxis(g, 2, true);
  EXPECT_TRUE(plane.flipU);
  EXPECT_TRUE(plane.flipV);
  EXPECT_EQ(app::orientationLetters(plane.screenRight(g)), "L");
  EXPECT_EQ(app::orientationLetters(plane.screenDown(g)), "P");
}

TEST(SlicePlane, SagittalShowsAnteriorLeftAndHeadUp) {
  const core::Geometry g = volumeGeometry(Eigen::Matrix3d::Identity());
  const int axis = app::SlicePlane::voxelAxisClosestTo(g, 0);
  EXPECT_EQ(axis, 0);
  const app::SlicePlane plane = app::SlicePlane::forAxis(g, axis, true);
  EXPECT_EQ(app::orientationLetters(plane.screenRight(g)), "P");
  EXPECT_EQ(app::orientationLetters(plane.screenDown(g)), "I");
  EXPECT_EQ(plane.name(g), "Sagittal");
  EXPECT_EQ(plane.columns(g), 6);
  EXPECT_EQ(plane.rows(g), 4);
  EXPECT_EQ(plane.slices(g), 8);
}

TEST(SlicePlane, DisplayAndIndexRoundTrip) {
  const Eigen::Matrix3d ras = Eigen::Vector3d(-1, -1, 1).asDiagonal();
  const core::Geometry g = volumeGeometry(ras);
  for (int axis = 0; axis < 3; ++axis) {
    const app::SlicePlane plane = app::SlicePlane::forAxis(g, axis, true);
    const Eigen::Vector3d index(3.0, 2.0, 1.0);
    const Eigen::Vector2d display = plane.indexToDisplay(g, index);
    const Eigen::Vector3d back = plane.displayToIndex(g, display.x(), display.y(), index[axis]);
    EXPECT_TRUE(back.isApprox(index, 1e-12)) << "axis " << axis;
  }
}

TEST(OrientationLetters, ObliqueDirectionsGetTwoLetters) {
  EXPECT_EQ(app::orientationLetters(Eigen::Vector3d(0.8, 0.6, 0.0)), "LP");
  EXPECT_EQ(app::orientationLetters(Eigen::Vector3d(-0.1, 0.0, -0.99)), "I");
  EXPECT_EQ(app::orientationLetters(Eigen::Vector3d::Zero()), "");
}

TEST(SliceRenderer, WindowMapsLevelToMidGreyAndHonoursFlips) {
  core::Geometry g;
  g.size = {3, 2, 1};
  core::Image image(g, core::PixelType::Int16);
  image.setValue(0, 0, 0, -1000);  // below the window: black
  image.setValue(1, 0, 0, 40);     // the level: mid grey
  image.setValue(2, 0, 0, 1000);   // above: white
  app::SlicePlane plane;
  const QImage out = app::renderSlice(image, plane, 0, {400.0, 40.0});
  ASSERT_EQ(out.width(), 3);
  ASSERT_EQ(out.height(), 2);
  EXPECT_EQ(qGray(out.pixel(0, 0)), 0);
  EXPECT_NEAR(qGray(out.pixel(1, 0)), 128, 1);
  EXPECT_EQ(qGray(out.pixel(2, 0)), 255);
  plane.flipU = true;
  plane.flipV = true;
  const QImage flipped = app::renderSlice(image, plane, 0, {400.0, 40.0});
  EXPECT_EQ(qGray(flipped.pixel(0, 1)), 255);
  EXPECT_EQ(qGray(flipped.pixel(2, 1)), 0);
}

TEST(WindowLevel, DefaultsFollowTheFileThenTheModality) {
  core::Geometry g;
  g.size = {10, 10, 3};
  auto image = std::make_shared<core::Image>(g, core::PixelType::Int16);
  for (std::int64_t k = 0; k < 3; ++k)
    for (std::int64_t j = 0; j < 10; ++j)
      for (std::int64_t i = 0; i < 10; ++i) image->setValue(i, j, k, i < 5 ? -1000 : 60 + 100 * (j % 3));
  core::Series series;
  series.image = image;
  series.info.modality = "CT";
  EXPECT_EQ(app::defaultWindowLevel(series), (app::WindowLevel{400.0, 40.0}));
  series.info.windowWidth = 1500.0;
  series.info.windowCenter = 300.0;
  EXPECT_EQ(app::defaultWindowLevel(series), (app::WindowLevel{1500.0, 300.0}));
  series.info = {};
  series.info.modality = "OT";  // an untagged NIfTI in HU still gets CT handling
  EXPECT_TRUE(render::looksLikeCt(series));
  EXPECT_EQ(app::defaultWindowLevel(series), (app::WindowLevel{400.0, 40.0}));
  series.info.modality = "MR";
  EXPECT_FALSE(render::looksLikeCt(series));
  const app::WindowLevel wl = app::defaultWindowLevel(series);
  EXPECT_NEAR(wl.level - wl.window / 2, -1000.0, 1e-9);
  EXPECT_NEAR(wl.level + wl.window / 2, 260.0, 1e-9);
}

TEST(VtkImage, WrapsTheVoxelsWithoutCopyAndReleasesThem) {
  const core::Geometry g = volumeGeometry(Eigen::Vector3d(-1, -1, 1).asDiagonal());
  auto image = std::make_shared<core::Image>(g, core::PixelType::Float32);
  image->setValue(1, 2, 3, 42.0);
  std::shared_ptr<const core::Image> shared = image;
  const int before = render::borrowedImageCount();
  {
    vtkSmartPointer<vtkImageData> data = render::toVtkImageData(shared);
    EXPECT_EQ(render::borrowedImageCount(), before + 1);
    EXPECT_EQ(data->GetPointData()->GetScalars()->GetVoidPointer(0), image->data());
    EXPECT_EQ(data->GetScalarComponentAsDouble(1, 2, 3, 0), 42.0);
    EXPECT_EQ(data->GetSpacing()[2], 2.0);
    EXPECT_EQ(data->GetOrigin()[0], 10.0);
    EXPECT_EQ(data->GetDirectionMatrix()->GetElement(0, 0), -1.0);
    EXPECT_GT(shared.use_count(), 2) << "VTK keeps the image alive";
  }
  EXPECT_EQ(render::borrowedImageCount(), before);
  EXPECT_EQ(shared.use_count(), 2);
}

TEST(VtkImage, PlacementMatrixMapsTheUnplacedGridToLps) {
  const core::Geometry g = volumeGeometry(Eigen::Vector3d(-1, -1, 1).asDiagonal());
  auto image = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  vtkSmartPointer<vtkImageData> data = render::toVtkImageData(image, false);
  EXPECT_EQ(data->GetOrigin()[0], 0.0);
  const auto matrix = render::placementMatrix(g);
  double point[3];
  data->GetPoint(data->ComputePointId(std::array<int, 3>{2, 3, 1}.data()), point);
  const double in[4] = {point[0], point[1], point[2], 1.0};
  double out[4];
  matrix->MultiplyPoint(in, out);
  const Eigen::Vector3d expected = g.indexToPhysical(Eigen::Vector3d(2, 3, 1));
  EXPECT_NEAR(out[0], expected.x(), 1e-9);
  EXPECT_NEAR(out[1], expected.y(), 1e-9);
  EXPECT_NEAR(out[2], expected.z(), 1e-9);
}

}  // namespace
