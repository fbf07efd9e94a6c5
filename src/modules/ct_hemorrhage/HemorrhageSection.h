#pragma once

#include "openrad/report/Report.h"

#include <string>

namespace openrad::modules::ct_hemorrhage {

/// The report section: key image of the axial slice where the largest hematoma was measured (labels and lesion
/// badges), the volume table, the per-lesion table and the ABC/2 table; notes on hand corrections, the lesion classes,
/// the module's warnings and the model.
report::SectionContent hemorrhageSection(const report::ReportInput& input, const std::string& moduleId);

}  // namespace openrad::modules::ct_hemorrhage
