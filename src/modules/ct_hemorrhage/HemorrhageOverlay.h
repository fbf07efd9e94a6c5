#pragma once

#include "openrad/report/Overlay.h"

namespace openrad::modules::ct_hemorrhage {

/// On top of the label map (drawn by the generic layer in its table's colours: hematoma red, edema yellow,
/// extra-axial blue): each hematoma lesion's number and volume, on the slice its A and B were measured, at its
/// centroid, and a legend of the three classes with their volumes on every slice the map labels.
class HemorrhageLayer : public report::OverlayLayer {
 public:
  std::set<std::string> drawsLandmarkSets(const core::SeriesAnnotations&) const override { return {}; }
  void paint(QPainter& painter, const report::OverlayContext& context) const override;
};

}  // namespace openrad::modules::ct_hemorrhage
