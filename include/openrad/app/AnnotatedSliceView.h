#pragma once

#include "openrad/app/SliceView.h"
#include "openrad/core/Document.h"

#include <QPointF>

#include <map>
#include <string>

namespace openrad::app {

/// The 2D viewer with the annotation layer of the shown series: the AP spine overlay (corner handles,
/// endplates, Cobb construction, review rings) and draggable landmarks. A drag moves a preview (the Cobb
/// lines follow live); the release pushes one MoveLandmarkCommand on the document. Escape cancels a drag.
class AnnotatedSliceView : public SliceView {
  Q_OBJECT

public:
  /// `document` must outlive the view.
  explicit AnnotatedSliceView(core::Document& document, QWidget* parent = nullptr);

  /// Index of the landmark of the editable set under a widget position (within the pick radius), or -1.
  int landmarkAt(const QPointF& position) const;
  /// The editable landmark set of the shown series, or nullptr.
  const core::LandmarkSet* landmarkSet() const;
  /// Widget position of landmark `index` of the editable set (a null point when there is none).
  QPointF landmarkPosition(int index) const;
  /// True while a landmark is being dragged.
  bool isDraggingLandmark() const { return m_dragged >= 0; }
  /// Pick radius in screen pixels.
  static constexpr double kPickRadius = 9.0;

public Q_SLOTS:
  /// Repaints after a document change that concerns the shown series.
  void documentChanged(const openrad::core::ChangeSet& changes);

Q_SIGNALS:
  /// A landmark drag was released and its command pushed (name of the landmark).
  void landmarkMoved(const QString& name);

protected:
  void paintOverlays(QPainter& painter) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void leaveEvent(QEvent* event) override;

private:
  const core::SeriesAnnotations* annotations() const;
  void updatePreview();
  void cancelDrag();

  core::Document& m_document;
  int m_hovered = -1;
  int m_dragged = -1;
  QPointF m_dragPosition;  ///< widget position of the dragged landmark
  QPointF m_grabOffset;    ///< landmark position − mouse position at press (no jump on grab)
  std::map<std::string, core::Measurement> m_preview;  ///< measurements with the dragged point moved
};

}  // namespace openrad::app
