#pragma once

// Raw explicit-VR little-endian DICOM bytes, for files a well-behaved writer would refuse to write (hostile-input tests
// and the mutation campaign).

#include <cstdint>
#include <string>

namespace openrad::test {

inline std::string le16(std::uint16_t v) { return std::string{static_cast<char>(v & 0xff), static_cast<char>(v >> 8)}; }
inline std::string le32(std::uint32_t v) {
  return le16(static_cast<std::uint16_t>(v & 0xffff)) + le16(static_cast<std::uint16_t>(v >> 16));
}
inline std::string tag(std::uint16_t group, std::uint16_t element) { return le16(group) + le16(element); }

/// `depth` sequences nested in each other, each of undefined length with one undefined-length item; with their
/// delimiters when `delimited`.
inline std::string nestedSequences(int depth, bool delimited = true) {
  std::string out;
  for (int i = 0; i < depth; ++i)
    out += tag(0x0040, 0xa730) + "SQ" + le16(0) + le32(0xffffffffu) + tag(0xfffe, 0xe000) + le32(0xffffffffu);
  if (delimited)
    for (int i = 0; i < depth; ++i) out += tag(0xfffe, 0xe00d) + le32(0) + tag(0xfffe, 0xe0dd) + le32(0);
  return out;
}

}  // namespace openrad::test
