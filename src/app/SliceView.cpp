#include "openrad/app/SliceView.h"

#include "openrad/app/SliceRenderer.h"
#include "openrad/render/IntensityStatistics.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace openrad::app {
namespace {

QString patientName(const std::string& dicomName) {
  QString name = QString::fromStdString(dicomName);
  name.replace('^', ' ');
  return name.simplified();
}

QString formatDate(const std::string& yyyymmdd) {
  if (yyyymmdd.size() != 8) return QString::fromStdString(yyyymmdd);
  return QString::fromStdString(yyyymmdd.substr(0, 4) + "-" + yyyymmdd.substr(4, 2) + "-" + yyyymmdd.substr(6, 2));
}

QString formatValue(double value) {
  if (std::abs(value - std::round(value)) < 1e-6 && std::abs(value) < 1e9) return QString::number(std::llround(value));
  return QString::number(value, 'g', 5);
}

}  // namespace

SliceView::SliceView(QWidget* parent) : QWidget(parent) {
  setFocusPolicy(Qt::StrongFocus);
  setMouseTracking(true);
  setAttribute(Qt::WA_OpaquePaintEvent);
  setMinimumSize(200, 200);
  setContextMenuPolicy(Qt::PreventContextMenu);  // the right button adjusts window/level
}

void SliceView::setSeries(std::shared_ptr<const core::Series> series, const core::PatientInfo& patient) {
  m_series = std::move(series);
  m_patient = patient;
  m_zoom = 1.0;
  m_pan = QPointF();
  m_cursor.reset();
  m_cursorText.clear();
  if (m_series && m_series->image) {
    const core::Geometry& g = m_series->image->geometry();
    m_plane = SlicePlane::forAxis(g, 2, !g.is2D());
    m_slice = static_cast<int>(g.size[2] / 2);
    m_windowLevel = defaultWindowLevel(*m_series);
    // Dragging across ~400 pixels sweeps the useful intensity range.
    m_windowSensitivity = std::max(1e-6, autoWindowLevel(*m_series->image).window / 400.0);
    // Radiographs carry a direction only when the file gave one; an identity matrix is a default.
    m_isCt = render::looksLikeCt(*m_series);
    m_showOrientation = !g.is2D() || (g.spacingKnown && !g.direction.isIdentity(1e-6));
  } else {
    m_plane = SlicePlane();
    m_slice = 0;
    m_showOrientation = false;
    m_isCt = false;
  }
  invalidate();
  Q_EMIT sliceChanged(m_slice);
  Q_EMIT windowLevelChanged(m_windowLevel.window, m_windowLevel.level);
  Q_EMIT cursorTextChanged(m_cursorText);
}

int SliceView::sliceCount() const {
  if (!m_series || !m_series->image) return 0;
  return static_cast<int>(m_plane.slices(m_series->image->geometry()));
}

void SliceView::setSlice(int slice) {
  const int count = sliceCount();
  if (count == 0) return;
  slice = std::clamp(slice, 0, count - 1);
  if (slice == m_slice) return;
  m_slice = slice;
  invalidate();
  if (m_cursor) updateCursor(*m_cursor);
  Q_EMIT sliceChanged(m_slice);
}

void SliceView::setWindowLevel(const WindowLevel& wl) {
  WindowLevel clamped = wl;
  clamped.window = std::max(clamped.window, 1e-3);
  if (clamped == m_windowLevel) return;
  m_windowLevel = clamped;
  invalidate();
  Q_EMIT windowLevelChanged(m_windowLevel.window, m_windowLevel.level);
}

void SliceView::resetView() {
  m_zoom = 1.0;
  m_pan = QPointF();
  if (m_series) setWindowLevel(defaultWindowLevel(*m_series));
  update();
}

void SliceView::setAnatomicalPlane(int lpsAxis) {
  if (!m_series || !m_series->image) return;
  const core::Geometry& g = m_series->image->geometry();
  if (g.is2D()) return;
  const int axis = SlicePlane::voxelAxisClosestTo(g, std::clamp(lpsAxis, 0, 2));
  if (axis == m_plane.axis) return;
  m_plane = SlicePlane::forAxis(g, axis, true);
  m_slice = static_cast<int>(m_plane.slices(g) / 2);
  m_zoom = 1.0;
  m_pan = QPointF();
  invalidate();
  Q_EMIT sliceChanged(m_slice);
}

void SliceView::setZoom(double zoom) { zoomAround(zoom / m_zoom, rect().center()); }

