#include "openrad/report/Overlay.h"

#include "openrad/measure/SagittalFrame.h"

#include <QImage>
#include <QPaintDevice>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace openrad::report {

namespace {

double extent(const core::Geometry& g, int axis) { return static_cast<double>(g.size[static_cast<std::size_t>(axis)]); }

QString q(const std::string& s) { return QString::fromStdString(s); }

}  // namespace

QPointF OverlayPlane::indexToDisplay(const core::Geometry& g, const Eigen::Vector3d& index) const {
  const double x = flipU ? extent(g, u) - 0.5 - index[u] : index[u] + 0.5;
  const double y = flipV ? extent(g, v) - 0.5 - index[v] : index[v] + 0.5;
  return {x, y};
}

Eigen::Vector3d OverlayPlane::displayToIndex(const core::Geometry& g, const QPointF& d) const {
  Eigen::Vector3d index;
  index[axis] = slice;
  index[u] = flipU ? extent(g, u) - d.x() - 0.5 : d.x() - 0.5;
  index[v] = flipV ? extent(g, v) - d.y() - 0.5 : d.y() - 0.5;
  return index;
}

bool OverlayPlane::onSlice(const Eigen::Vector3d& index) const { return std::abs(index[axis] - slice) < 0.5; }

OverlayStyle OverlayStyle::forImageHeight(double heightPx, double dpi) {
  OverlayStyle s;
  const double k = std::max(0.6, heightPx / 1000.0);
  s.handleRadius *= k;
  s.lineWidth *= k;
  s.fontPointSize *= k * 96.0 / dpi;
  return s;
}

QPointF OverlayContext::toDevice(const Eigen::Vector3d& index) const {
  if (!series || !series->image) return {};
  return displayToDevice.map(plane.indexToDisplay(series->image->geometry(), index));
}

QPointF OverlayContext::pointToDevice(const core::LandmarkSet& set, int index) const {
  if (set.name == interaction.draggedSet && index == interaction.draggedPoint) return interaction.dragPosition;
  return toDevice(set.points[static_cast<std::size_t>(index)].position);
}

QColor rampColor(int index, int count) {
  // Hue ramp from azure through green and yellow to red.
  const double t = count > 1 ? std::clamp(static_cast<double>(index) / (count - 1), 0.0, 1.0) : 0.0;
  return QColor::fromHsvF(static_cast<float>(210.0 * (1.0 - t) / 360.0), 0.78f, 1.0f);
}

void paintHandle(QPainter& p, const QPointF& at, const QColor& color, double r, bool square, bool review,
                 double lineWidth) {
  if (review) {
    const double rr = r + std::max(3.0, 0.9 * r);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(0, 0, 0, 170), lineWidth + 2.0));
    p.drawEllipse(at, rr, rr);
    p.setPen(QPen(QColor(255, 176, 0), lineWidth));
    p.drawEllipse(at, rr, rr);
  }
  p.setPen(QPen(QColor(0, 0, 0, 230), std::max(1.0, 0.3 * r)));
  p.setBrush(color);
  if (square)
    p.drawRect(QRectF(at.x() - r, at.y() - r, 2 * r, 2 * r));
  else
    p.drawEllipse(at, r, r);
}

void paintBadge(QPainter& p, const QFontMetricsF& fm, const QString& text, const QPointF& anchor, bool alignRight,
                const QColor& color) {
  const double w = fm.horizontalAdvance(text), h = fm.height(), pad = std::max(2.0, 0.2 * fm.height());
  const double x = alignRight ? anchor.x() - w : anchor.x();
  const QRectF box(x - pad, anchor.y() - h / 2 - pad / 2, w + 2 * pad, h + pad);
  p.setPen(Qt::NoPen);
  p.setBrush(QColor(0, 0, 0, 170));
  p.drawRoundedRect(box, pad, pad);
  p.setPen(color);
  p.drawText(QPointF(x, anchor.y() - h / 2 + fm.ascent()), text);
}

