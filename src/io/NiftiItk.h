#pragma once

// ITK side of the NIfTI reader/writer. ITK 5.2 bundles its own Eigen 3.3, which cannot share a
// translation unit with the system Eigen 3.4 used by core: this header carries no Eigen or ITK type.

#include <array>
#include <cstdint>
#include <memory>
#include <string>

namespace openrad::io::detail {

/// Voxel component type of a NIfTI file.
enum class NiftiComponent { UInt8, Int8, UInt16, Int16, UInt32, Int32, UInt64, Int64, Float32, Float64, Other };

/// Grid of a NIfTI file in ITK's LPS convention.
struct NiftiHeader {
  unsigned dimensions = 3;
  std::array<std::uint64_t, 4> size{1, 1, 1, 1};
  std::array<double, 3> spacing{1.0, 1.0, 1.0};
  std::array<double, 3> origin{0.0, 0.0, 0.0};
  std::array<double, 9> direction{1, 0, 0, 0, 1, 0, 0, 0, 1};  ///< column-major: direction[c * 3 + r]
  NiftiComponent component = NiftiComponent::Float32;
  unsigned components = 1;
  std::uint64_t dataOffset = 0;  ///< vox_offset: where the voxels start (in the inflated stream when compressed)
  bool compressed = false;       ///< gzip-compressed (.nii.gz)
};

/// Bytes per component.
std::size_t niftiComponentBytes(NiftiComponent c);

/// An open NIfTI file (header read); throws std::runtime_error with ITK's message.
class NiftiFile {
public:
  explicit NiftiFile(const std::string& path);
  ~NiftiFile();
  /// Grid and voxel type.
  const NiftiHeader& header() const { return m_header; }
  /// Reads the first 3D volume into `buffer` (size[0]*size[1]*size[2] components).
  void readFirstVolume(void* buffer);

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
  NiftiHeader m_header;
};

/// Writes a 3D volume (.nii or .nii.gz by extension); throws std::runtime_error.
void writeNiftiVolume(const std::string& path, const NiftiHeader& header, const void* data);

}  // namespace openrad::io::detail
