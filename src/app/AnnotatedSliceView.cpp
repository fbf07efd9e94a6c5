#include "openrad/app/AnnotatedSliceView.h"

#include "openrad/ai/SpineFindings.h"
#include "openrad/ai/XrayLandmarks.h"
#include "openrad/core/Commands.h"
#include "openrad/measure/PixelScale.h"
#include "openrad/report/SpineOverlay.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

#include <cmath>
#include <limits>

namespace openrad::app {

AnnotatedSliceView::AnnotatedSliceView(core::Document& document, QWidget* parent)
    : SliceView(parent), m_document(document) {}

const core::SeriesAnnotations* AnnotatedSliceView::annotations() const {
  if (!series()) return nullptr;
  return &m_document.annotations(series()->info.seriesUid);
}

const core::LandmarkSet* AnnotatedSliceView::landmarkSet() const {
  const core::SeriesAnnotations* a = annotations();
  if (!a || !series()->image || !series()->image->geometry().is2D()) return nullptr;
  auto it = a->landmarkSets.find(ai::kApCornerSetName);
  return it == a->landmarkSets.end() ? nullptr : &it->second;
}

QPointF AnnotatedSliceView::landmarkPosition(int index) const {
  const core::LandmarkSet* set = landmarkSet();
  if (!set || index < 0 || index >= static_cast<int>(set->points.size())) return {};
  return indexToWidget(set->points[static_cast<std::size_t>(index)].position);
}

int AnnotatedSliceView::landmarkAt(const QPointF& position) const {
  const core::LandmarkSet* set = landmarkSet();
  if (!set) return -1;
  int best = -1;
  double bestDistance = kPickRadius * kPickRadius;
  for (std::size_t i = 0; i < set->points.size(); ++i) {
    const QPointF d = indexToWidget(set->points[i].position) - position;
    const double d2 = d.x() * d.x() + d.y() * d.y();
    if (d2 <= bestDistance) {
      bestDistance = d2;
      best = static_cast<int>(i);
    }
  }
  return best;
}

void AnnotatedSliceView::documentChanged(const core::ChangeSet& changes) {
  if (!series()) return;
  if (changes.reset || changes.seriesUid.empty() || changes.seriesUid == series()->info.seriesUid) {
    const core::LandmarkSet* set = landmarkSet();
    if (!set || m_dragged >= static_cast<int>(set->points.size())) m_dragged = -1;
    if (!set || m_hovered >= static_cast<int>(set->points.size())) m_hovered = -1;
    update();
  }
}

void AnnotatedSliceView::paintOverlays(QPainter& painter) {
  const core::LandmarkSet* set = landmarkSet();
  if (!set) return;
  report::OverlayStyle style;
  style.lowConfidence = ai::kLowConfidence;
  style.hoveredPoint = m_hovered;
  style.draggedPoint = m_dragged;
  style.dragPosition = m_dragPosition;
  const auto toWidget = [this](const Eigen::Vector3d& index) { return indexToWidget(index); };
  if (m_dragged >= 0 && !m_preview.empty()) {
    // The dragged point is drawn at the mouse; the Cobb construction follows the preview values.
    report::paintSpineOverlay(painter, toWidget, *set, m_preview, style);
  } else {
    report::paintSpineOverlay(painter, toWidget, *set, annotations()->measurements, style);
  }
}

void AnnotatedSliceView::updatePreview() {
  m_preview.clear();
  const core::LandmarkSet* set = landmarkSet();
  if (!set || m_dragged < 0) return;
  core::LandmarkSet moved = *set;
  auto& point = moved.points[static_cast<std::size_t>(m_dragged)];
  const Eigen::Vector3d index = widgetToIndex(m_dragPosition);
  point.position = {index.x(), index.y(), point.position.z()};
  point.edited = true;
  try {
    const double rows = static_cast<double>(series()->image->geometry().size[1]);
    for (auto& m : ai::spineMeasurements(moved, measure::pixelScale(*series()), rows)) m_preview[m.id] = std::move(m);
  } catch (const std::invalid_argument&) {
    m_preview.clear();  // incomplete set: no preview values
  }
}

void AnnotatedSliceView::cancelDrag() {
  m_dragged = -1;
  m_preview.clear();
  unsetCursor();
  update();
}

void AnnotatedSliceView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton && !(event->modifiers() & Qt::ShiftModifier)) {
    const int hit = landmarkAt(event->position());
    if (hit >= 0) {
      setFocus(Qt::MouseFocusReason);
      m_dragged = hit;
      m_grabOffset = landmarkPosition(hit) - event->position();
      m_dragPosition = landmarkPosition(hit);
      updatePreview();
      setCursor(Qt::ClosedHandCursor);
      update();
      event->accept();
      return;
    }
  }
  SliceView::mousePressEvent(event);
}

void AnnotatedSliceView::mouseMoveEvent(QMouseEvent* event) {
  if (m_dragged >= 0) {
    m_dragPosition = event->position() + m_grabOffset;
    updatePreview();
    update();
    event->accept();
    return;
  }
  if (!(event->buttons() & (Qt::LeftButton | Qt::RightButton | Qt::MiddleButton))) {
    const int hover = landmarkAt(event->position());
    if (hover != m_hovered) {
      m_hovered = hover;
      if (hover >= 0) {
        setCursor(Qt::OpenHandCursor);
        const core::Landmark& p = landmarkSet()->points[static_cast<std::size_t>(hover)];
        setToolTip(p.edited ? tr("%1 — corrected by hand; drag to move, Ctrl+Z to undo").arg(QString::fromStdString(p.name))
                            : tr("%1 — AI confidence %2%3; drag to correct")
                                  .arg(QString::fromStdString(p.name))
                                  .arg(p.confidence, 0, 'f', 2)
                                  .arg(p.confidence < ai::kLowConfidence ? tr(" (review)") : QString()));
      } else {
        unsetCursor();
        setToolTip(QString());
      }
      update();
    }
  }
  SliceView::mouseMoveEvent(event);
}

void AnnotatedSliceView::mouseReleaseEvent(QMouseEvent* event) {
  if (m_dragged >= 0 && event->button() == Qt::LeftButton) {
    const core::LandmarkSet* set = landmarkSet();
    const int index = m_dragged;
    m_dragged = -1;
    m_preview.clear();
    setCursor(Qt::OpenHandCursor);
    if (set && index < static_cast<int>(set->points.size())) {
      const core::Landmark& point = set->points[static_cast<std::size_t>(index)];
      const Eigen::Vector3d target = widgetToIndex(event->position() + m_grabOffset);
      const Eigen::Vector3d after(target.x(), target.y(), point.position.z());
      if ((after - point.position).norm() > 1e-3) {
        const std::string name = point.name;
        m_document.execute(std::make_unique<core::MoveLandmarkCommand>(series()->info.seriesUid, set->name, name,
                                                                       point.position, after));
        Q_EMIT landmarkMoved(QString::fromStdString(name));
      }
    }
    update();
    event->accept();
    return;
  }
  SliceView::mouseReleaseEvent(event);
}

void AnnotatedSliceView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Escape && m_dragged >= 0) {
    cancelDrag();
    event->accept();
    return;
  }
  SliceView::keyPressEvent(event);
}

void AnnotatedSliceView::leaveEvent(QEvent* event) {
  if (m_hovered >= 0 && m_dragged < 0) {
    m_hovered = -1;
    update();
  }
  SliceView::leaveEvent(event);
}

}  // namespace openrad::app
