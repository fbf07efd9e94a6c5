#pragma once

#include "openrad/report/Report.h"

namespace openrad::modules::xray_landmarks {

/// The module's report section: key image with the spine overlay, Cobb angles (end vertebrae, convex side, apex),
/// spinal, body and disc heights, hand corrections and corners to review.
report::SectionContent spineSection(const report::ReportInput& input, const std::string& moduleId);

}  // namespace openrad::modules::xray_landmarks
