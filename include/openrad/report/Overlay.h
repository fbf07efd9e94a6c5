#pragma once

#include "openrad/core/Annotations.h"
#include "openrad/core/Study.h"

#include <QColor>
#include <QFontMetricsF>
#include <QPointF>
#include <QTransform>

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

class QPainter;

namespace openrad::report {

/// How a voxel grid is cut and laid out for display: plane normal = voxel axis `axis`, display x along voxel
/// axis `u`, display y along `v` (mirrored when flipped); `slice` = index along the normal. A radiograph is
/// {2, 0, 1, false, false, 0}.
struct OverlayPlane {
  int axis = 2;
  int u = 0;
  int v = 1;
  bool flipU = false;
  bool flipV = false;
  int slice = 0;

  /// Display position (pixel units, (0,0) = top-left corner of the first pixel) of a continuous voxel index.
  QPointF indexToDisplay(const core::Geometry& geometry, const Eigen::Vector3d& index) const;
  /// Continuous voxel index on this slice of display position `display`.
  Eigen::Vector3d displayToIndex(const core::Geometry& geometry, const QPointF& display) const;
  /// True when a voxel index lies on the shown slice (within half a voxel).
  bool onSlice(const Eigen::Vector3d& index) const;
};

/// Sizes of overlay drawings, in device pixels.
struct OverlayStyle {
  double handleRadius = 4.0;   ///< landmark handle radius
  double lineWidth = 1.5;      ///< lines (endplates, constructions, box outlines)
  double fontPointSize = 9.0;  ///< labels
  double lowConfidence = 0.3;  ///< AI landmarks below this get a review ring
  /// Scales the sizes for an image drawn `heightPx` device pixels tall on a device of `dpi` (as in a 1000-row view at
  /// 96 dpi with the default style).
  static OverlayStyle forImageHeight(double heightPx, double dpi);
};

/// How label maps are drawn.
struct LabelMapStyle {
  double opacity = 0.4;                   ///< fill opacity 0..1
  bool fill = true;                       ///< filled regions
  bool outline = true;                    ///< region borders (opaque)
  std::set<std::string> hiddenMaps;       ///< label maps not drawn
  std::set<std::pair<std::string, int>> hiddenLabels;  ///< (map, value) pairs not drawn
};

/// What the user is doing with the mouse (the viewer's state; empty in reports).
struct OverlayInteraction {
  std::string hoveredSet;  ///< landmark set of the hovered point
  int hoveredPoint = -1;   ///< index into that set's points
  std::string draggedSet;  ///< landmark set of the dragged point
  int draggedPoint = -1;
  QPointF dragPosition;    ///< device position of the dragged point
  int hoveredBox = -1;     ///< index into annotations.boxes
  int selectedBox = -1;
};

/// Everything a layer needs to paint one view of one series.
struct OverlayContext {
  const core::Series* series = nullptr;
  const core::SeriesAnnotations* annotations = nullptr;
  /// Measurements to draw (the document's, or a drag preview's).
  const std::map<std::string, core::Measurement>* measurements = nullptr;
  OverlayPlane plane;
  QTransform displayToDevice;  ///< display pixel units → device pixels
  OverlayStyle style;
  LabelMapStyle labelStyle;
  OverlayInteraction interaction;

  /// Device position of a continuous voxel index (the dragged point at the drag position).
  QPointF toDevice(const Eigen::Vector3d& index) const;
  /// Device position of point `index` of landmark set `set` (the drag position while it is dragged).
  QPointF pointToDevice(const core::LandmarkSet& set, int index) const;
};

/// A layer a module adds on top of the generic ones (e.g. a curve construction). It may draw some landmark
/// sets itself: the generic landmark layer then leaves those out.
class OverlayLayer {
public:
  virtual ~OverlayLayer() = default;
  /// Landmark sets of `annotations` this layer draws itself.
  virtual std::set<std::string> drawsLandmarkSets(const core::SeriesAnnotations& annotations) const = 0;
  /// Paints on top of the generic layers; the painter state must be restored.
  virtual void paint(QPainter& painter, const OverlayContext& context) const = 0;
};

/// The sagittal display plane of a series at native slice `slice`: display x toward posterior (anterior left), y
/// toward caudal (cranial up); the default plane when the geometry is not sagittal.
OverlayPlane sagittalDisplayPlane(const core::Geometry& geometry, int slice);

/// Module layers in drawing order.
using OverlayLayers = std::vector<std::shared_ptr<const OverlayLayer>>;

/// The generic layers, then the module layers: label maps (colour table, opacity, fill/outline, hidden
/// labels), boxes (score and label), landmark handles of every set no module layer draws (circles: AI,
/// squares: edited, ring: low confidence), then `layers`.
void paintOverlays(QPainter& painter, const OverlayContext& context, const OverlayLayers& layers);

/// Label maps of the shown slice, coloured by their tables.
void paintLabelMaps(QPainter& painter, const OverlayContext& context);
/// Boxes of the shown slice with label and score.
void paintBoxes(QPainter& painter, const OverlayContext& context);
/// Handles of the landmarks on the shown slice for every set not in `skipSets`, with their names when hovered.
void paintLandmarks(QPainter& painter, const OverlayContext& context, const std::set<std::string>& skipSets);

/// A landmark handle: circle (AI) or square (edited), with an orange review ring when `review`.
void paintHandle(QPainter& painter, const QPointF& at, const QColor& color, double radius, bool square, bool review,
                 double lineWidth);
/// Text on a dark translucent badge, vertically centred on `anchor` (its left end, or right end when `alignRight`).
void paintBadge(QPainter& painter, const QFontMetricsF& metrics, const QString& text, const QPointF& anchor,
                bool alignRight, const QColor& color);
/// A distinct colour for item `index` of `count` (hue ramp, blue to red).
QColor rampColor(int index, int count);

/// Index of the landmark of a drawn set under `device` (within `radius`), as (set, index); ("", -1) when none.
std::pair<std::string, int> landmarkAt(const OverlayContext& context, const QPointF& device, double radius);
/// Index of the box on the shown slice under `device` (inside or within `radius` of its border), or -1.
int boxAt(const OverlayContext& context, const QPointF& device, double radius);

}  // namespace openrad::report
