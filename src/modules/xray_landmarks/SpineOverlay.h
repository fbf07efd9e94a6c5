#pragma once

#include "openrad/core/Annotations.h"
#include "openrad/report/Overlay.h"

#include <QColor>
#include <QPointF>

#include <functional>
#include <map>
#include <string>

class QPainter;

namespace openrad::modules::xray_landmarks {

/// How the AP spine overlay is drawn (sizes in device pixels).
struct SpineOverlayStyle {
  double handleRadius = 4.0;     ///< corner handle radius
  double lineWidth = 1.5;        ///< endplate and Cobb lines
  double fontPointSize = 9.0;    ///< level and angle labels
  bool levelLabels = true;       ///< "T1" .. "L5" beside each vertebra
  bool endplateLines = true;     ///< superior and inferior endplate of each vertebra
  bool cobbConstruction = true;  ///< end-vertebra lines, their perpendiculars and the angle label per Cobb angle
  double lowConfidence = 0.3;    ///< corners below this get a review ring
  int hoveredPoint = -1;         ///< index into set.points drawn enlarged (-1 none)
  int draggedPoint = -1;         ///< index into set.points being dragged (drawn at dragPosition)
  QPointF dragPosition;          ///< device position of the dragged point
};

/// Maps a landmark position (continuous voxel index) to device coordinates.
using ToDevice = std::function<QPointF(const Eigen::Vector3d& index)>;

/// Colour of vertebra `level` (0 = T1 .. count-1 = L5): a hue ramp, thoracic cool, lumbar warm.
QColor levelColor(int level, int count = 17);

/// Paints a 68-corner AP landmark set (AASCE order: per vertebra tl, tr, bl, br) with the Cobb angles of
/// `measurements` ("cobb.*", end vertebrae read from their inputs). Edited corners are drawn as squares,
/// AI corners as circles; low-confidence corners get a review ring. The painter state is restored.
void paintSpineOverlay(QPainter& painter, const ToDevice& toDevice, const core::LandmarkSet& set,
                       const std::map<std::string, core::Measurement>& measurements, const SpineOverlayStyle& style = {});

/// The module's overlay layer: draws the AP corner set itself (handles by level, endplates, level labels, the Cobb
/// construction of the measurements in view, review rings), on radiographs and in reports alike.
class SpineLayer : public report::OverlayLayer {
public:
  std::set<std::string> drawsLandmarkSets(const core::SeriesAnnotations& annotations) const override;
  void paint(QPainter& painter, const report::OverlayContext& context) const override;
};

}  // namespace openrad::modules::xray_landmarks
