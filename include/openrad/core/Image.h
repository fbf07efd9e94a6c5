#pragma once

#include <Eigen/Core>

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

namespace openrad::core {

/// Voxel storage type of an Image.
enum class PixelType { UInt8, Int16, UInt16, Float32 };

/// Size in bytes of one voxel of the given type.
std::size_t bytesPerPixel(PixelType type);
/// Human-readable name ("uint8", "int16", "uint16", "float32").
std::string pixelTypeName(PixelType type);

/// Physical placement of an image grid in patient space (DICOM LPS, millimetres).
struct Geometry {
  std::array<std::int64_t, 3> size{1, 1, 1};  ///< columns (i), rows (j), slices (k); k = 1 for 2D
  Eigen::Vector3d spacing{1.0, 1.0, 1.0};     ///< mm between voxel centres along i, j, k
  Eigen::Vector3d origin{0.0, 0.0, 0.0};      ///< LPS position of voxel (0,0,0) centre
  Eigen::Matrix3d direction = Eigen::Matrix3d::Identity();  ///< columns: LPS unit vectors of i, j, k
  bool spacingKnown = true;  ///< false for PNG/JPEG radiographs: measurements must say "px"

  /// Number of voxels.
  std::int64_t voxelCount() const { return size[0] * size[1] * size[2]; }
  /// True when the image has a single slice.
  bool is2D() const { return size[2] == 1; }
  /// Continuous voxel index (i, j, k) to LPS millimetres.
  Eigen::Vector3d indexToPhysical(const Eigen::Vector3d& index) const;
  /// LPS millimetres to continuous voxel index.
  Eigen::Vector3d physicalToIndex(const Eigen::Vector3d& point) const;
  /// True when both grids coincide within the tolerance (mm, and unit-less for direction).
  bool sameGrid(const Geometry& other, double tolerance = 1e-4) const;
};

/// A 2D or 3D scalar image: one contiguous buffer, x fastest, then y, then z.
/// Values are already rescaled (CT in HU). Shared between views as shared_ptr<const Image>.
class Image {
public:
  /// Allocates a zero-filled image.
  Image(const Geometry& geometry, PixelType type);
  /// Allocates without initialising the voxels (the caller fills every voxel, e.g. a loader).
  static std::shared_ptr<Image> createUninitialised(const Geometry& geometry, PixelType type);

  /// A deep copy (e.g. to paint on a label map without touching the shared original).
  std::shared_ptr<Image> copy() const;

  /// Grid and placement.
  const Geometry& geometry() const { return m_geometry; }
  /// Replaces the placement (size must stay the same).
  void setGeometry(const Geometry& geometry);
  /// Voxel type.
  PixelType pixelType() const { return m_type; }
  /// Total buffer size in bytes.
  std::size_t byteSize() const { return m_bytes; }
  /// Raw buffer.
  void* data() { return m_data.get(); }
  /// Raw buffer.
  const void* data() const { return m_data.get(); }

  /// Typed buffer; throws std::logic_error when T does not match pixelType().
  template <class T> T* as() { checkType<T>(); return static_cast<T*>(data()); }
  /// Typed buffer; throws std::logic_error when T does not match pixelType().
  template <class T> const T* as() const { checkType<T>(); return static_cast<const T*>(data()); }

  /// Linear offset of voxel (i, j, k).
  std::int64_t offset(std::int64_t i, std::int64_t j, std::int64_t k = 0) const {
    return i + m_geometry.size[0] * (j + m_geometry.size[1] * k);
  }
  /// True when (i, j, k) lies inside the grid.
  bool contains(std::int64_t i, std::int64_t j, std::int64_t k = 0) const;
  /// Voxel value as double, any pixel type.
  double value(std::int64_t i, std::int64_t j, std::int64_t k = 0) const;
  /// Sets a voxel (value is rounded and clamped for integer types).
  void setValue(std::int64_t i, std::int64_t j, std::int64_t k, double v);
  /// Minimum and maximum voxel value.
  std::pair<double, double> range() const;

private:
  struct NoInit {};
  Image(const Geometry& geometry, PixelType type, NoInit);
  template <class T> void checkType() const;

  Geometry m_geometry;
  PixelType m_type;
  std::size_t m_bytes = 0;
  std::unique_ptr<std::byte[]> m_data;
};

/// Maps a C++ type to its PixelType.
template <class T> constexpr PixelType pixelTypeOf();
template <> constexpr PixelType pixelTypeOf<std::uint8_t>() { return PixelType::UInt8; }
template <> constexpr PixelType pixelTypeOf<std::int16_t>() { return PixelType::Int16; }
template <> constexpr PixelType pixelTypeOf<std::uint16_t>() { return PixelType::UInt16; }
template <> constexpr PixelType pixelTypeOf<float>() { return PixelType::Float32; }

template <class T> void Image::checkType() const {
  if (pixelTypeOf<T>() != m_type)
    throw std::logic_error("Image: typed access as " + pixelTypeName(pixelTypeOf<T>()) +
                           " but the image holds " + pixelTypeName(m_type));
}

}  // namespace openrad::core
