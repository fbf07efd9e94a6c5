#pragma once

#include "openrad/core/Study.h"

namespace openrad::render {

/// True for CT in Hounsfield units: modality CT or units HU, or an untagged volume (NIfTI, "OT")
/// whose intensities look like HU (air near -1000 and values well above water).
bool looksLikeCt(const core::Series& series);

}  // namespace openrad::render
