#pragma once

#include "openrad/report/Report.h"

#include <string>

namespace openrad::modules::mri_lumbar {

/// The report section: key image of the mid-sagittal slice (anterior left, cranial up) with labels, corners and
/// endplates; tables of lordosis, body heights, disc heights, listhesis and the project-defined shape values; notes
/// on hand corrections and the module's warnings.
report::SectionContent lumbarSection(const report::ReportInput& input, const std::string& moduleId);

}  // namespace openrad::modules::mri_lumbar
