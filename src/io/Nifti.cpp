#include "openrad/io/Nifti.h"
#include "openrad/io/Loader.h"

#include "NiftiItk.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <vector>

namespace openrad::io {
namespace {

using detail::NiftiComponent;

bool directType(NiftiComponent c, core::PixelType& type) {
  switch (c) {
    case NiftiComponent::UInt8: type = core::PixelType::UInt8; return true;
    case NiftiComponent::Int16: type = core::PixelType::Int16; return true;
    case NiftiComponent::UInt16: type = core::PixelType::UInt16; return true;
    case NiftiComponent::Float32: type = core::PixelType::Float32; return true;
    default: return false;
  }
}

template <class S, class T> void copyAs(const S* src, std::size_t n, T* dst) {
  for (std::size_t i = 0; i < n; ++i) dst[i] = static_cast<T>(src[i]);
}

// Other voxel types are narrowed to the smallest core type that holds every value exactly (an int32
// CT that fits int16 becomes int16), else float32.
template <class S>
std::shared_ptr<core::Image> narrow(const std::vector<char>& buffer, std::size_t n, const core::Geometry& g) {
  const S* src = reinterpret_cast<const S*>(buffer.data());
  double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
  for (std::size_t i = 0; i < n; ++i) {
    const double v = static_cast<double>(src[i]);
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  core::PixelType type = core::PixelType::Float32;
  if (std::numeric_limits<S>::is_integer && n > 0) {
    if (lo >= 0 && hi <= 255)
      type = core::PixelType::UInt8;
    else if (lo >= -32768 && hi <= 32767)
      type = core::PixelType::Int16;
    else if (lo >= 0 && hi <= 65535)
      type = core::PixelType::UInt16;
  }
  auto image = core::Image::createUninitialised(g, type);
  switch (type) {
    case core::PixelType::UInt8: copyAs(src, n, image->as<std::uint8_t>()); break;
    case core::PixelType::Int16: copyAs(src, n, image->as<std::int16_t>()); break;
    case core::PixelType::UInt16: copyAs(src, n, image->as<std::uint16_t>()); break;
    case core::PixelType::Float32: copyAs(src, n, image->as<float>()); break;
  }
  return image;
}

}  // namespace

std::shared_ptr<core::Image> readNifti(const std::string& path, std::uint64_t maxBytes) {
  try {
    detail::NiftiFile file(path);
    const detail::NiftiHeader& h = file.header();
    if (h.components != 1) throw IoError(path, "multi-component (RGB/vector) NIfTI is not supported");
    // Sizes from the header, in 64 bits with a bound per axis (so the products cannot wrap), before any buffer.
    const std::uint64_t limit = maxBytes > 0 ? maxBytes : maxImageBytes(LoadOptions{});
    std::uint64_t voxels = 1, volumeVoxels = 1;
    for (unsigned i = 0; i < h.dimensions; ++i) {
      const auto n = static_cast<std::uint64_t>(h.size[i]);
      if (n == 0 || n > (1u << 20)) throw IoError(path, "NIfTI dimension " + std::to_string(i + 1) + " is " + std::to_string(n));
      voxels *= n;
      if (i < 3) volumeVoxels *= n;
      if (voxels > (1ull << 40)) throw IoError(path, "NIfTI header declares more than 2^40 voxels");
    }
    const std::uint64_t componentBytes = std::max<std::uint64_t>(1, detail::niftiComponentBytes(h.component));
    // What is read (every volume of a 4D file) plus the image kept (up to 4 bytes a voxel).
    const std::uint64_t need = voxels * componentBytes + volumeVoxels * 4;
    if (need > limit)
      throw IoError(path, "NIfTI image would need " + std::to_string(need >> 20) + " MiB, above the loader's limit of " +
                              std::to_string(limit >> 20) + " MiB; not loaded");
    if (!h.compressed) {
      // An uncompressed file holds its voxels: a header that declares more than the file has is refused here, not
      // by a read that runs dry after the allocation.
      std::error_code ec;
      const std::uint64_t fileBytes = std::filesystem::file_size(path, ec);
      const std::uint64_t declared = h.dataOffset + voxels * componentBytes;
      if (!ec && declared > fileBytes)
        throw IoError(path, "NIfTI file holds " + std::to_string(fileBytes) + " bytes; its header declares " +
                                std::to_string(declared) + " (truncated file?)");
    }
    core::Geometry g;
    for (int i = 0; i < 3; ++i) {
      g.size[i] = static_cast<std::int64_t>(h.size[i]);
      g.spacing[i] = std::isfinite(h.spacing[i]) && h.spacing[i] > 0 ? h.spacing[i] : 1.0;
      g.origin[i] = h.origin[i];
      for (int r = 0; r < 3; ++r) g.direction(r, i) = h.direction[i * 3 + r];
    }
    if (h.dimensions == 2) {
      g.direction.col(2) = g.direction.col(0).cross(g.direction.col(1));
      if (g.direction.col(2).norm() < 0.5) g.direction.col(2) = Eigen::Vector3d::UnitZ();
    }
    const std::size_t n = static_cast<std::size_t>(g.voxelCount());
    core::PixelType type;
    if (directType(h.component, type)) {
      auto image = core::Image::createUninitialised(g, type);
      file.readFirstVolume(image->data());
      return image;
    }
    const std::size_t bytes = detail::niftiComponentBytes(h.component);
    if (bytes == 0) throw IoError(path, "unsupported NIfTI voxel type");
    std::vector<char> buffer(n * bytes);
    file.readFirstVolume(buffer.data());
    switch (h.component) {
      case NiftiComponent::Int8: return narrow<std::int8_t>(buffer, n, g);
      case NiftiComponent::UInt32: return narrow<std::uint32_t>(buffer, n, g);
      case NiftiComponent::Int32: return narrow<std::int32_t>(buffer, n, g);
      case NiftiComponent::UInt64: return narrow<std::uint64_t>(buffer, n, g);
      case NiftiComponent::Int64: return narrow<std::int64_t>(buffer, n, g);
      case NiftiComponent::Float64: return narrow<double>(buffer, n, g);
      default: throw IoError(path, "unsupported NIfTI voxel type");
    }
  } catch (const IoError&) {
    throw;
  } catch (const std::bad_alloc&) {
    throw IoError(path, "not enough memory for the NIfTI image");
  } catch (const std::exception& e) {
    throw IoError(path, std::string("NIfTI read failed: ") + e.what());
  }
}

void writeNifti(const core::Image& image, const std::string& path) {
  const core::Geometry& g = image.geometry();
  detail::NiftiHeader h;
  h.dimensions = 3;
  for (int i = 0; i < 3; ++i) {
    h.size[i] = static_cast<std::uint64_t>(g.size[i]);
    h.spacing[i] = g.spacing[i];
    h.origin[i] = g.origin[i];
    for (int r = 0; r < 3; ++r) h.direction[i * 3 + r] = g.direction(r, i);
  }
  switch (image.pixelType()) {
    case core::PixelType::UInt8: h.component = NiftiComponent::UInt8; break;
    case core::PixelType::Int16: h.component = NiftiComponent::Int16; break;
    case core::PixelType::UInt16: h.component = NiftiComponent::UInt16; break;
    case core::PixelType::Float32: h.component = NiftiComponent::Float32; break;
  }
  try {
    detail::writeNiftiVolume(path, h, image.data());
  } catch (const std::exception& e) {
    throw IoError(path, std::string("NIfTI write failed: ") + e.what());
  }
}

}  // namespace openrad::io
