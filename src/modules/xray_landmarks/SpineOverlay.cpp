#include "SpineOverlay.h"

#include "openrad/measure/SpineLandmarks.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"

#include <QFontMetricsF>
#include <QPaintDevice>
#include <QPainter>

#include <algorithm>
#include <array>
#include <cmath>

namespace openrad::modules::xray_landmarks {

namespace {

constexpr int kVertebrae = measure::kApVertebrae;
constexpr int kCorners = measure::kApCorners;
constexpr int TL = measure::TopLeft, TR = measure::TopRight, BL = measure::BottomLeft, BR = measure::BottomRight;

/// Slot 0..67 (4 · vertebra + corner) of an AP corner name "T1.tl" .. "L5.br", or -1. No allocation.
int cornerSlot(const std::string& name) {
  const std::size_t n = name.size();
  if (n < 5) return -1;
  int base = 0, maxNumber = 0;
  if (name[0] == 'T') {
    base = 0;
    maxNumber = 12;
  } else if (name[0] == 'L') {
    base = 12;
    maxNumber = 5;
  } else {
    return -1;
  }
  std::size_t i = 1;
  int number = 0;
  while (i < n && i < 3 && name[i] >= '0' && name[i] <= '9') number = number * 10 + (name[i++] - '0');
  if (i == 1 || number < 1 || number > maxNumber || n != i + 3 || name[i] != '.') return -1;
  const char a = name[i + 1], b = name[i + 2];
  const int side = b == 'l' ? 0 : b == 'r' ? 1 : -1;
  const int row = a == 't' ? 0 : a == 'b' ? 2 : -1;
  if (side < 0 || row < 0) return -1;
  return (base + number - 1) * 4 + row + side;
}

const QString& levelName(int v) {
  static const std::array<QString, kVertebrae> names = [] {
    std::array<QString, kVertebrae> out;
    for (int i = 0; i < kVertebrae; ++i)
      out[static_cast<std::size_t>(i)] = i < 12 ? QStringLiteral("T%1").arg(i + 1) : QStringLiteral("L%1").arg(i - 11);
    return out;
  }();
  return names[static_cast<std::size_t>(v)];
}

double length(const QPointF& p) { return std::hypot(p.x(), p.y()); }

/// Device positions of the 68 corners by slot, and where each is in set.points (-1: the set lacks it).
struct Corners {
  std::array<QPointF, kCorners> pos;
  std::array<int, kCorners> index;  ///< index into set.points, -1 when absent
  bool has(int slot) const { return slot >= 0 && index[static_cast<std::size_t>(slot)] >= 0; }
  const QPointF& at(int slot) const { return pos[static_cast<std::size_t>(slot)]; }
};

Corners deviceCorners(const ToDevice& toDevice, const core::LandmarkSet& set, const SpineOverlayStyle& style) {
  Corners c;
  c.index.fill(-1);
  const int count = static_cast<int>(set.points.size());
  for (int i = 0; i < count; ++i) {
    int slot = cornerSlot(set.points[static_cast<std::size_t>(i)].name);
    if (slot < 0 && count == kCorners) slot = i;  // unnamed points of a full set: AASCE order
    if (slot < 0) continue;
    const auto s = static_cast<std::size_t>(slot);
    c.index[s] = i;
    c.pos[s] = i == style.draggedPoint ? style.dragPosition : toDevice(set.points[static_cast<std::size_t>(i)].position);
  }
  return c;
}

double badgePadding(const QFontMetricsF& fm) { return std::max(2.0, 0.2 * fm.height()); }

void badgeText(QPainter& p, const QFontMetricsF& fm, const QString& text, const QPointF& anchor, bool alignRight,
               const QColor& color) {
  report::paintBadge(p, fm, text, anchor, alignRight, color);
}

/// The lines of one frame, stroked in two passes: the dark underlays of all (so they show on bright bone),
/// then the colours, so no underlay covers another line. Fixed capacity, no allocation.
class LineBatch {
public:
  void add(const QLineF& line, const QColor& color, double width, bool underlay, Qt::PenStyle style = Qt::SolidLine) {
    if (m_n == kMax) return;
    m_items[m_n++] = {line, color, width, underlay, style};
  }
  void draw(QPainter& p, double underlayWidth) const {
    // Line by line: Qt strokes a drawLines() batch as one path, which is slower with antialiasing.
    // The underlay without antialiasing: it lies under an antialiased line, and aliased lines are far cheaper.
    p.setRenderHint(QPainter::Antialiasing, false);
    p.setPen(QPen(QColor(0, 0, 0, 150), underlayWidth, Qt::SolidLine, Qt::SquareCap));
    for (int i = 0; i < m_n; ++i)
      if (m_items[i].underlay) p.drawLine(m_items[i].line);
    p.setRenderHint(QPainter::Antialiasing, true);
    for (int i = 0; i < m_n; ++i) {
      const Item& it = m_items[i];
      if (i == 0 || it.color != m_items[i - 1].color || it.width != m_items[i - 1].width || it.style != m_items[i - 1].style)
        p.setPen(QPen(it.color, it.width, it.style, Qt::FlatCap));
      p.drawLine(it.line);
    }
  }

private:
  static constexpr int kMax = 2 * kVertebrae + 3 * 4;
  struct Item {
    QLineF line;
    QColor color;
    double width;
    bool underlay;
    Qt::PenStyle style;
  };
  std::array<Item, kMax> m_items;
  int m_n = 0;
};

/// A Cobb angle's label, placed when its lines are added and drawn with the other labels.
struct CobbLabel {
  QString text;
  QPointF anchor;
  bool alignRight = false;
  QColor color;
};

struct CobbRegion {
  const char* id;
  const char* label;
  QColor color;
};

/// The AASCE vertebra line: midpoint of the left edge (tl, bl) to the midpoint of the right edge (tr, br).
bool vertebraLine(const Corners& c, const std::vector<std::string>& names, std::size_t first, QPointF& left,
                  QPointF& right) {
  int slots[4] = {-1, -1, -1, -1};
  for (std::size_t k = first; k < first + 4; ++k) {
    const int s = cornerSlot(names[k]);
    if (!c.has(s)) return false;
    slots[s % 4] = s;
  }
  for (int s : slots)
    if (s < 0) return false;
  left = (c.at(slots[TL]) + c.at(slots[BL])) / 2.0;
  right = (c.at(slots[TR]) + c.at(slots[BR])) / 2.0;
  return length(right - left) > 1e-6;
}

/// Adds the Cobb construction of `m` to `lines` (end-vertebra lines extended beyond the spine, perpendiculars
/// towards each other) and returns its label; false when the angle is 0 or its corners are missing.
bool addCobb(LineBatch& lines, CobbLabel& label, const QFontMetricsF& fm, const Corners& c,
             const core::Measurement& m, const CobbRegion& region, const SpineOverlayStyle& style, const QRectF& bounds) {
  if (!(m.value > 0.0) || m.inputs.size() < 8) return false;
  QPointF l1, r1, l2, r2;
  if (!vertebraLine(c, m.inputs, 0, l1, r1) || !vertebraLine(c, m.inputs, 4, l2, r2)) return false;
  const QString text = QStringLiteral("%1 %2\u00B0%3")
                           .arg(QLatin1String(region.label))
                           .arg(m.value, 0, 'f', 1)
                           .arg(m.edited ? QStringLiteral(" (edited)") : QString());
  const double textWidth = fm.horizontalAdvance(text), gap = 0.5 * fm.height();
  const QPointF c1 = (l1 + r1) / 2.0, c2 = (l2 + r2) / 2.0;
  const double w1 = length(r1 - l1), w2 = length(r2 - l2), w = std::max(w1, w2);
  // Lines extended beyond the spine: a short stub on one side; on the other the construction and the label
  // after the lines' ends. The right side is preferred (level labels are on the left); the reach shrinks to
  // keep the label inside the visible area, and the left side is taken when the right has too little room.
  const double labelWidth = 2 * gap + textWidth + 2 * badgePadding(fm);  // gap, badge, margin to the edge
  const double spaceRight = bounds.right() - (std::max(c1.x(), c2.x()) + 0.5 * w) - labelWidth;
  const double spaceLeft = (std::min(c1.x(), c2.x()) - 0.5 * w) - bounds.left() - labelWidth;
  const bool labelRight = spaceRight >= 0.7 * w || spaceRight >= spaceLeft;
  const double reach = std::clamp(labelRight ? spaceRight : spaceLeft, 0.7 * w, 1.5 * w), stub = 0.9 * w;
  const QPointF d1 = (r1 - l1) / w1, d2 = (r2 - l2) / w2;
  const double sgn = labelRight ? 1.0 : -1.0;
  const QPointF far1 = c1 + sgn * d1 * (0.5 * w1 + reach), far2 = c2 + sgn * d2 * (0.5 * w2 + reach);
  const QPointF near1 = c1 - sgn * d1 * (0.5 * w1 + stub), near2 = c2 - sgn * d2 * (0.5 * w2 + stub);
  lines.add(QLineF(near1, far1), region.color, style.lineWidth, true);
  lines.add(QLineF(near2, far2), region.color, style.lineWidth, true);

  // Perpendiculars from the outer part of both lines towards each other: drawn to the point where they meet
  // (at the Cobb angle) when that lies in view, else as a third of the way each.
  const QPointF a = c1 + sgn * d1 * (0.5 * w1 + 0.75 * reach);
  const QPointF b = c2 + sgn * d2 * (0.5 * w2 + 0.75 * reach);
  QPointF n1(-d1.y(), d1.x()), n2(-d2.y(), d2.x());
  const QPointF ab = b - a;
  if (n1.x() * ab.x() + n1.y() * ab.y() < 0) n1 = -n1;
  if (n2.x() * ab.x() + n2.y() * ab.y() > 0) n2 = -n2;
  double t1 = 0.3 * length(ab), t2 = t1;
  const double det = n1.x() * -n2.y() + n2.x() * n1.y();  // a + t1·n1 = b + t2·n2
  if (std::abs(det) > 1e-9) {
    const double s1 = (ab.x() * -n2.y() + n2.x() * ab.y()) / det, s2 = (n1.x() * ab.y() - n1.y() * ab.x()) / det;
    if (s1 > 0 && s2 > 0 && bounds.contains(a + n1 * s1)) t1 = s1, t2 = s2;
  }
  const double thin = std::max(1.0, 0.7 * style.lineWidth);
  lines.add(QLineF(a, a + n1 * t1), region.color, thin, false, Qt::DashLine);
  lines.add(QLineF(b, b + n2 * t2), region.color, thin, false, Qt::DashLine);

  label.anchor = labelRight ? QPointF(std::max(far1.x(), far2.x()) + gap, (far1.y() + far2.y()) / 2.0)
                            : QPointF(std::min(far1.x(), far2.x()) - gap, (far1.y() + far2.y()) / 2.0);
  label.alignRight = !labelRight;
  label.text = text;
  label.color = region.color;
  return true;
}

void paintHandle(QPainter& p, const QPointF& at, const QColor& color, double r, bool square, bool review,
                 const SpineOverlayStyle& style) {
  report::paintHandle(p, at, color, r, square, review, style.lineWidth);
}

}  // namespace

QColor levelColor(int level, int count) { return report::rampColor(level, count); }

void paintSpineOverlay(QPainter& painter, const ToDevice& toDevice, const core::LandmarkSet& set,
                       const std::map<std::string, core::Measurement>& measurements, const SpineOverlayStyle& style) {
  if (set.points.empty()) return;
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  painter.setRenderHint(QPainter::TextAntialiasing, true);
  QFont font = painter.font();
  font.setPointSizeF(style.fontPointSize);
  font.setBold(true);
  painter.setFont(font);
  const QFontMetricsF fm(font, painter.device());
  const QRectF bounds = painter.hasClipping()
                            ? painter.clipBoundingRect()
                            : QRectF(0, 0, painter.device() ? painter.device()->width() : 1e6,
                                     painter.device() ? painter.device()->height() : 1e6);

  const Corners c = deviceCorners(toDevice, set, style);

  LineBatch lines;
  if (style.endplateLines) {
    for (int v = 0; v < kVertebrae; ++v) {
      const QColor color = levelColor(v, kVertebrae);
      for (int row : {TL, BL})
        if (c.has(4 * v + row) && c.has(4 * v + row + 1))
          lines.add(QLineF(c.at(4 * v + row), c.at(4 * v + row + 1)), color, style.lineWidth, true);
    }
  }
  std::array<CobbLabel, 3> cobbLabels;
  int cobbCount = 0;
  if (style.cobbConstruction) {
    static const CobbRegion regions[] = {{"cobb.proximal_thoracic", "PT", QColor(120, 230, 255)},
                                         {"cobb.main_thoracic", "MT", QColor(255, 90, 220)},
                                         {"cobb.thoracolumbar", "TL", QColor(255, 255, 255)}};
    for (const auto& region : regions) {
      const auto it = measurements.find(region.id);
      if (it != measurements.end() &&
          addCobb(lines, cobbLabels[static_cast<std::size_t>(cobbCount)], fm, c, it->second, region, style, bounds))
        ++cobbCount;
    }
  }
  lines.draw(painter, style.lineWidth + 2.0);

  // Handles: hovered and dragged ones last, on top.
  const auto handle = [&](int slot) {
    const int i = c.index[static_cast<std::size_t>(slot)];
    const core::Landmark& lm = set.points[static_cast<std::size_t>(i)];
    const bool active = i == style.hoveredPoint || i == style.draggedPoint;
    const double r = style.handleRadius * (active ? 1.6 : 1.0);
    // A corner placed by hand has been reviewed: no ring.
    paintHandle(painter, c.at(slot), levelColor(slot / 4, kVertebrae), r, lm.edited,
                !lm.edited && lm.confidence < style.lowConfidence, style);
  };
  int onTop[2] = {-1, -1};
  for (int slot = 0; slot < kCorners; ++slot) {
    const int i = c.index[static_cast<std::size_t>(slot)];
    if (i < 0) continue;
    if (i == style.hoveredPoint) onTop[0] = slot;
    else if (i == style.draggedPoint) onTop[1] = slot;
    else handle(slot);
  }

  if (style.levelLabels) {
    for (int v = 0; v < kVertebrae; ++v) {
      const int tl = 4 * v + TL, bl = 4 * v + BL;
      if (!c.has(tl) && !c.has(bl)) continue;
      const QPointF left = c.has(tl) && c.has(bl) ? (c.at(tl) + c.at(bl)) / 2.0 : c.has(tl) ? c.at(tl) : c.at(bl);
      const double x = std::min(c.has(tl) ? c.at(tl).x() : left.x(), c.has(bl) ? c.at(bl).x() : left.x());
      badgeText(painter, fm, levelName(v), QPointF(x - 2.5 * style.handleRadius - 4.0, left.y()), true,
                levelColor(v, kVertebrae));
    }
  }

  for (int k = 0; k < cobbCount; ++k) {
    const CobbLabel& l = cobbLabels[static_cast<std::size_t>(k)];
    badgeText(painter, fm, l.text, l.anchor, l.alignRight, l.color);
  }

  for (int slot : onTop)
    if (slot >= 0) handle(slot);
  painter.restore();
}

std::set<std::string> SpineLayer::drawsLandmarkSets(const core::SeriesAnnotations& annotations) const {
  if (annotations.landmarkSets.count(ai::kApCornerSetName)) return {ai::kApCornerSetName};
  return {};
}

void SpineLayer::paint(QPainter& painter, const report::OverlayContext& c) const {
  if (!c.annotations || !c.series || !c.series->image || !c.series->image->geometry().is2D()) return;
  const auto it = c.annotations->landmarkSets.find(ai::kApCornerSetName);
  if (it == c.annotations->landmarkSets.end()) return;
  SpineOverlayStyle style;
  style.handleRadius = c.style.handleRadius;
  style.lineWidth = c.style.lineWidth;
  style.fontPointSize = c.style.fontPointSize;
  style.lowConfidence = c.style.lowConfidence;
  if (c.interaction.hoveredSet == it->first) style.hoveredPoint = c.interaction.hoveredPoint;
  if (c.interaction.draggedSet == it->first) {
    style.draggedPoint = c.interaction.draggedPoint;
    style.dragPosition = c.interaction.dragPosition;
  }
  const ToDevice toDevice = [&c](const Eigen::Vector3d& index) { return c.toDevice(index); };
  paintSpineOverlay(painter, toDevice, it->second, c.measurements ? *c.measurements : c.annotations->measurements, style);
}

}  // namespace openrad::modules::xray_landmarks
