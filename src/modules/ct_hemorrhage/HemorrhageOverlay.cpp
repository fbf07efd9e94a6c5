// The ct-hemorrhage overlay: lesion badges (number, volume), the midline-shift construction, and the class legend with
// the rule's volumes, so a label map painted by hand shows its own figures while the viewer repaints.
#include "HemorrhageOverlay.h"

#include "openrad/core/Format.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"
#include "openrad/phantom/HeadCt.h"

#include <QFont>
#include <QPainter>
#include <QPen>

#include <algorithm>
#include <sstream>

namespace openrad::modules::ct_hemorrhage {

void HemorrhageLayer::paint(QPainter& painter, const report::OverlayContext& c) const {
  if (!c.annotations || !c.series || !c.series->image) return;
  const auto map = c.annotations->labelMaps.find(kLabelMap);
  if (map == c.annotations->labelMaps.end() || !map->second.labels) return;
  const auto& measurements = c.measurements ? *c.measurements : c.annotations->measurements;
  // Colours from the map's own table, as the generic layer fills the regions.
  const auto colour = [&](int label) {
    const core::LabelInfo* l = map->second.label(label);
    return l ? QColor(l->color[0], l->color[1], l->color[2]) : QColor(Qt::white);
  };
  const auto value = [&](const std::string& id) -> const core::Measurement* {
    const auto it = measurements.find("hemorrhage." + id);
    return it == measurements.end() ? nullptr : &it->second;
  };
  painter.save();
  painter.setRenderHint(QPainter::Antialiasing, true);
  QFont font = painter.font();
  font.setPointSizeF(c.style.fontPointSize);
  painter.setFont(font);
  const QFontMetricsF metrics(font);
  for (int n = 1;; ++n) {
    const core::Measurement* vol = value("lesion." + std::to_string(n) + ".volume_ml");
    if (!vol) break;
    std::istringstream at(vol->attribute("badge_index"));
    Eigen::Vector3d index;
    if (!(at >> index.x() >> index.y() >> index.z()) || !c.plane.onSlice(index)) continue;
    const QString text = QString::fromStdString(std::to_string(n) + "  " + core::fixed(vol->value, 1) + " mL" +
                                                (vol->edited ? " (edited)" : ""));
    report::paintBadge(painter, metrics, text, c.toDevice(index), false, colour(phantom::kCtHematoma));
  }
  // The midline shift on the slice it was measured on: the ideal midline through the falx attachments (dashed), the
  // septum and its perpendicular to that line, so a reader can check the three points.
  if (const core::Measurement* mls = value("midline_shift_mm")) {
    const auto indexOf = [&](const std::string& key, Eigen::Vector3d& out) {
      std::istringstream at(mls->attribute(key));
      return static_cast<bool>(at >> out.x() >> out.y() >> out.z());
    };
    Eigen::Vector3d septum, front, back;
    if (indexOf("septum_index", septum) && indexOf("falx_anterior_index", front) && indexOf("falx_posterior_index", back) &&
        c.plane.onSlice(septum)) {
      const Eigen::Vector3d along = (back - front).normalized();
      const Eigen::Vector3d foot = front + (septum - front).dot(along) * along;
      const QColor cyan(80, 220, 255);
      QPen dashed(cyan, 1.5, Qt::DashLine);
      painter.setPen(dashed);
      painter.drawLine(c.toDevice(front), c.toDevice(back));
      painter.setPen(QPen(cyan, 2.0));
      painter.drawLine(c.toDevice(foot), c.toDevice(septum));
      painter.setBrush(cyan);
      for (const Eigen::Vector3d& p : {front, back, septum}) painter.drawEllipse(c.toDevice(p), 3.0, 3.0);
      painter.setBrush(Qt::NoBrush);
      const std::string text = "MLS " + core::fixed(mls->value, 1) + " mm" +
                               (mls->attribute("toward") == "none" ? "" : " to the " + mls->attribute("toward"));
      report::paintBadge(painter, metrics, QString::fromStdString(text), c.toDevice(septum) + QPointF(12, -12), false, cyan);
    }
  }
  // The legend, on slices of an axial view that show any label, under the corner text of the viewer.
  const core::Image& labels = *map->second.labels;
  const auto& g = labels.geometry();
  const bool axial = c.plane.axis == 2 && c.plane.slice >= 0 && c.plane.slice < g.size[2];
  if (axial && labels.pixelType() == core::PixelType::UInt8) {
    const std::int64_t plane = g.size[0] * g.size[1];
    const std::uint8_t* L = labels.as<std::uint8_t>() + plane * c.plane.slice;
    if (std::any_of(L, L + plane, [](std::uint8_t v) { return v != 0; })) {
      const QPointF corner = c.displayToDevice.map(QPointF(0, 0));
      const double line = metrics.height() * 1.4;
      int row = 0;
      for (const auto& [label, id] : {std::pair<int, const char*>{phantom::kCtHematoma, "hematoma_ml"},
                                      {phantom::kCtEdema, "edema_ml"},
                                      {phantom::kCtExtraAxial, "extra_axial_ml"}}) {
        const core::Measurement* m = value(id);
        const std::string name = hemorrhageClassNames()[static_cast<std::size_t>(label)];
        const std::string text = name + (m ? " " + core::fixed(m->value, 1) + " mL" : "");
        report::paintBadge(painter, metrics, QString::fromStdString(text),
                           corner + QPointF(8, 8 + line * (4.0 + row++)), false, colour(label));
      }
    }
  }
  painter.restore();
}

}  // namespace openrad::modules::ct_hemorrhage
