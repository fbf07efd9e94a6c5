#pragma once

#include "openrad/core/Errors.h"

namespace openrad::io {

/// A file could not be read or written (the core type, named here for io's callers).
using IoError = core::IoError;
/// Loading was cancelled by the caller (the core type, named here for io's callers).
using Cancelled = core::Cancelled;

}  // namespace openrad::io
