// The lumbar overlay: endplates in level colours, level badges and the dashed L1/S1 lordosis construction on the
// corners' slice; the sagittal display plane the report's key image uses.
#include "LumbarOverlay.h"

#include "openrad/measure/SagittalFrame.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarLabels.h"

#include <QFont>
#include <QPainter>
#include <QPen>

#include <array>
#include <cmath>

namespace openrad::modules::mri_lumbar {

namespace {
QColor levelColour(int c) {
  for (const auto& l : lumbarLabelTable())
    if (l.value == c) return QColor(l.color[0], l.color[1], l.color[2]);
  return Qt::white;
}
}  // namespace

void LumbarLayer::paint(QPainter& painter, const report::OverlayContext& c) const {
  if (!c.annotations || !c.series || !c.series->image) return;
  const auto it = c.annotations->landmarkSets.find(kCornerSet);
  if (it == c.annotations->landmarkSets.end()) return;
  const core::LandmarkSet& set = it->second;
  if (set.points.empty() || !c.plane.onSlice(set.points.front().position)) return;
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  QFont font = painter.font();
  font.setPointSizeF(c.style.fontPointSize);
  painter.setFont(font);
  const QFontMetricsF metrics(font);
  const auto point = [&](const std::string& name) -> std::optional<QPointF> {
    for (int i = 0; i < static_cast<int>(set.points.size()); ++i)
      if (set.points[static_cast<std::size_t>(i)].name == name) return c.pointToDevice(set, i);
    return std::nullopt;
  };
  for (int level = kL1; level <= kS1; ++level) {
    const std::string L = className(level);
    const QColor colour = levelColour(level);
    painter.setPen(QPen(colour, c.style.lineWidth));
    const auto as = point(L + ".as"), ps = point(L + ".ps"), ai = point(L + ".ai"), pi = point(L + ".pi");
    if (as && ps) painter.drawLine(*as, *ps);
    if (ai && pi) painter.drawLine(*ai, *pi);
    if (as) {
      const QPointF anchor = ai ? (*as + *ai) / 2 : *as;
      report::paintBadge(painter, metrics, QString::fromStdString(L), anchor - QPointF(6 * c.style.handleRadius, 0), true, colour);
    }
  }
  // Lordosis construction: the L1 and S1 superior endplates extended.
  const auto l1a = point("L1.as"), l1p = point("L1.ps"), s1a = point("S1.as"), s1p = point("S1.ps");
  const auto* measurements = c.measurements ? c.measurements : &c.annotations->measurements;
  if (l1a && l1p && s1a && s1p) {
    QPen pen(QColor(255, 230, 90), c.style.lineWidth, Qt::DashLine);
    painter.setPen(pen);
    for (const auto& [a, p] : {std::make_pair(*l1a, *l1p), std::make_pair(*s1a, *s1p)}) {
      const QPointF d = p - a;
      painter.drawLine(a - 0.6 * d, p + 1.2 * d);
    }
    if (const auto m = measurements->find("lumbar.lordosis.L1-S1"); m != measurements->end()) {
      char text[64];
      std::snprintf(text, sizeof text, "LL L1\u2013S1 %.1f\u00B0%s", m->second.value, m->second.edited ? " (edited)" : "");
      report::paintBadge(painter, metrics, QString::fromUtf8(text), *l1p + (*l1p - *l1a) * 1.3, false, QColor(255, 230, 90));
    }
  }
  painter.restore();
}

}  // namespace openrad::modules::mri_lumbar
