#pragma once

namespace openrad::io::detail {

/// Registers ITK's NIfTI and GDCM image IO factories once (ITK_USE_FILE's auto-registration is not
/// used by this project).
void registerItkFactories();

}  // namespace openrad::io::detail
