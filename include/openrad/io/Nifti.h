#pragma once

#include "openrad/core/Image.h"
#include "openrad/io/IoError.h"

#include <cstdint>
#include <memory>
#include <string>

namespace openrad::io {

/// Reads a NIfTI image (.nii or .nii.gz) into LPS geometry; throws IoError. The size its header declares (all of a 4D
/// file's volumes are read) is checked against `maxBytes` before anything is allocated (0: the loader's default
/// ceiling, see io::maxImageBytes).
std::shared_ptr<core::Image> readNifti(const std::string& path, std::uint64_t maxBytes = 0);
/// Writes an image as NIfTI (.nii or .nii.gz by extension), geometry preserved; throws IoError.
void writeNifti(const core::Image& image, const std::string& path);

}  // namespace openrad::io
