#include "openrad/app/SliceRenderer.h"

#include <algorithm>
#include <array>
#include <cmath>

namespace openrad::app {
namespace {

template <class T>
void fill(const core::Image& image, const SlicePlane& plane, std::int64_t slice, const WindowLevel& wl,
          QImage& out) {
  const core::Geometry& g = image.geometry();
  const std::array<std::int64_t, 3> stride{1, g.size[0], g.size[0] * g.size[1]};
  const std::int64_t cols = plane.columns(g);
  const std::int64_t rows = plane.rows(g);
  const std::int64_t strideU = stride[static_cast<std::size_t>(plane.u)];
  const std::int64_t strideV = stride[static_cast<std::size_t>(plane.v)];
  const T* base = image.as<T>() + slice * stride[static_cast<std::size_t>(plane.axis)];
  const double window = std::max(wl.window, 1e-6);
  const double low = wl.level - 0.5 * window;
  const double scale = 255.0 / window;
  for (std::int64_t y = 0; y < rows; ++y) {
    const std::int64_t vi = plane.flipV ? rows - 1 - y : y;
    uchar* line = out.scanLine(static_cast<int>(y));
    const T* row = base + vi * strideV;
    for (std::int64_t x = 0; x < cols; ++x) {
      const std::int64_t ui = plane.flipU ? cols - 1 - x : x;
      const double value = (static_cast<double>(row[ui * strideU]) - low) * scale;
      line[x] = static_cast<uchar>(std::clamp(value + 0.5, 0.0, 255.0));
    }
  }
}

}  // namespace

QImage renderSlice(const core::Image& image, const SlicePlane& plane, std::int64_t slice, const WindowLevel& wl) {
  const core::Geometry& g = image.geometry();
  const std::int64_t cols = plane.columns(g);
  const std::int64_t rows = plane.rows(g);
  QImage out(static_cast<int>(cols), static_cast<int>(rows), QImage::Format_Grayscale8);
  slice = std::clamp<std::int64_t>(slice, 0, plane.slices(g) - 1);
  switch (image.pixelType()) {
    case core::PixelType::UInt8: fill<std::uint8_t>(image, plane, slice, wl, out); break;
    case core::PixelType::Int16: fill<std::int16_t>(image, plane, slice, wl, out); break;
    case core::PixelType::UInt16: fill<std::uint16_t>(image, plane, slice, wl, out); break;
    case core::PixelType::Float32: fill<float>(image, plane, slice, wl, out); break;
  }
  return out;
}

QImage renderThumbnail(const core::Image& image, const WindowLevel& wl, int size) {
  const core::Geometry& g = image.geometry();
  const SlicePlane plane = SlicePlane::forAxis(g, 2, !g.is2D());
  const QImage slice = renderSlice(image, plane, g.size[2] / 2, wl);
  const double su = g.spacingKnown ? g.spacing[plane.u] : 1.0;
  const double sv = g.spacingKnown ? g.spacing[plane.v] : 1.0;
  const double width = static_cast<double>(slice.width()) * su;
  const double height = static_cast<double>(slice.height()) * sv;
  const double scale = size / std::max(width, height);
  return slice.scaled(std::max(1, static_cast<int>(std::lround(width * scale))),
                      std::max(1, static_cast<int>(std::lround(height * scale))), Qt::IgnoreAspectRatio,
                      Qt::SmoothTransformation);
}

}  // namespace openrad::app