void paintLabelMaps(QPainter& p, const OverlayContext& c) {
  if (!c.annotations || !c.series || !c.series->image) return;
  const core::Geometry& g = c.series->image->geometry();
  const int cols = static_cast<int>(extent(g, c.plane.u)), rows = static_cast<int>(extent(g, c.plane.v));
  for (const auto& [name, map] : c.annotations->labelMaps) {
    if (!map.labels || c.labelStyle.hiddenMaps.count(name)) continue;
    const core::Geometry& lg = map.labels->geometry();
    if (lg.size != g.size || c.plane.slice < 0 || c.plane.slice >= lg.size[static_cast<std::size_t>(c.plane.axis)])
      continue;  // a label map always lies on its series' grid; anything else is not drawn
    // Colour lookup by value, with hidden labels transparent.
    std::map<int, QRgb> fillColor;
    for (const auto& l : map.table) {
      if (c.labelStyle.hiddenLabels.count({name, l.value})) continue;
      fillColor[l.value] = qRgba(l.color[0], l.color[1], l.color[2], 255);
    }
    QImage values(cols, rows, QImage::Format_ARGB32_Premultiplied);
    values.fill(Qt::transparent);
    std::vector<int> labelsOnSlice(static_cast<std::size_t>(cols) * static_cast<std::size_t>(rows), 0);
    Eigen::Vector3d index;
    index[c.plane.axis] = c.plane.slice;
    bool any = false;
    for (int y = 0; y < rows; ++y)
      for (int x = 0; x < cols; ++x) {
        index[c.plane.u] = c.plane.flipU ? cols - 1 - x : x;
        index[c.plane.v] = c.plane.flipV ? rows - 1 - y : y;
        const int value = static_cast<int>(map.labels->value(static_cast<std::int64_t>(index[0]),
                                                             static_cast<std::int64_t>(index[1]),
                                                             static_cast<std::int64_t>(index[2])));
        if (value == 0) continue;
        const auto it = fillColor.find(value);
        if (it == fillColor.end()) {
          if (map.label(value)) continue;  // hidden
          fillColor[value] = rampColor(value % 12, 12).rgba();  // a value missing from the table still shows
        }
        labelsOnSlice[static_cast<std::size_t>(y) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(x)] = value;
        any = true;
      }
    if (!any) continue;
    const int alpha = static_cast<int>(std::lround(std::clamp(c.labelStyle.opacity, 0.0, 1.0) * 255.0));
    for (int y = 0; y < rows; ++y) {
      auto* line = reinterpret_cast<QRgb*>(values.scanLine(y));
      for (int x = 0; x < cols; ++x) {
        const int value = labelsOnSlice[static_cast<std::size_t>(y) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(x)];
        if (value == 0) continue;
        const QRgb rgb = fillColor[value];
        const auto at = [&](int xx, int yy) {
          return xx < 0 || yy < 0 || xx >= cols || yy >= rows
                     ? 0
                     : labelsOnSlice[static_cast<std::size_t>(yy) * static_cast<std::size_t>(cols) + static_cast<std::size_t>(xx)];
        };
        const bool border = at(x - 1, y) != value || at(x + 1, y) != value || at(x, y - 1) != value || at(x, y + 1) != value;
        int a = c.labelStyle.fill ? alpha : 0;
        if (border && c.labelStyle.outline) a = 255;
        if (a == 0) continue;
        line[x] = qPremultiply(qRgba(qRed(rgb), qGreen(rgb), qBlue(rgb), a));
      }
    }
    p.save();
    p.setTransform(c.displayToDevice, true);
    p.setRenderHint(QPainter::SmoothPixmapTransform, false);
    p.drawImage(QRectF(0, 0, cols, rows), values);
    p.restore();
  }
}

void paintBoxes(QPainter& p, const OverlayContext& c) {
  if (!c.annotations || !c.series || !c.series->image) return;
  const auto& boxes = c.annotations->boxes;
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  QFont font = p.font();
  font.setPointSizeF(c.style.fontPointSize);
  font.setBold(true);
  p.setFont(font);
  const QFontMetricsF fm(font, p.device());
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    const core::Box& b = boxes[i];
    const bool is3D = !c.series->image->geometry().is2D();
    if (is3D && (c.plane.axis != 2 || b.slice != c.plane.slice)) continue;  // boxes lie on an acquisition slice
    const QPointF a = c.toDevice({b.min.x() - 0.5, b.min.y() - 0.5, static_cast<double>(b.slice)});
    const QPointF d = c.toDevice({b.max.x() + 0.5, b.max.y() + 0.5, static_cast<double>(b.slice)});
    const QRectF r = QRectF(a, d).normalized();
    const bool active = static_cast<int>(i) == c.interaction.hoveredBox || static_cast<int>(i) == c.interaction.selectedBox;
    // A reader's verdict: rejected boxes stay visible, grey and dotted; accepted ones turn blue.
    const bool rejected = b.review == "rejected", accepted = b.review == "accepted";
    const QColor color = rejected   ? QColor(160, 160, 160)
                         : accepted ? QColor(90, 170, 255)
                         : b.edited ? QColor(255, 170, 40)
                                    : QColor(80, 230, 120);
    p.setBrush(Qt::NoBrush);
    p.setPen(QPen(QColor(0, 0, 0, 160), c.style.lineWidth + 2.0));
    p.drawRect(r);
    p.setPen(QPen(color, c.style.lineWidth * (active ? 2.0 : 1.0),
                  rejected ? Qt::DotLine : b.edited ? Qt::DashLine : Qt::SolidLine));
    p.drawRect(r);
    if (static_cast<int>(i) == c.interaction.selectedBox) {
      const double h = std::max(3.0, c.style.handleRadius);
      for (const QPointF& corner : {r.topLeft(), r.topRight(), r.bottomLeft(), r.bottomRight()})
        p.fillRect(QRectF(corner.x() - h, corner.y() - h, 2 * h, 2 * h), color);
    }
    QString text = b.provenance.source == "manual" ? QStringLiteral("%1 drawn").arg(q(b.label))
                                                   : QStringLiteral("%1 %2").arg(q(b.label)).arg(b.score, 0, 'f', 2);
    if (rejected) text += QStringLiteral(" rejected");
    if (accepted) text += QStringLiteral(" \u2713");
    paintBadge(p, fm, text, QPointF(r.left(), r.top() - 0.8 * fm.height()), false, color);
  }
  p.restore();
}

