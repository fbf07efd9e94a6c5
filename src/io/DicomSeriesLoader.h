#pragma once

#include "LoadContext.h"
#include "openrad/core/Study.h"

#include <string>
#include <vector>

namespace openrad::io::detail {

/// Registers the DCMTK decoders (JPEG, JPEG-LS, RLE) once, thread-safely.
void registerDicomCodecs();

/// True when the file is a DICOMDIR (by name or by its media storage SOP class).
bool isDicomDir(const std::string& path);

/// Files referenced by a DICOMDIR (image records), resolved against its folder.
std::vector<std::string> dicomDirFiles(const std::string& dicomdir, std::vector<core::LoadIssue>& issues);

/// Loads DICOM files: parses headers in parallel, groups by patient/study/series, sorts slices
/// along the slice normal, and decodes pixels in parallel into one buffer per series.
core::LoadResult loadDicomFiles(const std::vector<std::string>& files, const LoadContext& context);

}  // namespace openrad::io::detail
