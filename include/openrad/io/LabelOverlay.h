#pragma once

#include "openrad/core/Annotations.h"
#include "openrad/core/Study.h"

#include <string>
#include <vector>

namespace openrad::io {

/// A NIfTI label map found among loaded images, on the grid of another loaded series.
struct FoundLabelMap {
  std::string seriesUid;  ///< the series it overlays
  std::string file;       ///< where it came from
  core::LabelMap map;     ///< named after the file ("labels" for labels.nii.gz), provenance "manual"
};

/// Takes out of `result` every NIfTI image that is a label map (integer values 0..1000, at most 64 distinct, 0
/// among them) lying on the grid of another series of `result` or `loaded`, and returns them as label maps of that
/// series; studies and patients left empty are removed. Such a file is an overlay, not a patient of its own.
std::vector<FoundLabelMap> extractLabelMaps(core::LoadResult& result, const core::LoadResult& loaded);

}  // namespace openrad::io
