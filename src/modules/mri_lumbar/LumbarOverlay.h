#pragma once

#include "openrad/report/Overlay.h"

namespace openrad::modules::mri_lumbar {

/// On the slice of the corners: each body's endplates in its level colour, the L1 and S1 superior endplate lines
/// extended with the lordosis angle, level names. The corner handles are the generic layer's (drag, review rings).
class LumbarLayer : public report::OverlayLayer {
public:
  std::set<std::string> drawsLandmarkSets(const core::SeriesAnnotations&) const override { return {}; }
  void paint(QPainter& painter, const report::OverlayContext& context) const override;
};

using report::sagittalDisplayPlane;

}  // namespace openrad::modules::mri_lumbar
