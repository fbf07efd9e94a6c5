#pragma once

// The DICOMDIR reader: the files a DICOMDIR lists, confined to its folder. Private to the io layer.

#include "openrad/core/Study.h"

#include <string>
#include <vector>

namespace openrad::io::detail {

/// True when the file is a DICOMDIR (by name).
bool isDicomDir(const std::string& path);

/// Files referenced by a DICOMDIR's records, resolved case-insensitively against its folder. A file ID with `..`, an
/// absolute path, a separator of its own, or a symbolic link leading out of the folder is refused with an issue, as
/// is a missing file; the DICOMDIR itself is structure-checked before DCMTK parses it.
std::vector<std::string> dicomDirFiles(const std::string& dicomdir, std::vector<core::LoadIssue>& issues);

}  // namespace openrad::io::detail
