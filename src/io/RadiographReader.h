#pragma once

#include "openrad/core/Study.h"

#include <string>

namespace openrad::io::detail {

/// True for file names OpenCV reads as a plain radiograph (.png, .jpg, .jpeg, .tif, .tiff).
bool isPlainImageFile(const std::string& path);

/// Reads a PNG/JPEG/TIFF radiograph as greyscale (8 or 16 bit) with unknown spacing; the UIDs are
/// derived from the path and a hash of the content, so reloading gives the same UIDs. Throws IoError.
core::LoadResult readPlainRadiograph(const std::string& path);

/// Stable UID from a file path and its content (first 16 MiB hashed, plus the size).
std::string fileUid(const std::string& path, const std::string& purpose);

}  // namespace openrad::io::detail
