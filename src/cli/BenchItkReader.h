#pragma once

// ITK side of the load benchmark. ITK 5.2 bundles its own Eigen 3.3, which cannot share a translation
// unit with the system Eigen used by OpenRad's core headers, so this header carries no ITK/core type.

#include <cstdint>
#include <string>

namespace openrad::cli {

/// Reads the one DICOM series in `folder` the way ITK users do (GDCMSeriesFileNames to sort,
/// ImageSeriesReader with GDCMImageIO into an itk::Image<short, 3>); returns the voxel count and a
/// checksum of a few voxels (so the work cannot be optimised away). Throws std::runtime_error.
std::int64_t readSeriesWithItk(const std::string& folder, double& checksum);

}  // namespace openrad::cli
