#include "openrad/core/Image.h"

#include <Eigen/LU>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace openrad::core {

std::size_t bytesPerPixel(PixelType type) {
  switch (type) {
    case PixelType::UInt8: return 1;
    case PixelType::Int16:
    case PixelType::UInt16: return 2;
    case PixelType::Float32: return 4;
  }
  return 1;
}

std::string pixelTypeName(PixelType type) {
  switch (type) {
    case PixelType::UInt8: return "uint8";
    case PixelType::Int16: return "int16";
    case PixelType::UInt16: return "uint16";
    case PixelType::Float32: return "float32";
  }
  return "unknown";
}

Eigen::Vector3d Geometry::indexToPhysical(const Eigen::Vector3d& index) const {
  return origin + direction * index.cwiseProduct(spacing);
}

Eigen::Vector3d Geometry::physicalToIndex(const Eigen::Vector3d& point) const {
  // Direction may be slightly non-orthogonal (gantry tilt), so invert rather than transpose.
  return (direction.inverse() * (point - origin)).cwiseQuotient(spacing);
}

bool Geometry::sameGrid(const Geometry& other, double tolerance) const {
  return size == other.size && (spacing - other.spacing).cwiseAbs().maxCoeff() <= tolerance &&
         (origin - other.origin).cwiseAbs().maxCoeff() <= tolerance &&
         (direction - other.direction).cwiseAbs().maxCoeff() <= tolerance;
}

static std::size_t checkedBytes(const Geometry& geometry, PixelType type) {
  for (auto s : geometry.size)
    if (s <= 0) throw std::invalid_argument("Image: every dimension must be positive");
  return static_cast<std::size_t>(geometry.voxelCount()) * bytesPerPixel(type);
}

Image::Image(const Geometry& geometry, PixelType type, NoInit)
    : m_geometry(geometry), m_type(type), m_bytes(checkedBytes(geometry, type)),
      m_data(new std::byte[m_bytes]) {}

Image::Image(const Geometry& geometry, PixelType type) : Image(geometry, type, NoInit{}) {
  std::memset(m_data.get(), 0, m_bytes);
}

std::shared_ptr<Image> Image::createUninitialised(const Geometry& geometry, PixelType type) {
  return std::shared_ptr<Image>(new Image(geometry, type, NoInit{}));
}

void Image::setGeometry(const Geometry& geometry) {
  if (geometry.size != m_geometry.size) throw std::invalid_argument("Image::setGeometry: size differs");
  m_geometry = geometry;
}

bool Image::contains(std::int64_t i, std::int64_t j, std::int64_t k) const {
  return i >= 0 && j >= 0 && k >= 0 && i < m_geometry.size[0] && j < m_geometry.size[1] &&
         k < m_geometry.size[2];
}

double Image::value(std::int64_t i, std::int64_t j, std::int64_t k) const {
  const auto o = offset(i, j, k);
  switch (m_type) {
    case PixelType::UInt8: return static_cast<const std::uint8_t*>(data())[o];
    case PixelType::Int16: return static_cast<const std::int16_t*>(data())[o];
    case PixelType::UInt16: return static_cast<const std::uint16_t*>(data())[o];
    case PixelType::Float32: return static_cast<const float*>(data())[o];
  }
  return 0.0;
}

template <class T> static T clampRound(double v) {
  const double lo = static_cast<double>(std::numeric_limits<T>::lowest());
  const double hi = static_cast<double>(std::numeric_limits<T>::max());
  return static_cast<T>(std::clamp(std::round(v), lo, hi));
}

void Image::setValue(std::int64_t i, std::int64_t j, std::int64_t k, double v) {
  const auto o = offset(i, j, k);
  switch (m_type) {
    case PixelType::UInt8: static_cast<std::uint8_t*>(data())[o] = clampRound<std::uint8_t>(v); break;
    case PixelType::Int16: static_cast<std::int16_t*>(data())[o] = clampRound<std::int16_t>(v); break;
    case PixelType::UInt16: static_cast<std::uint16_t*>(data())[o] = clampRound<std::uint16_t>(v); break;
    case PixelType::Float32: static_cast<float*>(data())[o] = static_cast<float>(v); break;
  }
}

template <class T> static std::pair<double, double> minMax(const T* p, std::size_t n) {
  if (n == 0) return {0.0, 0.0};
  auto [lo, hi] = std::minmax_element(p, p + n);
  return {static_cast<double>(*lo), static_cast<double>(*hi)};
}

std::pair<double, double> Image::range() const {
  const auto n = static_cast<std::size_t>(m_geometry.voxelCount());
  switch (m_type) {
    case PixelType::UInt8: return minMax(static_cast<const std::uint8_t*>(data()), n);
    case PixelType::Int16: return minMax(static_cast<const std::int16_t*>(data()), n);
    case PixelType::UInt16: return minMax(static_cast<const std::uint16_t*>(data()), n);
    case PixelType::Float32: return minMax(static_cast<const float*>(data()), n);
  }
  return {0.0, 0.0};
}

std::shared_ptr<Image> Image::copy() const {
  auto out = createUninitialised(m_geometry, m_type);
  std::memcpy(out->data(), data(), m_bytes);
  return out;
}

}  // namespace openrad::core
