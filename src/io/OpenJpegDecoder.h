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

/// Decodes a JPEG 2000 or HTJ2K code stream (raw J2K or JP2 box format) with OpenJPEG; used when
/// GDCM does not know the transfer syntax (HTJ2K in GDCM 3.0.21). Throws std::runtime_error.
J2kFrame decodeJpeg2000(const std::uint8_t* bytes, std::size_t size);

}  // namespace openrad::io::detail
