#pragma once

#include "openrad/app/SliceView.h"
#include "openrad/core/Document.h"
#include "openrad/report/Overlay.h"
#include "openrad/report/Report.h"

#include <QPointF>

#include <map>
#include <optional>
#include <string>

namespace openrad::app {

/// The 2D viewer with the overlay layers of the shown series, on any plane: label maps (colour table, opacity,
/// fill/outline, labels toggled one by one), boxes (label and score; drag to move, drag a corner to resize, Delete
/// removes the selected one, Shift+drag draws a missed one, accept/reject the finding of the selected one), landmarks of every set (drag to correct) and the modules' own layers (e.g. a curve
/// construction). A drag moves a preview whose measurements the Document's rules compute on a copy; the release
/// pushes one command. Escape cancels a drag.
class AnnotatedSliceView : public SliceView {
  Q_OBJECT

public:
  /// `document` must outlive the view; `presentations` gives the modules' layers.
  explicit AnnotatedSliceView(core::Document& document, report::Presentations presentations = {},
                              QWidget* parent = nullptr);

  /// (set, index) of the landmark under a widget position (within the pick radius on the shown slice); ("", -1).
  std::pair<std::string, int> landmarkAt(const QPointF& position) const;
  /// Widget position of point `index` of landmark set `set` (a null point when there is none).
  QPointF landmarkPosition(const std::string& set, int index) const;
  /// The landmark set `name` of the shown series, or nullptr.
  const core::LandmarkSet* landmarkSet(const std::string& name) const;
  /// Index of the box under a widget position on the shown slice, or -1.
  int boxAt(const QPointF& position) const;
  /// Widget rectangle of box `index` (empty when it is not on the shown slice).
  QRectF boxRect(int index) const;
  /// The selected box (-1 when none).
  int selectedBox() const { return m_selectedBox; }
  /// True while a landmark or a box is being dragged.
  bool isDragging() const { return m_dragSet.size() > 0 || m_boxDrag != BoxDrag::None; }
  /// How label maps are drawn (toggle labels, opacity, fill/outline); repaints.
  void setLabelStyle(const report::LabelMapStyle& style);
  const report::LabelMapStyle& labelStyle() const { return m_labelStyle; }
  /// Pick radius in screen pixels.
  static constexpr double kPickRadius = 9.0;

public Q_SLOTS:
  /// Repaints after a document change that concerns the shown series.
  void documentChanged(const openrad::core::ChangeSet& changes);
  /// Removes the selected box (one undoable command).
  void deleteSelectedBox();
  /// A reader's verdict ("accepted" or "rejected") on the finding of the selected box: every box of the series with
  /// the same "finding" attribute (the box alone when it has none) gets it, as one undoable command; the same verdict
  /// again clears it. Nothing happens without a selected box.
  void reviewSelectedBox(const QString& verdict);
  /// Adds a box drawn by hand on the shown slice (index corners, inclusive), selected (one undoable command).
  void addBox(const Eigen::Vector2d& min, const Eigen::Vector2d& max);

Q_SIGNALS:
  /// A landmark drag was released and its command pushed (name of the landmark).
  void landmarkMoved(const QString& name);
  /// A box was moved, resized or deleted (its command pushed).
  void boxChanged(int index);

protected:
  void paintOverlays(QPainter& painter) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void leaveEvent(QEvent* event) override;

private:
  enum class BoxDrag { None, Move, Resize, Draw };
  const core::SeriesAnnotations* annotations() const;
  report::OverlayContext context() const;
  void updateLandmarkPreview();
  void cancelDrag();
  core::Box draggedBox(const QPointF& position) const;
  /// The box a Shift+drag from m_boxPressPosition to `position` draws (provenance "manual").
  core::Box drawnBox(const QPointF& position) const;
  /// True when boxes can be drawn on the shown plane (2D images, or the acquisition planes of a volume).
  bool canDrawBoxes() const;

  core::Document& m_document;
  report::Presentations m_presentations;
  report::LabelMapStyle m_labelStyle;
  std::string m_hoverSet;
  int m_hovered = -1;
  std::string m_dragSet;  ///< set of the dragged landmark ("" when none)
  int m_dragged = -1;
  QPointF m_dragPosition;  ///< widget position of the dragged landmark
  QPointF m_grabOffset;    ///< landmark position − mouse position at press (no jump on grab)
  int m_hoveredBox = -1;
  int m_selectedBox = -1;
  BoxDrag m_boxDrag = BoxDrag::None;
  int m_resizeCorner = 0;    ///< 0 tl, 1 tr, 2 bl, 3 br
  QPointF m_boxPressPosition;
  QPointF m_boxMousePosition;
  /// The shown series' annotations with the drag applied and its measurements as the rules compute them.
  std::optional<core::SeriesAnnotations> m_preview;
};

}  // namespace openrad::app
