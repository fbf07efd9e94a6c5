// White-box test of the xray-landmarks preprocessing (private header, OpenCV only).
#include "Preprocess.h"

#include <gtest/gtest.h>

#include <opencv2/core.hpp>

using namespace openrad;

namespace {
/// Position of the brightest pixel, refined by the intensity centroid of its 5×5 neighbourhood.
Eigen::Vector2d brightest(const cv::Mat& m) {
  cv::Point at;
  cv::minMaxLoc(m, nullptr, nullptr, nullptr, &at);
  double sx = 0, sy = 0, sw = 0;
  for (int y = std::max(0, at.y - 2); y <= std::min(m.rows - 1, at.y + 2); ++y)
    for (int x = std::max(0, at.x - 2); x <= std::min(m.cols - 1, at.x + 2); ++x) {
      const double w = m.at<std::uint8_t>(y, x);
      sx += w * x;
      sy += w * y;
      sw += w;
    }
  return {sx / sw, sy / sw};
}
}  // namespace

TEST(XrayPreprocess, LetterboxMapsPointsWhereThePixelsGo) {
  core::Geometry g;
  g.size = {400, 900, 1};
  core::Image image(g, core::PixelType::UInt16);
  const Eigen::Vector2d dot(123.0, 611.0);
  for (int y = -6; y <= 6; ++y)
    for (int x = -6; x <= 6; ++x)
      image.setValue(static_cast<int>(dot.x()) + x, static_cast<int>(dot.y()) + y, 0,
                     4000.0 * std::exp(-(x * x + y * y) / 8.0));
  const ai::xray::BaseImage base = ai::xray::makeBase(image, 300);
  EXPECT_EQ(base.gray.rows, 300);
  const cv::Size input(64, 128);
  const cv::Matx23d toInput = ai::xray::letterbox(base.gray.size(), input);
  const cv::Mat in8 = ai::xray::warpToInput(base.gray, toInput, input);
  const cv::Matx23d full = ai::xray::compose(toInput, base.fromOriginal);
  const Eigen::Vector2d expected = ai::xray::apply(full, dot);
  const Eigen::Vector2d found = brightest(in8);
  EXPECT_NEAR(found.x(), expected.x(), 0.35);
  EXPECT_NEAR(found.y(), expected.y(), 0.35);
  // And back: the inverse map returns the original position.
  const Eigen::Vector2d back = ai::xray::apply(ai::xray::invert(full), expected);
  EXPECT_NEAR((back - dot).norm(), 0.0, 1e-9);
  // The letterboxed image is centred: 400×900 scaled by 128/900 is ~57 columns wide in 64.
  EXPECT_NEAR(ai::xray::apply(full, {-0.5, -0.5}).x() + ai::xray::apply(full, {399.5, 0}).x(), 64.0 - 1.0, 1e-9);
}

TEST(XrayPreprocess, ChannelsAreNormalisedAndClaheOffCopiesRaw) {
  cv::Mat in8(32, 16, CV_8UC1);
  for (int y = 0; y < in8.rows; ++y)
    for (int x = 0; x < in8.cols; ++x) in8.at<std::uint8_t>(y, x) = static_cast<std::uint8_t>(x * 8 + y);
  std::vector<float> on(3 * 32 * 16), off(3 * 32 * 16);
  ai::xray::makeChannels(in8, true, on.data());
  ai::xray::makeChannels(in8, false, off.data());
  const std::size_t plane = 32 * 16;
  EXPECT_FLOAT_EQ(off[0], -2.0f);  // value 0 → (0 − 0.5)·4
  for (std::size_t i = 0; i < plane; ++i) EXPECT_FLOAT_EQ(off[plane + i], off[i]);  // CLAHE off: raw again
  bool differs = false;
  for (std::size_t i = 0; i < plane; ++i) differs |= on[plane + i] != on[i];
  EXPECT_TRUE(differs);
  for (float v : on) {
    EXPECT_GE(v, -2.0f);
    EXPECT_LE(v, 2.0f);
  }
}
