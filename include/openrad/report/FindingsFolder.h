#pragma once

#include "openrad/report/SpineReport.h"

#include <string>
#include <vector>

namespace openrad::report {

/// File names written by writeFindingsFolder, in writing order.
const std::vector<std::string>& findingsFolderFiles();

/// Writes every export of one analysed series into `folder` (created when missing): measurements.csv,
/// landmarks.csv, findings.json, overlay.png and report.pdf. Used by `openrad-cli analyze` and the
/// workstation's Export. Returns the paths written; throws io::IoError naming the folder or file on failure.
/// Needs a QGuiApplication (ensureGuiApplication()).
std::vector<std::string> writeFindingsFolder(const ReportInput& input, const std::string& folder);

}  // namespace openrad::report
