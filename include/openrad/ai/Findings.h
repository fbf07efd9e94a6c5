#pragma once

#include "openrad/core/Annotations.h"

#include <string>
#include <vector>

namespace openrad::ai {

/// What a module found on a series, as core annotations (applied to the study by one undoable command).
struct Findings {
  core::SeriesAnnotations annotations;  ///< landmark sets, label maps, boxes, measurements
  std::vector<std::string> warnings;    ///< e.g. "5 corners below confidence 0.3: review"
  double seconds = 0.0;                 ///< wall time of the run
};

}  // namespace openrad::ai