double SliceView::pixelsPerMillimetre() const {
  if (!m_series || !m_series->image) return 1.0;
  const core::Geometry& g = m_series->image->geometry();
  const double su = g.spacingKnown ? g.spacing[m_plane.u] : 1.0;
  const double sv = g.spacingKnown ? g.spacing[m_plane.v] : 1.0;
  const double w = static_cast<double>(m_plane.columns(g)) * su;
  const double h = static_cast<double>(m_plane.rows(g)) * sv;
  const double fit = std::min(width() / std::max(w, 1e-9), height() / std::max(h, 1e-9));
  return fit * m_zoom;
}

QTransform SliceView::displayTransform() const {
  QTransform t;
  if (!m_series || !m_series->image) return t;
  const core::Geometry& g = m_series->image->geometry();
  const double su = g.spacingKnown ? g.spacing[m_plane.u] : 1.0;
  const double sv = g.spacingKnown ? g.spacing[m_plane.v] : 1.0;
  const double scale = pixelsPerMillimetre();
  t.translate(width() / 2.0 + m_pan.x(), height() / 2.0 + m_pan.y());
  t.scale(su * scale, sv * scale);
  t.translate(-static_cast<double>(m_plane.columns(g)) / 2.0, -static_cast<double>(m_plane.rows(g)) / 2.0);
  return t;
}

QPointF SliceView::indexToWidget(const Eigen::Vector3d& index) const {
  if (!m_series || !m_series->image) return {};
  const Eigen::Vector2d d = m_plane.indexToDisplay(m_series->image->geometry(), index);
  return displayTransform().map(QPointF(d.x(), d.y()));
}

Eigen::Vector3d SliceView::widgetToIndex(const QPointF& position) const {
  if (!m_series || !m_series->image) return Eigen::Vector3d::Zero();
  const QPointF d = displayTransform().inverted().map(position);
  return m_plane.displayToIndex(m_series->image->geometry(), d.x(), d.y(), m_slice);
}

void SliceView::invalidate() {
  m_sliceImage = QImage();
  update();
}

void SliceView::zoomAround(double factor, const QPointF& anchor) {
  const double newZoom = std::clamp(m_zoom * factor, 0.05, 64.0);
  factor = newZoom / m_zoom;
  // Keep the point under the anchor fixed on screen.
  const QPointF centre(width() / 2.0 + m_pan.x(), height() / 2.0 + m_pan.y());
  m_pan += (anchor - centre) * (1.0 - factor);
  m_zoom = newZoom;
  update();
}

void SliceView::updateCursor(const QPointF& position) {
  m_cursor = position;
  QString text;
  if (m_series && m_series->image) {
    const core::Image& image = *m_series->image;
    const core::Geometry& g = image.geometry();
    const Eigen::Vector3d index = widgetToIndex(position);
    const auto i = static_cast<std::int64_t>(std::llround(index.x()));
    const auto j = static_cast<std::int64_t>(std::llround(index.y()));
    const auto k = static_cast<std::int64_t>(std::llround(index.z()));
    if (image.contains(i, j, k)) {
      const double value = image.value(i, j, k);
      const bool hu = m_isCt;
      text = g.is2D() ? QStringLiteral("(%1, %2)").arg(i).arg(j)
                      : QStringLiteral("(%1, %2, %3)").arg(i).arg(j).arg(k);
      text += QStringLiteral("  %1%2").arg(formatValue(value), hu ? QStringLiteral(" HU") : QString());
      if (g.spacingKnown) {
        const Eigen::Vector3d p = g.indexToPhysical(Eigen::Vector3d(double(i), double(j), double(k)));
        text += QStringLiteral("  LPS (%1, %2, %3) mm")
                    .arg(p.x(), 0, 'f', 1)
                    .arg(p.y(), 0, 'f', 1)
                    .arg(p.z(), 0, 'f', 1);
      } else {
        text += QStringLiteral("  px");
      }
    }
  }
  if (text != m_cursorText) {
    m_cursorText = text;
    Q_EMIT cursorTextChanged(m_cursorText);
    update();
  }
}

