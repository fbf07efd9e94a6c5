#pragma once

#include "openrad/core/Image.h"
#include "openrad/io/IoError.h"

#include <memory>
#include <string>

namespace openrad::io {

/// Reads a NIfTI image (.nii or .nii.gz) into LPS geometry; throws IoError.
std::shared_ptr<core::Image> readNifti(const std::string& path);
/// Writes an image as NIfTI (.nii or .nii.gz by extension), geometry preserved; throws IoError.
void writeNifti(const core::Image& image, const std::string& path);

}  // namespace openrad::io
