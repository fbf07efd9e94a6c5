#include "Preprocess.h"

#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace openrad::ai::xray {

namespace {
BaseImage resizeToBase(const cv::Mat& gray8, int baseHeight) {
  BaseImage b;
  const double s = std::min(1.0, static_cast<double>(baseHeight) / gray8.rows);
  if (s >= 1.0) {
    b.gray = gray8.clone();
    return b;
  }
  const int w = std::max(1, static_cast<int>(std::lround(gray8.cols * s)));
  const int h = std::max(1, static_cast<int>(std::lround(gray8.rows * s)));
  cv::resize(gray8, b.gray, cv::Size(w, h), 0, 0, cv::INTER_AREA);
  // cv::resize maps pixel centres as x' = (x + 0.5)·sx − 0.5.
  const double sx = static_cast<double>(w) / gray8.cols, sy = static_cast<double>(h) / gray8.rows;
  b.fromOriginal = cv::Matx23d(sx, 0, 0.5 * sx - 0.5, 0, sy, 0.5 * sy - 0.5);
  return b;
}

template <class T> cv::Mat window8(const T* v, int cols, int rows, int factor = 1) {
  // Percentiles from a strided sample: exact enough, cheap on large radiographs.
  const std::size_t n = static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows);
  const std::size_t step = std::max<std::size_t>(1, n / 200000);
  std::vector<double> sample;
  sample.reserve(n / step + 1);
  for (std::size_t i = 0; i < n; i += step) sample.push_back(static_cast<double>(v[i]));
  auto pct = [&](double q) {
    auto it = sample.begin() + static_cast<std::ptrdiff_t>(q * static_cast<double>(sample.size() - 1));
    std::nth_element(sample.begin(), it, sample.end());
    return *it;
  };
  double lo = pct(0.005), hi = pct(0.995);
  if (hi <= lo) {  // nearly constant image (e.g. a small object on a flat background): use the full range
    const auto [mn, mx] = std::minmax_element(sample.begin(), sample.end());
    lo = *mn;
    hi = *mx;
  }
  const double scale = hi > lo ? 255.0 / (hi - lo) : 0.0;
  if (factor > 1) {
    // Very large films: average factor × factor blocks while windowing, so the full-size 8-bit copy is never made.
    const int outCols = std::max(1, cols / factor), outRows = std::max(1, rows / factor);
    cv::Mat out(outRows, outCols, CV_8UC1);
    std::vector<double> sum(static_cast<std::size_t>(outCols));
    for (int r = 0; r < outRows; ++r) {
      std::fill(sum.begin(), sum.end(), 0.0);
      for (int rr = r * factor; rr < (r + 1) * factor && rr < rows; ++rr) {
        const T* in = v + static_cast<std::size_t>(rr) * static_cast<std::size_t>(cols);
        for (int c = 0; c < outCols * factor; ++c) sum[static_cast<std::size_t>(c / factor)] += static_cast<double>(in[c]);
      }
      auto* o = out.ptr<std::uint8_t>(r);
      const double n = static_cast<double>(factor) * factor;
      for (int c = 0; c < outCols; ++c)
        o[c] = static_cast<std::uint8_t>(std::clamp((sum[static_cast<std::size_t>(c)] / n - lo) * scale + 0.5, 0.0, 255.0));
    }
    return out;
  }
  cv::Mat out(rows, cols, CV_8UC1);
  for (int r = 0; r < rows; ++r) {
    auto* o = out.ptr<std::uint8_t>(r);
    const T* in = v + static_cast<std::size_t>(r) * static_cast<std::size_t>(cols);
    for (int c = 0; c < cols; ++c)
      o[c] = static_cast<std::uint8_t>(std::clamp((static_cast<double>(in[c]) - lo) * scale + 0.5, 0.0, 255.0));
  }
  return out;
}
}  // namespace

BaseImage makeBase(const core::Image& image, int baseHeight) {
  const auto& g = image.geometry();
  const int cols = static_cast<int>(g.size[0]), rows = static_cast<int>(g.size[1]);
  // Films more than 8 times the working height are block-averaged first (a 20000-row film would otherwise be
  // windowed and resized at full size); smaller ones keep the exact path the model was evaluated with.
  const int factor = rows > 8 * baseHeight ? rows / (2 * baseHeight) : 1;
  cv::Mat gray;
  switch (image.pixelType()) {
    case core::PixelType::UInt8: gray = window8(image.as<std::uint8_t>(), cols, rows, factor); break;
    case core::PixelType::Int16: gray = window8(image.as<std::int16_t>(), cols, rows, factor); break;
    case core::PixelType::UInt16: gray = window8(image.as<std::uint16_t>(), cols, rows, factor); break;
    case core::PixelType::Float32: gray = window8(image.as<float>(), cols, rows, factor); break;
  }
  BaseImage base = resizeToBase(gray, baseHeight);
  if (factor > 1) {
    // Block (x, y) of the decimated film has its centre at original (factor·x + (factor − 1)/2, ...).
    const double f = factor, o = (f - 1.0) / 2.0;
    base.fromOriginal = compose(base.fromOriginal, cv::Matx23d(1.0 / f, 0, -o / f, 0, 1.0 / f, -o / f));
  }
  return base;
}

