#include "NiftiItk.h"

#include "ItkFactories.h"

#include <itkImageIORegion.h>
#include <itkNiftiImageIO.h>

#include <zlib.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <tuple>
#include <utility>
#include <stdexcept>
#include <vector>

namespace openrad::io::detail {
namespace {

using Component = itk::IOComponentEnum;

NiftiComponent fromItk(Component c, std::size_t bytes) {
  switch (c) {
    case Component::UCHAR: return NiftiComponent::UInt8;
    case Component::CHAR: return NiftiComponent::Int8;
    case Component::USHORT: return NiftiComponent::UInt16;
    case Component::SHORT: return NiftiComponent::Int16;
    case Component::UINT: return NiftiComponent::UInt32;
    case Component::INT: return NiftiComponent::Int32;
    case Component::ULONG:
    case Component::ULONGLONG: return bytes == 8 ? NiftiComponent::UInt64 : NiftiComponent::UInt32;
    case Component::LONG:
    case Component::LONGLONG: return bytes == 8 ? NiftiComponent::Int64 : NiftiComponent::Int32;
    case Component::FLOAT: return NiftiComponent::Float32;
    case Component::DOUBLE: return NiftiComponent::Float64;
    default: return NiftiComponent::Other;
  }
}

Component toItk(NiftiComponent c) {
  switch (c) {
    case NiftiComponent::UInt8: return Component::UCHAR;
    case NiftiComponent::Int8: return Component::CHAR;
    case NiftiComponent::UInt16: return Component::USHORT;
    case NiftiComponent::Int16: return Component::SHORT;
    case NiftiComponent::UInt32: return Component::UINT;
    case NiftiComponent::Int32: return Component::INT;
    case NiftiComponent::UInt64: return Component::ULONGLONG;
    case NiftiComponent::Int64: return Component::LONGLONG;
    case NiftiComponent::Float32: return Component::FLOAT;
    case NiftiComponent::Float64: return Component::DOUBLE;
    case NiftiComponent::Other: break;
  }
  throw std::runtime_error("unsupported voxel type");
}

bool endsWithGz(const std::string& s) {
  return s.size() >= 3 && (s.compare(s.size() - 3, 3, ".gz") == 0 || s.compare(s.size() - 3, 3, ".GZ") == 0);
}

/// The raw header's fields that ITK turns into an orientation matrix (vnl's SVD aborts the process on a non-finite
/// one) must be finite; returns the voxel data's offset and whether the file is gzip-compressed. gzread reads plain
/// files as they are, so one path serves .nii and .nii.gz.
std::pair<std::uint64_t, bool> checkRawHeader(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  if (!f) throw std::runtime_error("cannot open the file");
  unsigned char b[540] = {};
  const int got = gzread(f, b, sizeof b);
  const bool compressed = gzdirect(f) == 0;
  gzclose(f);
  if (got < 348) throw std::runtime_error("NIfTI header cut short (" + std::to_string(std::max(got, 0)) + " bytes)");
  const auto raw32 = [&](int at) {
    std::uint32_t v;
    std::memcpy(&v, b + at, 4);
    return v;
  };
  const std::uint32_t first = raw32(0);
  const bool swap = first == __builtin_bswap32(348) || first == __builtin_bswap32(540);
  const std::uint32_t size = swap ? __builtin_bswap32(first) : first;
  if (size != 348 && size != 540) throw std::runtime_error("not a NIfTI-1 or NIfTI-2 header (sizeof_hdr " + std::to_string(size) + ")");
  if (size == 540 && got < 540) throw std::runtime_error("NIfTI-2 header cut short");
  const auto u32 = [&](int at) { return swap ? __builtin_bswap32(raw32(at)) : raw32(at); };
  const auto u64 = [&](int at) {
    std::uint64_t v;
    std::memcpy(&v, b + at, 8);
    return swap ? __builtin_bswap64(v) : v;
  };
  const auto i16 = [&](int at) {
    std::uint16_t v;
    std::memcpy(&v, b + at, 2);
    return static_cast<std::int16_t>(swap ? __builtin_bswap16(v) : v);
  };
  const auto f32 = [&](int at) {
    const std::uint32_t bits = u32(at);
    float v;
    std::memcpy(&v, &bits, 4);
    return static_cast<double>(v);
  };
  const auto f64 = [&](int at) {
    const std::uint64_t bits = u64(at);
    double v;
    std::memcpy(&v, &bits, 8);
    return v;
  };
  const bool v1 = size == 348;
  const auto real = [&](int at1, int at2) { return v1 ? f32(at1) : f64(at2); };
  const int qform = v1 ? i16(252) : static_cast<std::int32_t>(u32(344));
  const int sform = v1 ? i16(254) : static_cast<std::int32_t>(u32(348));
  // Finite is not enough: an offset of 1.7e38 mm kept vnl's SVD iterating for minutes. Bounds far beyond any scanner:
  // 1 km voxels or offsets of 10 km are refused.
  const auto plausible = [&](const char* what, int at1, int at2, int count, double bound) {
    for (int i = 0; i < count; ++i) {
      const double v = real(at1 + 4 * i, at2 + 8 * i);
      if (!std::isfinite(v) || std::abs(v) > bound)
        throw std::runtime_error(std::string("NIfTI header has an implausible ") + what + " (" + std::to_string(v) + ")");
    }
  };
  plausible("pixdim", 80, 112, 3, 1e6);  // pixdim[1..3]
  if (qform > 0) {
    plausible("quaternion (qform)", 256, 352, 3, 1.001);
    plausible("offset (qform)", 268, 376, 3, 1e7);
  }
  if (sform > 0)
    for (int row = 0; row < 3; ++row) {
      plausible("affine (sform)", 280 + 16 * row, 400 + 32 * row, 3, 1e6);
      plausible("affine offset (sform)", 280 + 16 * row + 12, 400 + 32 * row + 24, 1, 1e7);
    }
  const double offset = v1 ? f32(108) : static_cast<double>(static_cast<std::int64_t>(u64(168)));
  if (!std::isfinite(offset) || offset < 0 || offset > 1e12) throw std::runtime_error("NIfTI vox_offset out of range");
  return {static_cast<std::uint64_t>(offset), compressed};
}

}  // namespace

std::size_t niftiComponentBytes(NiftiComponent c) {
  switch (c) {
    case NiftiComponent::UInt8:
    case NiftiComponent::Int8: return 1;
    case NiftiComponent::UInt16:
    case NiftiComponent::Int16: return 2;
    case NiftiComponent::UInt32:
    case NiftiComponent::Int32:
    case NiftiComponent::Float32: return 4;
    case NiftiComponent::UInt64:
    case NiftiComponent::Int64:
    case NiftiComponent::Float64: return 8;
    case NiftiComponent::Other: break;
  }
  return 0;
}

struct NiftiFile::Impl {
  itk::NiftiImageIO::Pointer io;
};

NiftiFile::NiftiFile(const std::string& path) : m_impl(std::make_unique<Impl>()) {
  registerItkFactories();
  try {
    m_impl->io = itk::NiftiImageIO::New();
    auto& io = m_impl->io;
    if (!io->CanReadFile(path.c_str())) throw std::runtime_error("not a readable NIfTI file");
    std::tie(m_header.dataOffset, m_header.compressed) = checkRawHeader(path);
    io->SetFileName(path);
    io->ReadImageInformation();
    const unsigned dims = io->GetNumberOfDimensions();
    if (dims < 2 || dims > 4) throw std::runtime_error("unsupported NIfTI dimensionality " + std::to_string(dims));
    m_header.dimensions = dims;
    m_header.components = io->GetNumberOfComponents();
    m_header.component = fromItk(io->GetComponentType(), io->GetComponentSize());
    for (unsigned i = 0; i < dims; ++i) m_header.size[i] = io->GetDimensions(i);
    for (unsigned i = 0; i < std::min(3u, dims); ++i) {
      m_header.spacing[i] = io->GetSpacing(i);
      m_header.origin[i] = io->GetOrigin(i);
      const std::vector<double> d = io->GetDirection(i);
      for (unsigned r = 0; r < std::min<std::size_t>(3, d.size()); ++r) m_header.direction[i * 3 + r] = d[r];
    }
  } catch (const itk::ExceptionObject& e) {
    throw std::runtime_error(e.GetDescription());
  }
}

NiftiFile::~NiftiFile() = default;

void NiftiFile::readFirstVolume(void* buffer) {
  try {
    auto& io = m_impl->io;
    const unsigned dims = m_header.dimensions;
    itk::ImageIORegion region(dims);
    for (unsigned i = 0; i < dims; ++i) {
      region.SetIndex(i, 0);
      region.SetSize(i, i == 3 ? 1 : m_header.size[i]);
    }
    io->SetIORegion(region);
    if (dims == 4 && m_header.size[3] > 1) {
      // Streaming a sub-region is not guaranteed for compressed files: read all, keep the first volume.
      const std::size_t volume = m_header.size[0] * m_header.size[1] * m_header.size[2] * m_header.components *
                                 niftiComponentBytes(m_header.component);
      itk::ImageIORegion all(dims);
      for (unsigned i = 0; i < dims; ++i) {
        all.SetIndex(i, 0);
        all.SetSize(i, m_header.size[i]);
      }
      io->SetIORegion(all);
      std::vector<char> everything(volume * m_header.size[3]);
      io->Read(everything.data());
      std::copy(everything.begin(), everything.begin() + static_cast<long>(volume), static_cast<char*>(buffer));
      return;
    }
    io->Read(buffer);
  } catch (const itk::ExceptionObject& e) {
    throw std::runtime_error(e.GetDescription());
  }
}

void writeNiftiVolume(const std::string& path, const NiftiHeader& h, const void* data) {
  registerItkFactories();
  try {
    auto io = itk::NiftiImageIO::New();
    io->SetNumberOfDimensions(3);
    itk::ImageIORegion region(3);
    for (unsigned i = 0; i < 3; ++i) {
      io->SetDimensions(i, static_cast<unsigned>(h.size[i]));
      io->SetSpacing(i, h.spacing[i]);
      io->SetOrigin(i, h.origin[i]);
      io->SetDirection(i, std::vector<double>{h.direction[i * 3], h.direction[i * 3 + 1], h.direction[i * 3 + 2]});
      region.SetIndex(i, 0);
      region.SetSize(i, h.size[i]);
    }
    io->SetIORegion(region);
    io->SetPixelType(itk::IOPixelEnum::SCALAR);
    io->SetNumberOfComponents(1);
    io->SetComponentType(toItk(h.component));
    io->SetFileName(path);
    io->SetUseCompression(endsWithGz(path));
    io->Write(data);
  } catch (const itk::ExceptionObject& e) {
    throw std::runtime_error(e.GetDescription());
  }
}

}  // namespace openrad::io::detail