void paintLandmarks(QPainter& p, const OverlayContext& c, const std::set<std::string>& skipSets) {
  if (!c.annotations || !c.series || !c.series->image) return;
  p.save();
  p.setRenderHint(QPainter::Antialiasing, true);
  QFont font = p.font();
  font.setPointSizeF(c.style.fontPointSize);
  p.setFont(font);
  const QFontMetricsF fm(font, p.device());
  int setIndex = 0;
  const int setCount = static_cast<int>(c.annotations->landmarkSets.size());
  for (const auto& [name, set] : c.annotations->landmarkSets) {
    const QColor color = rampColor(setIndex++, std::max(2, setCount));
    if (skipSets.count(name)) continue;
    for (int i = 0; i < static_cast<int>(set.points.size()); ++i) {
      const core::Landmark& l = set.points[static_cast<std::size_t>(i)];
      const bool dragged = name == c.interaction.draggedSet && i == c.interaction.draggedPoint;
      if (!dragged && !c.plane.onSlice(l.position)) continue;
      const bool hovered = name == c.interaction.hoveredSet && i == c.interaction.hoveredPoint;
      const double r = c.style.handleRadius * (hovered || dragged ? 1.6 : 1.0);
      const QPointF at = c.pointToDevice(set, i);
      paintHandle(p, at, color, r, l.edited, !l.edited && l.confidence < c.style.lowConfidence, c.style.lineWidth);
      if (hovered || dragged) paintBadge(p, fm, q(l.name), at + QPointF(2 * r, 0), false, color);
    }
  }
  p.restore();
}

void paintOverlays(QPainter& p, const OverlayContext& c, const OverlayLayers& layers) {
  if (!c.annotations) return;
  paintLabelMaps(p, c);
  paintBoxes(p, c);
  std::set<std::string> claimed;
  for (const auto& layer : layers) {
    const auto sets = layer->drawsLandmarkSets(*c.annotations);
    claimed.insert(sets.begin(), sets.end());
  }
  paintLandmarks(p, c, claimed);
  for (const auto& layer : layers) layer->paint(p, c);
}

std::pair<std::string, int> landmarkAt(const OverlayContext& c, const QPointF& device, double radius) {
  std::pair<std::string, int> best{"", -1};
  if (!c.annotations) return best;
  double bestDistance = radius * radius;
  for (const auto& [name, set] : c.annotations->landmarkSets)
    for (int i = 0; i < static_cast<int>(set.points.size()); ++i) {
      if (!c.plane.onSlice(set.points[static_cast<std::size_t>(i)].position)) continue;
      const QPointF d = c.toDevice(set.points[static_cast<std::size_t>(i)].position) - device;
      const double d2 = d.x() * d.x() + d.y() * d.y();
      if (d2 <= bestDistance) {
        bestDistance = d2;
        best = {name, i};
      }
    }
  return best;
}

int boxAt(const OverlayContext& c, const QPointF& device, double radius) {
  if (!c.annotations || !c.series || !c.series->image) return -1;
  const bool is3D = !c.series->image->geometry().is2D();
  for (int i = static_cast<int>(c.annotations->boxes.size()) - 1; i >= 0; --i) {
    const core::Box& b = c.annotations->boxes[static_cast<std::size_t>(i)];
    if (is3D && (c.plane.axis != 2 || b.slice != c.plane.slice)) continue;
    const QPointF a = c.toDevice({b.min.x() - 0.5, b.min.y() - 0.5, static_cast<double>(b.slice)});
    const QPointF d = c.toDevice({b.max.x() + 0.5, b.max.y() + 0.5, static_cast<double>(b.slice)});
    if (QRectF(a, d).normalized().adjusted(-radius, -radius, radius, radius).contains(device)) return i;
  }
  return -1;
}

report::OverlayPlane sagittalDisplayPlane(const core::Geometry& g, int slice) {
  report::OverlayPlane p;
  const auto f = measure::sagittalFrame(g);
  if (std::holds_alternative<std::string>(f)) return p;
  const auto& frame = std::get<measure::SagittalFrame>(f);
  p.axis = frame.sliceAxis;
  p.slice = slice;
  // Display x along the array axis closest to anterior-posterior, y along the cranio-caudal one.
  const bool columnIsAp = std::abs(frame.anterior.x()) >= std::abs(frame.anterior.y());
  p.u = columnIsAp ? frame.columnAxis : frame.rowAxis;
  p.v = columnIsAp ? frame.rowAxis : frame.columnAxis;
  // anterior/cranial are in (column, row) pixel directions; flip so anterior is left and cranial up.
  const double antAlongU = columnIsAp ? frame.anterior.x() : frame.anterior.y();
  const double craAlongV = columnIsAp ? frame.cranial.y() : frame.cranial.x();
  p.flipU = antAlongU > 0;
  p.flipV = craAlongV > 0;
  return p;
}

}  // namespace openrad::report
