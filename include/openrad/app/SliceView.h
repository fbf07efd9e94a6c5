#pragma once

#include "openrad/app/SlicePlane.h"
#include "openrad/app/WindowLevel.h"
#include "openrad/core/Study.h"

#include <QImage>
#include <QPointF>
#include <QTransform>
#include <QWidget>

#include <memory>
#include <optional>

namespace openrad::app {

/// The 2D viewer: one slice of a series through a window/level, painted with QPainter (no GL).
/// Mouse: right-drag window/level, left-drag (or shift+left) pan, middle-drag or Ctrl+wheel zoom,
/// wheel scrolls slices. Keys: Up/Down, PageUp/PageDown, Home/End scroll, R resets.
/// Subclasses (landmarks, label maps) draw on top through paintOverlays().
class SliceView : public QWidget {
  Q_OBJECT

public:
  explicit SliceView(QWidget* parent = nullptr);

  /// Shows a series (nullptr clears): middle slice of its acquisition plane, default window.
  void setSeries(std::shared_ptr<const core::Series> series, const core::PatientInfo& patient = {});
  /// The series shown, or nullptr.
  const std::shared_ptr<const core::Series>& series() const { return m_series; }
  /// The current slice layout.
  const SlicePlane& plane() const { return m_plane; }
  /// Current slice index along the plane normal (0-based).
  int slice() const { return m_slice; }
  /// Number of slices along the plane normal (0 without a series).
  int sliceCount() const;
  /// Current window/level.
  WindowLevel windowLevel() const { return m_windowLevel; }
  /// Zoom factor (1 = the slice fits the widget).
  double zoom() const { return m_zoom; }
  /// Screen pixels per millimetre (or per pixel when spacing is unknown) at the current zoom.
  double pixelsPerMillimetre() const;
  /// Widget position of a continuous voxel index (on the current slice plane).
  QPointF indexToWidget(const Eigen::Vector3d& index) const;
  /// Continuous voxel index under a widget position (on the current slice).
  Eigen::Vector3d widgetToIndex(const QPointF& position) const;
  /// The read-out of the last cursor position ("" when outside the image).
  const QString& cursorText() const { return m_cursorText; }

public Q_SLOTS:
  /// Moves to a slice (clamped).
  void setSlice(int slice);
  /// Changes the window/level.
  void setWindowLevel(const openrad::app::WindowLevel& wl);
  /// Fits the slice to the widget and restores the series' default window.
  void resetView();
  /// Shows the plane whose normal is closest to an LPS axis (0 sagittal, 1 coronal, 2 axial).
  void setAnatomicalPlane(int lpsAxis);
  /// Sets the zoom factor around the widget centre.
  void setZoom(double zoom);

Q_SIGNALS:
  /// The slice index changed.
  void sliceChanged(int slice);
  /// The window/level changed.
  void windowLevelChanged(double window, double level);
  /// Cursor read-out for the status bar (empty when outside the image).
  void cursorTextChanged(const QString& text);

protected:
  /// Hook for annotation layers; painted after the image, before the corner text. The painter is in
  /// widget coordinates; use indexToWidget() to place things.
  virtual void paintOverlays(QPainter& painter);

  void paintEvent(QPaintEvent* event) override;
  void resizeEvent(QResizeEvent* event) override;
  void wheelEvent(QWheelEvent* event) override;
  void mousePressEvent(QMouseEvent* event) override;
  void mouseMoveEvent(QMouseEvent* event) override;
  void mouseReleaseEvent(QMouseEvent* event) override;
  void keyPressEvent(QKeyEvent* event) override;
  void leaveEvent(QEvent* event) override;

  /// Display pixel units of the slice (0..columns, 0..rows) → widget coordinates.
  QTransform displayTransform() const;

private:
  enum class Drag { None, WindowLevel, Pan, Zoom };

  void updateCursor(const QPointF& position);
  void paintCornerText(QPainter& painter);
  void paintOrientation(QPainter& painter);
  void invalidate();
  void zoomAround(double factor, const QPointF& anchor);

  std::shared_ptr<const core::Series> m_series;
  core::PatientInfo m_patient;
  SlicePlane m_plane;
  int m_slice = 0;
  WindowLevel m_windowLevel;
  double m_windowSensitivity = 1.0;
  double m_zoom = 1.0;
  QPointF m_pan;
  bool m_showOrientation = false;
  bool m_isCt = false;  ///< values are HU (modality CT, or an untagged volume that looks like CT)
  QImage m_sliceImage;  ///< cache of the windowed slice; null when stale
  QImage m_screenImage;  ///< m_sliceImage resampled to the widget with m_screenImageTransform
  QTransform m_screenImageTransform;
  qint64 m_screenImageSource = 0;  ///< cacheKey() of the m_sliceImage it was made from
  Drag m_drag = Drag::None;
  QPointF m_dragStart;
  QPointF m_lastPos;
  WindowLevel m_dragStartWindow;
  int m_wheelRemainder = 0;
  QString m_cursorText;
  std::optional<QPointF> m_cursor;
};

}  // namespace openrad::app
