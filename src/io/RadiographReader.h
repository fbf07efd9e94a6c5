#pragma once

#include "openrad/core/Study.h"

#include <cstdint>
#include <optional>
#include <string>

namespace openrad::io::detail {

/// True for file names OpenCV reads as a plain radiograph (.png, .jpg, .jpeg, .tif, .tiff).
bool isPlainImageFile(const std::string& path);

/// Width, height, samples per pixel and bits per sample as a PNG, JPEG or TIFF file's own header declares them.
struct PlainImageHeader {
  std::uint64_t width = 0, height = 0;
  int samples = 1, bits = 8;
};

/// The header of a PNG (IHDR), baseline/progressive/lossless JPEG (SOFn) or TIFF (first IFD) file, read without
/// decoding; nullopt when the file is none of these or its header is cut.
std::optional<PlainImageHeader> readPlainImageHeader(const std::string& path);

/// Reads a PNG/JPEG/TIFF radiograph as greyscale (8 or 16 bit) with unknown spacing; the UIDs are
/// derived from the path and a hash of the content, so reloading gives the same UIDs. The size the header declares is
/// checked against `maxBytes` (what decoding would allocate) before anything is decoded. Throws IoError.
core::LoadResult readPlainRadiograph(const std::string& path, std::uint64_t maxBytes);

/// Stable UID from a file path and its content (first 16 MiB hashed, plus the size).
std::string fileUid(const std::string& path, const std::string& purpose);

}  // namespace openrad::io::detail
