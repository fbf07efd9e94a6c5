#pragma once

// Private to the xray-landmarks module (OpenCV types).
#include "openrad/core/Image.h"

#include <Eigen/Core>
#include <opencv2/core.hpp>

#include <random>

namespace openrad::ai::xray {

/// A radiograph reduced to 8 bits at a working resolution, and the map from original pixels to it.
struct BaseImage {
  cv::Mat gray;  ///< CV_8UC1, bone bright
  cv::Matx23d fromOriginal = cv::Matx23d(1, 0, 0, 0, 1, 0);  ///< original (col,row) → base (col,row)
};

/// Windows the image to its 0.5–99.5 % intensity percentiles, 8 bits, then area-resizes so it has
/// `baseHeight` rows (never upsamples). Pixel centres are integer coordinates throughout.
BaseImage makeBase(const core::Image& image, int baseHeight);
/// Same from an 8- or 16-bit single-channel OpenCV image.
BaseImage makeBase(const cv::Mat& image, int baseHeight);

/// Affine map base → network input: uniform scale to fit, centred, zero padding (letterbox).
cv::Matx23d letterbox(const cv::Size& base, const cv::Size& input);
/// a ∘ b (apply b first).
cv::Matx23d compose(const cv::Matx23d& a, const cv::Matx23d& b);
/// Inverse of an invertible affine map.
cv::Matx23d invert(const cv::Matx23d& m);
/// Applies an affine map to a point.
Eigen::Vector2d apply(const cv::Matx23d& m, const Eigen::Vector2d& p);

/// Warps `base` into the network input size with `toInput` (base → input).
cv::Mat warpToInput(const cv::Mat& base, const cv::Matx23d& toInput, const cv::Size& input);

/// Writes the 3 input channels (raw, CLAHE — or raw again when `clahe` is false —, histogram-equalised),
/// normalised as (x/255 − 0.5)·4, channel-major, into dst (3·rows·cols floats).
void makeChannels(const cv::Mat& input8, bool clahe, float* dst);

/// Random photometric change for training: gamma, contrast, brightness, blur or noise.
void augmentIntensity(cv::Mat& input8, std::mt19937_64& rng);

}  // namespace openrad::ai::xray
