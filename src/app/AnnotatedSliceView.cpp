#include "openrad/app/AnnotatedSliceView.h"

#include "openrad/core/Commands.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>

#include <cmath>

namespace openrad::app {

AnnotatedSliceView::AnnotatedSliceView(core::Document& document, report::Presentations presentations, QWidget* parent)
    : SliceView(parent), m_document(document), m_presentations(std::move(presentations)) {}

const core::SeriesAnnotations* AnnotatedSliceView::annotations() const {
  if (!series()) return nullptr;
  return &m_document.annotations(series()->info.seriesUid);
}

report::OverlayContext AnnotatedSliceView::context() const {
  report::OverlayContext c;
  if (!series() || !series()->image) return c;
  c.series = series().get();
  c.annotations = m_preview ? &*m_preview : annotations();
  c.measurements = &c.annotations->measurements;
  c.plane = plane().overlayPlane(slice());
  c.displayToDevice = displayTransform();
  c.labelStyle = m_labelStyle;
  c.interaction.hoveredSet = m_hoverSet;
  c.interaction.hoveredPoint = m_hovered;
  c.interaction.draggedSet = m_dragSet;
  c.interaction.draggedPoint = m_dragged;
  c.interaction.dragPosition = m_dragPosition;
  c.interaction.hoveredBox = m_hoveredBox;
  c.interaction.selectedBox = m_selectedBox;
  return c;
}

const core::LandmarkSet* AnnotatedSliceView::landmarkSet(const std::string& name) const {
  const core::SeriesAnnotations* a = annotations();
  if (!a) return nullptr;
  auto it = a->landmarkSets.find(name);
  return it == a->landmarkSets.end() ? nullptr : &it->second;
}

QPointF AnnotatedSliceView::landmarkPosition(const std::string& name, int index) const {
  const core::LandmarkSet* set = landmarkSet(name);
  if (!set || index < 0 || index >= static_cast<int>(set->points.size())) return {};
  return indexToWidget(set->points[static_cast<std::size_t>(index)].position);
}

std::pair<std::string, int> AnnotatedSliceView::landmarkAt(const QPointF& position) const {
  if (!annotations()) return {"", -1};
  return report::landmarkAt(context(), position, kPickRadius);
}

int AnnotatedSliceView::boxAt(const QPointF& position) const {
  if (!annotations()) return -1;
  return report::boxAt(context(), position, 3.0);
}

QRectF AnnotatedSliceView::boxRect(int index) const {
  const core::SeriesAnnotations* a = annotations();
  if (!a || index < 0 || index >= static_cast<int>(a->boxes.size())) return {};
  const core::Box& b = a->boxes[static_cast<std::size_t>(index)];
  if (!series()->image->geometry().is2D() && (plane().axis != 2 || b.slice != slice())) return {};
  const QPointF p0 = indexToWidget({b.min.x() - 0.5, b.min.y() - 0.5, static_cast<double>(b.slice)});
  const QPointF p1 = indexToWidget({b.max.x() + 0.5, b.max.y() + 0.5, static_cast<double>(b.slice)});
  return QRectF(p0, p1).normalized();
}

void AnnotatedSliceView::setLabelStyle(const report::LabelMapStyle& style) {
  m_labelStyle = style;
  update();
}

void AnnotatedSliceView::documentChanged(const core::ChangeSet& changes) {
  if (!series()) return;
  if (changes.reset || changes.seriesUid.empty() || changes.seriesUid == series()->info.seriesUid) {
    const core::SeriesAnnotations* a = annotations();
    const auto valid = [&](const std::string& set, int index) {
      const core::LandmarkSet* s = landmarkSet(set);
      return s && index >= 0 && index < static_cast<int>(s->points.size());
    };
    if (!m_dragSet.empty() && !valid(m_dragSet, m_dragged)) cancelDrag();
    if (!valid(m_hoverSet, m_hovered)) m_hovered = -1;
    const int boxes = a ? static_cast<int>(a->boxes.size()) : 0;
    if (m_selectedBox >= boxes) m_selectedBox = -1;
    if (m_hoveredBox >= boxes) m_hoveredBox = -1;
    update();
  }
}

void AnnotatedSliceView::paintOverlays(QPainter& painter) {
  if (!annotations()) return;
  const report::OverlayContext c = context();
  report::paintOverlays(painter, c, report::layersFor(*c.annotations, m_presentations));
}

void AnnotatedSliceView::updateLandmarkPreview() {
  m_preview.reset();
  const core::LandmarkSet* set = landmarkSet(m_dragSet);
  if (!set || m_dragged < 0) return;
  core::SeriesAnnotations copy = *annotations();
  auto& point = copy.landmarkSets.at(m_dragSet).points[static_cast<std::size_t>(m_dragged)];
  const Eigen::Vector3d index = widgetToIndex(m_dragPosition);
  Eigen::Vector3d moved = point.position;
  moved[plane().u] = index[plane().u];  // in-plane only: the slice coordinate stays
  moved[plane().v] = index[plane().v];
  point.position = moved;
  point.edited = true;
  core::ChangeSet changes;
  changes.seriesUid = series()->info.seriesUid;
  changes.landmarks.insert(m_dragSet + "/" + point.name);
  copy.measurements = m_document.preview(series()->info.seriesUid, copy, changes);
  m_preview = std::move(copy);
}

core::Box AnnotatedSliceView::draggedBox(const QPointF& position) const {
  core::Box b = annotations()->boxes.at(static_cast<std::size_t>(m_selectedBox));
  const Eigen::Vector3d a = widgetToIndex(m_boxPressPosition), z = widgetToIndex(position);
  const Eigen::Vector2d d(z[0] - a[0], z[1] - a[1]);
  if (m_boxDrag == BoxDrag::Move) {
    b.min += d;
    b.max += d;
  } else {
    if (m_resizeCorner == 0 || m_resizeCorner == 2) b.min.x() += d.x(); else b.max.x() += d.x();
    if (m_resizeCorner == 0 || m_resizeCorner == 1) b.min.y() += d.y(); else b.max.y() += d.y();
    const Eigen::Vector2d lo = b.min.cwiseMin(b.max), hi = b.min.cwiseMax(b.max);
    b.min = lo;
    b.max = hi;
  }
  b.edited = true;
  return b;
}

void AnnotatedSliceView::cancelDrag() {
  m_dragSet.clear();
  m_dragged = -1;
  m_boxDrag = BoxDrag::None;
  m_preview.reset();
  unsetCursor();
  update();
}

core::Box AnnotatedSliceView::drawnBox(const QPointF& position) const {
  const Eigen::Vector3d a = widgetToIndex(m_boxPressPosition), z = widgetToIndex(position);
  core::Box b;
  b.slice = slice();
  b.min = Eigen::Vector2d(std::min(a[0], z[0]), std::min(a[1], z[1])).array().round();
  b.max = Eigen::Vector2d(std::max(a[0], z[0]), std::max(a[1], z[1])).array().round();
  b.score = 1.0;
  b.provenance = {"manual", ""};
  b.edited = true;
  return b;
}

bool AnnotatedSliceView::canDrawBoxes() const {
  return series() && series()->image && (series()->image->geometry().is2D() || plane().overlayPlane(slice()).axis == 2);
}

void AnnotatedSliceView::addBox(const Eigen::Vector2d& min, const Eigen::Vector2d& max) {
  const core::SeriesAnnotations* a = annotations();
  if (!a || !canDrawBoxes()) return;
  std::vector<core::Box> after = a->boxes;
  core::Box b;
  b.slice = series()->image->geometry().is2D() ? 0 : slice();
  b.min = min.cwiseMin(max);
  b.max = min.cwiseMax(max);
  b.provenance = {"manual", ""};
  b.edited = true;
  after.push_back(b);
  m_document.execute(std::make_unique<core::SetBoxesCommand>(series()->info.seriesUid, std::move(after),
                                                             "Draw box on slice " + std::to_string(b.slice + 1)));
  m_selectedBox = static_cast<int>(annotations()->boxes.size()) - 1;
  Q_EMIT boxChanged(m_selectedBox);
  update();
}

void AnnotatedSliceView::reviewSelectedBox(const QString& verdict) {
  const core::SeriesAnnotations* a = annotations();
  if (!a || m_selectedBox < 0 || m_selectedBox >= static_cast<int>(a->boxes.size())) return;
  const std::string v = verdict.toStdString();
  std::vector<core::Box> after = a->boxes;
  const core::Box& chosen = a->boxes[static_cast<std::size_t>(m_selectedBox)];
  const std::string finding = chosen.attribute("finding");
  const std::string set = chosen.review == v ? std::string() : v;
  for (std::size_t i = 0; i < after.size(); ++i)
    if (static_cast<int>(i) == m_selectedBox || (!finding.empty() && after[i].attribute("finding") == finding)) after[i].review = set;
  const std::string what = finding.empty() ? (chosen.label.empty() ? std::string("box") : chosen.label) : finding;
  m_document.execute(std::make_unique<core::SetBoxesCommand>(
      series()->info.seriesUid, std::move(after), (set.empty() ? "Clear verdict on " : set == "rejected" ? "Reject " : "Accept ") + what));
  Q_EMIT boxChanged(m_selectedBox);
  update();
}

void AnnotatedSliceView::deleteSelectedBox() {
  const core::SeriesAnnotations* a = annotations();
  if (!a || m_selectedBox < 0 || m_selectedBox >= static_cast<int>(a->boxes.size())) return;
  const int index = m_selectedBox;
  m_selectedBox = -1;
  m_document.execute(std::make_unique<core::SetBoxCommand>(series()->info.seriesUid, static_cast<std::size_t>(index),
                                                           std::nullopt));
  Q_EMIT boxChanged(index);
}

void AnnotatedSliceView::mousePressEvent(QMouseEvent* event) {
  if (event->button() == Qt::LeftButton && (event->modifiers() & Qt::ShiftModifier) && annotations() && canDrawBoxes()) {
    setFocus(Qt::MouseFocusReason);
    m_boxDrag = BoxDrag::Draw;
    m_boxPressPosition = m_boxMousePosition = event->position();
    setCursor(Qt::CrossCursor);
    event->accept();
    return;
  }
  if (event->button() == Qt::LeftButton && !(event->modifiers() & Qt::ShiftModifier) && annotations()) {
    const auto [set, hit] = landmarkAt(event->position());
    if (hit >= 0) {
      setFocus(Qt::MouseFocusReason);
      m_dragSet = set;
      m_dragged = hit;
      m_grabOffset = landmarkPosition(set, hit) - event->position();
      m_dragPosition = landmarkPosition(set, hit);
      updateLandmarkPreview();
      setCursor(Qt::ClosedHandCursor);
      update();
      event->accept();
      return;
    }
    const int box = boxAt(event->position());
    if (box >= 0) {
      setFocus(Qt::MouseFocusReason);
      m_selectedBox = box;
      const QRectF r = boxRect(box);
      m_boxDrag = BoxDrag::Move;
      const QPointF corners[4] = {r.topLeft(), r.topRight(), r.bottomLeft(), r.bottomRight()};
      for (int k = 0; k < 4; ++k)
        if (std::hypot(corners[k].x() - event->position().x(), corners[k].y() - event->position().y()) <= kPickRadius) {
          m_boxDrag = BoxDrag::Resize;
          m_resizeCorner = k;
        }
      m_boxPressPosition = m_boxMousePosition = event->position();
      update();
      event->accept();
      return;
    }
    if (m_selectedBox >= 0) {
      m_selectedBox = -1;
      update();
    }
  }
  SliceView::mousePressEvent(event);
}

void AnnotatedSliceView::mouseMoveEvent(QMouseEvent* event) {
  if (m_dragged >= 0) {
    m_dragPosition = event->position() + m_grabOffset;
    updateLandmarkPreview();
    update();
    event->accept();
    return;
  }
  if (m_boxDrag != BoxDrag::None) {
    m_boxMousePosition = event->position();
    core::SeriesAnnotations copy = *annotations();
    if (m_boxDrag == BoxDrag::Draw)
      copy.boxes.push_back(drawnBox(event->position()));
    else
      copy.boxes[static_cast<std::size_t>(m_selectedBox)] = draggedBox(event->position());
    m_preview = std::move(copy);
    update();
    event->accept();
    return;
  }
  if (!(event->buttons() & (Qt::LeftButton | Qt::RightButton | Qt::MiddleButton)) && annotations()) {
    const auto [set, hover] = landmarkAt(event->position());
    const int box = hover < 0 ? boxAt(event->position()) : -1;
    if (hover != m_hovered || set != m_hoverSet || box != m_hoveredBox) {
      m_hovered = hover;
      m_hoverSet = set;
      m_hoveredBox = box;
      if (hover >= 0) {
        setCursor(Qt::OpenHandCursor);
        const core::Landmark& p = landmarkSet(set)->points[static_cast<std::size_t>(hover)];
        setToolTip(p.edited ? tr("%1 — corrected by hand; drag to move, Ctrl+Z to undo").arg(QString::fromStdString(p.name))
                            : tr("%1 — AI confidence %2%3; drag to correct")
                                  .arg(QString::fromStdString(p.name))
                                  .arg(p.confidence, 0, 'f', 2)
                                  .arg(p.confidence < report::OverlayStyle{}.lowConfidence ? tr(" (review)") : QString()));
      } else if (box >= 0) {
        setCursor(Qt::SizeAllCursor);
        const core::Box& b = annotations()->boxes[static_cast<std::size_t>(box)];
        setToolTip(tr("%1, %2%3 — drag to move, drag a corner to resize, Delete removes it; Analysis menu: accept / reject")
                       .arg(QString::fromStdString(b.label.empty() ? std::string("box") : b.label))
                       .arg(b.provenance.source == "manual" ? tr("drawn by hand") : tr("score %1").arg(b.score, 0, 'f', 2))
                       .arg(b.review.empty() ? QString() : tr(" (%1)").arg(QString::fromStdString(b.review))));
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
    const std::string setName = m_dragSet;
    const int index = m_dragged;
    const core::LandmarkSet* set = landmarkSet(setName);
    m_dragSet.clear();
    m_dragged = -1;
    m_preview.reset();
    setCursor(Qt::OpenHandCursor);
    if (set && index < static_cast<int>(set->points.size())) {
      const core::Landmark& point = set->points[static_cast<std::size_t>(index)];
      const Eigen::Vector3d target = widgetToIndex(event->position() + m_grabOffset);
      Eigen::Vector3d after = point.position;
      after[plane().u] = target[plane().u];
      after[plane().v] = target[plane().v];
      if ((after - point.position).norm() > 1e-3) {
        const std::string name = point.name;
        m_document.execute(std::make_unique<core::MoveLandmarkCommand>(series()->info.seriesUid, setName, name,
                                                                       point.position, after));
        Q_EMIT landmarkMoved(QString::fromStdString(name));
      }
    }
    update();
    event->accept();
    return;
  }
  if (m_boxDrag == BoxDrag::Draw && event->button() == Qt::LeftButton) {
    const core::Box b = drawnBox(event->position());
    m_boxDrag = BoxDrag::None;
    m_preview.reset();
    unsetCursor();
    if ((b.max - b.min).minCoeff() >= 1.0) addBox(b.min, b.max);  // a click or a sliver draws nothing
    update();
    event->accept();
    return;
  }
  if (m_boxDrag != BoxDrag::None && event->button() == Qt::LeftButton) {
    const int index = m_selectedBox;
    const bool moved = (event->position() - m_boxPressPosition).manhattanLength() > 1.0;
    const core::Box after = draggedBox(event->position());
    m_boxDrag = BoxDrag::None;
    m_preview.reset();
    if (moved) {
      m_document.execute(std::make_unique<core::SetBoxCommand>(series()->info.seriesUid, static_cast<std::size_t>(index),
                                                               after, "Move box " + after.label));
      Q_EMIT boxChanged(index);
    }
    update();
    event->accept();
    return;
  }
  SliceView::mouseReleaseEvent(event);
}

void AnnotatedSliceView::keyPressEvent(QKeyEvent* event) {
  if (event->key() == Qt::Key_Escape && isDragging()) {
    cancelDrag();
    event->accept();
    return;
  }
  if ((event->key() == Qt::Key_Delete || event->key() == Qt::Key_Backspace) && m_selectedBox >= 0 && !isDragging()) {
    deleteSelectedBox();
    event->accept();
    return;
  }
  SliceView::keyPressEvent(event);
}

void AnnotatedSliceView::leaveEvent(QEvent* event) {
  if ((m_hovered >= 0 || m_hoveredBox >= 0) && !isDragging()) {
    m_hovered = -1;
    m_hoveredBox = -1;
    update();
  }
  SliceView::leaveEvent(event);
}

}  // namespace openrad::app
