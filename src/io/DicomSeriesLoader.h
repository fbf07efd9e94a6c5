#pragma once

#include "DicomDir.h"
#include "LoadContext.h"
#include "openrad/core/Study.h"

#include <string>
#include <vector>

namespace openrad::io::detail {

/// Loads DICOM files: reads and validates headers in parallel (DicomHeader.h), plans one volume per series
/// (SeriesPlanner.h: grouped by patient/study/series, slices sorted along the normal), and decodes pixels in
/// parallel into one buffer per series (DicomDecoders.h). Every refusal is an issue naming its file.
core::LoadResult loadDicomFiles(const std::vector<std::string>& files, const LoadContext& context);

}  // namespace openrad::io::detail