BaseImage makeBase(const cv::Mat& image, int baseHeight) {
  cv::Mat single = image;
  if (image.channels() == 3) cv::cvtColor(image, single, cv::COLOR_BGR2GRAY);
  cv::Mat gray;
  if (single.depth() == CV_8U) gray = window8(single.ptr<std::uint8_t>(), single.cols, single.rows);
  else if (single.depth() == CV_16U) gray = window8(single.ptr<std::uint16_t>(), single.cols, single.rows);
  else {
    cv::Mat f;
    single.convertTo(f, CV_32F);
    gray = window8(f.ptr<float>(), f.cols, f.rows);
  }
  return resizeToBase(gray, baseHeight);
}

cv::Matx23d letterbox(const cv::Size& base, const cv::Size& input) {
  const double s = std::min(static_cast<double>(input.width) / base.width, static_cast<double>(input.height) / base.height);
  // Centre the scaled image: base pixel-centre extent [-0.5, n-0.5] maps into [-0.5, m-0.5] centred.
  const double tx = 0.5 * (input.width - s * base.width) + 0.5 * s - 0.5;
  const double ty = 0.5 * (input.height - s * base.height) + 0.5 * s - 0.5;
  return cv::Matx23d(s, 0, tx, 0, s, ty);
}

cv::Matx23d compose(const cv::Matx23d& a, const cv::Matx23d& b) {
  const cv::Matx33d A(a(0, 0), a(0, 1), a(0, 2), a(1, 0), a(1, 1), a(1, 2), 0, 0, 1);
  const cv::Matx33d B(b(0, 0), b(0, 1), b(0, 2), b(1, 0), b(1, 1), b(1, 2), 0, 0, 1);
  const cv::Matx33d C = A * B;
  return cv::Matx23d(C(0, 0), C(0, 1), C(0, 2), C(1, 0), C(1, 1), C(1, 2));
}

cv::Matx23d invert(const cv::Matx23d& m) {
  cv::Matx23d out;
  cv::invertAffineTransform(m, out);
  return out;
}

Eigen::Vector2d apply(const cv::Matx23d& m, const Eigen::Vector2d& p) {
  return {m(0, 0) * p.x() + m(0, 1) * p.y() + m(0, 2), m(1, 0) * p.x() + m(1, 1) * p.y() + m(1, 2)};
}

cv::Mat warpToInput(const cv::Mat& base, const cv::Matx23d& toInput, const cv::Size& input) {
  cv::Mat out;
  cv::warpAffine(base, out, cv::Mat(toInput), input, cv::INTER_LINEAR, cv::BORDER_CONSTANT, cv::Scalar(0));
  return out;
}

void makeChannels(const cv::Mat& input8, bool clahe, float* dst) {
  cv::Mat c1, c2;
  if (clahe) {
    // Tile grid sized to the input so each tile spans a few vertebrae.
    auto op = cv::createCLAHE(2.0, cv::Size(4, 8));
    op->apply(input8, c1);
  } else {
    c1 = input8;
  }
  cv::equalizeHist(input8, c2);
  const std::size_t plane = static_cast<std::size_t>(input8.rows) * static_cast<std::size_t>(input8.cols);
  const cv::Mat* chans[3] = {&input8, &c1, &c2};
  for (int c = 0; c < 3; ++c) {
    float* o = dst + static_cast<std::size_t>(c) * plane;
    for (int r = 0; r < input8.rows; ++r) {
      const auto* p = chans[c]->ptr<std::uint8_t>(r);
      for (int x = 0; x < input8.cols; ++x) *o++ = (static_cast<float>(p[x]) / 255.0f - 0.5f) * 4.0f;
    }
  }
}

void augmentIntensity(cv::Mat& input8, std::mt19937_64& rng) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  const double gamma = std::exp((u(rng) - 0.5) * 0.8);  // ~0.67 .. 1.5
  const double contrast = 0.75 + 0.5 * u(rng);
  const double brightness = (u(rng) - 0.5) * 50.0;
  cv::Mat lut(1, 256, CV_8UC1);
  for (int i = 0; i < 256; ++i) {
    const double g = 255.0 * std::pow(i / 255.0, gamma);
    lut.at<std::uint8_t>(i) = cv::saturate_cast<std::uint8_t>((g - 128.0) * contrast + 128.0 + brightness);
  }
  cv::LUT(input8, lut, input8);
  const double r = u(rng);
  if (r < 0.25) {
    cv::GaussianBlur(input8, input8, cv::Size(3, 3), 0.6 + u(rng));
  } else if (r < 0.5) {
    cv::Mat noise(input8.size(), CV_16SC1);
    cv::randn(noise, 0, 2.0 + 6.0 * u(rng));
    cv::Mat tmp;
    input8.convertTo(tmp, CV_16SC1);
    tmp += noise;
    tmp.convertTo(input8, CV_8UC1);
  }
}

}  // namespace openrad::ai::xray
