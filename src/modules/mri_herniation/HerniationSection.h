#pragma once

#include "openrad/report/Report.h"

namespace openrad::modules::mri_herniation {

/// The report section of the herniation module (levels found, rejected findings, what was read, a key image).
report::SectionContent herniationSection(const report::ReportInput& input, const std::string& moduleId);

}  // namespace openrad::modules::mri_herniation