void SliceView::paintEvent(QPaintEvent*) {
  QPainter painter(this);
  painter.fillRect(rect(), Qt::black);
  if (!m_series || !m_series->image) {
    painter.setPen(QColor(150, 150, 150));
    painter.drawText(rect(), Qt::AlignCenter,
                     tr("Open a study with File \u25B8 Open, or drop files or a folder here"));
    return;
  }
  if (m_sliceImage.isNull()) m_sliceImage = renderSlice(*m_series->image, m_plane, m_slice, m_windowLevel);

  // The windowed slice is resampled to the screen once per slice/window/zoom/pan/size, not per paint: an
  // overlay edit then only blits (a smooth resample of a radiograph costs milliseconds).
  const QTransform transform = displayTransform();
  const qreal dpr = devicePixelRatioF();
  const QSize pixels = (QSizeF(size()) * dpr).toSize();
  if (m_screenImage.size() != pixels || m_screenImageTransform != transform ||
      m_screenImageSource != m_sliceImage.cacheKey()) {
    m_screenImage = QImage(pixels, QImage::Format_RGB32);
    m_screenImage.setDevicePixelRatio(dpr);
    m_screenImage.fill(Qt::black);
    QPainter resample(&m_screenImage);
    resample.setTransform(transform);
    // Interpolate as reading workstations do; show voxels as blocks once the user zooms far in.
    resample.setRenderHint(QPainter::SmoothPixmapTransform, m_zoom < 4.0);
    resample.drawImage(QPointF(0, 0), m_sliceImage);
    m_screenImageTransform = transform;
    m_screenImageSource = m_sliceImage.cacheKey();
  }
  painter.drawImage(QPointF(0, 0), m_screenImage);

  painter.setRenderHint(QPainter::Antialiasing);
  paintOverlays(painter);
  paintOrientation(painter);
  paintCornerText(painter);
}

void SliceView::paintOverlays(QPainter&) {}

void SliceView::paintOrientation(QPainter& painter) {
  if (!m_showOrientation) return;
  const core::Geometry& g = m_series->image->geometry();
  const Eigen::Vector3d right = m_plane.screenRight(g);
  const Eigen::Vector3d down = m_plane.screenDown(g);
  QFont font = painter.font();
  font.setPointSizeF(font.pointSizeF() * 1.3);
  font.setBold(true);
  painter.setFont(font);
  painter.setPen(QColor(255, 220, 120));
  const QRect r = rect().adjusted(6, 6, -6, -6);
  painter.drawText(r, Qt::AlignVCenter | Qt::AlignLeft, QString::fromStdString(orientationLetters(-right)));
  painter.drawText(r, Qt::AlignVCenter | Qt::AlignRight, QString::fromStdString(orientationLetters(right)));
  painter.drawText(r, Qt::AlignTop | Qt::AlignHCenter, QString::fromStdString(orientationLetters(-down)));
  painter.drawText(r, Qt::AlignBottom | Qt::AlignHCenter, QString::fromStdString(orientationLetters(down)));
}

void SliceView::paintCornerText(QPainter& painter) {
  const core::SeriesInfo& info = m_series->info;
  const core::Geometry& g = m_series->image->geometry();
  QFont font = this->font();
  painter.setFont(font);
  const int margin = 8;
  const QRect r = rect().adjusted(margin, margin, -margin, -margin);

  QStringList topLeft;
  const QString name = patientName(m_patient.name);
  if (!name.isEmpty()) topLeft << name;
  if (!m_patient.id.empty()) topLeft << tr("ID: %1").arg(QString::fromStdString(m_patient.id));
  QString demographics;
  if (!m_patient.birthDate.empty()) demographics += tr("DOB %1").arg(formatDate(m_patient.birthDate));
  if (!m_patient.sex.empty()) demographics += (demographics.isEmpty() ? "" : "  ") + QString::fromStdString(m_patient.sex);
  if (!demographics.isEmpty()) topLeft << demographics;
  if (!info.date.empty()) topLeft << formatDate(info.date);

  QStringList topRight;
  QString modality = QString::fromStdString(info.modality);
  if (info.seriesNumber != 0) modality += tr("  Se %1").arg(info.seriesNumber);
  topRight << modality.trimmed();
  if (!info.description.empty()) topRight << QString::fromStdString(info.description);
  topRight << tr("%1 \u00D7 %2%3")
                  .arg(g.size[0])
                  .arg(g.size[1])
                  .arg(g.is2D() ? QString() : QStringLiteral(" \u00D7 %1").arg(g.size[2]));
  if (g.spacingKnown)
    topRight << tr("%1 \u00D7 %2 mm").arg(g.spacing[m_plane.u], 0, 'g', 4).arg(g.spacing[m_plane.v], 0, 'g', 4);
  else
    topRight << tr("spacing unknown (px)");

  QStringList bottomLeft;
  if (!m_cursorText.isEmpty()) bottomLeft << m_cursorText;
  if (!g.is2D()) {
    bottomLeft << QString::fromStdString(m_plane.name(g));
    Eigen::Vector3d centre(0.5 * double(g.size[0] - 1), 0.5 * double(g.size[1] - 1), 0.5 * double(g.size[2] - 1));
    centre[m_plane.axis] = m_slice;
    const Eigen::Vector3d p = g.indexToPhysical(centre);
    const Eigen::Vector3d n = g.direction.col(m_plane.axis).normalized();
    bottomLeft << tr("Im: %1/%2   Pos: %3 mm").arg(m_slice + 1).arg(sliceCount()).arg(p.dot(n), 0, 'f', 1);
  } else {
    bottomLeft << tr("Im: 1/1");
  }

  QStringList bottomRight;
  bottomRight << tr("W: %1  L: %2").arg(formatValue(std::round(m_windowLevel.window)), formatValue(std::round(m_windowLevel.level)));
  bottomRight << tr("Zoom: %1%").arg(std::lround(m_zoom * 100.0));

  auto draw = [&](const QStringList& lines, Qt::Alignment alignment) {
    const QString text = lines.join('\n');
    painter.setPen(QColor(0, 0, 0, 200));
    painter.drawText(r.translated(1, 1), alignment, text);
    painter.setPen(QColor(230, 230, 230));
    painter.drawText(r, alignment, text);
  };
  draw(topLeft, Qt::AlignTop | Qt::AlignLeft);
  draw(topRight, Qt::AlignTop | Qt::AlignRight);
  draw(bottomLeft, Qt::AlignBottom | Qt::AlignLeft);
  draw(bottomRight, Qt::AlignBottom | Qt::AlignRight);
}

