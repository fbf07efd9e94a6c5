#include "NiftiItk.h"

#include "ItkFactories.h"

#include <itkImageIORegion.h>
#include <itkNiftiImageIO.h>

#include <algorithm>
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
