// The ct-hemorrhage overlay: lesion badges (number, volume) and the class legend with the rule's volumes, so a label
// map painted by hand shows its own figures while the viewer repaints.
#include "HemorrhageOverlay.h"

#include "openrad/core/Format.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"
#include "openrad/phantom/HeadCt.h"

#include <QFont>
#include <QPainter>

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
  // The legend, on slices of an axial view that show any label.
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
                           corner + QPointF(8, 8 + line * (0.5 + row++)), false, colour(label));
      }
    }
  }
  painter.restore();
}

}  // namespace openrad::modules::ct_hemorrhage