void SliceView::resizeEvent(QResizeEvent* event) {
  QWidget::resizeEvent(event);
  update();
}

void SliceView::wheelEvent(QWheelEvent* event) {
  m_wheelRemainder += event->angleDelta().y();
  const int steps = m_wheelRemainder / 120;
  m_wheelRemainder -= steps * 120;
  if (steps != 0) {
    if (event->modifiers() & Qt::ControlModifier)
      zoomAround(std::pow(1.15, steps), event->position());
    else
      setSlice(m_slice - steps);  // wheel away from the user goes to the previous slice
  }
  event->accept();
}

void SliceView::mousePressEvent(QMouseEvent* event) {
  setFocus(Qt::MouseFocusReason);
  m_dragStart = event->position();
  m_lastPos = event->position();
  m_dragStartWindow = m_windowLevel;
  if (event->button() == Qt::RightButton)
    m_drag = Drag::WindowLevel;
  else if (event->button() == Qt::MiddleButton)
    m_drag = Drag::Zoom;
  else if (event->button() == Qt::LeftButton)
    m_drag = Drag::Pan;
  event->accept();
}

void SliceView::mouseMoveEvent(QMouseEvent* event) {
  const QPointF position = event->position();
  const QPointF delta = position - m_lastPos;
  switch (m_drag) {
    case Drag::WindowLevel: {
      // Right widens the window, down raises the level (darker image), as on most workstations.
      const QPointF total = position - m_dragStart;
      WindowLevel wl = m_dragStartWindow;
      wl.window = std::max(1e-3, wl.window + total.x() * m_windowSensitivity);
      wl.level = wl.level + total.y() * m_windowSensitivity;
      setWindowLevel(wl);
      break;
    }
    case Drag::Pan:
      m_pan += delta;
      update();
      break;
    case Drag::Zoom:
      zoomAround(std::pow(1.01, -delta.y()), m_dragStart);
      break;
    case Drag::None:
      break;
  }
  m_lastPos = position;
  updateCursor(position);
  event->accept();
}

void SliceView::mouseReleaseEvent(QMouseEvent* event) {
  m_drag = Drag::None;
  event->accept();
}

void SliceView::keyPressEvent(QKeyEvent* event) {
  const int page = std::max(1, sliceCount() / 10);
  switch (event->key()) {
    case Qt::Key_Up: setSlice(m_slice - 1); break;
    case Qt::Key_Down: setSlice(m_slice + 1); break;
    case Qt::Key_PageUp: setSlice(m_slice - page); break;
    case Qt::Key_PageDown: setSlice(m_slice + page); break;
    case Qt::Key_Home: setSlice(0); break;
    case Qt::Key_End: setSlice(sliceCount() - 1); break;
    case Qt::Key_R: resetView(); break;
    default: QWidget::keyPressEvent(event); return;
  }
  event->accept();
}

void SliceView::leaveEvent(QEvent* event) {
  m_cursor.reset();
  if (!m_cursorText.isEmpty()) {
    m_cursorText.clear();
    Q_EMIT cursorTextChanged(m_cursorText);
    update();
  }
  QWidget::leaveEvent(event);
}

}  // namespace openrad::app
