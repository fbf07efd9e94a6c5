#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace openrad::io::detail {

/// A decoded JPEG 2000 frame: components stored one plane after the other.
struct J2kFrame {
  std::vector<std::int32_t> data;
  int width = 0, height = 0, components = 0, precision = 0;
  bool isSigned = false;
};

/// Decodes a JPEG 2000 or HTJ2K code stream (raw J2K or JP2 box format) with OpenJPEG, the one decoder of every
/// JPEG 2000 transfer syntax. The main header is read first and its size (SIZ) must be `width` x `height` with
/// 1 or 3 components before any tile is decoded: a stream that disagrees with the DICOM header never reaches the
/// tile decoder (GDCM's path handed such streams on and corrupted the heap). Throws std::runtime_error.
J2kFrame decodeJpeg2000(const std::uint8_t* bytes, std::size_t size, int width, int height);

}  // namespace openrad::io::detail
