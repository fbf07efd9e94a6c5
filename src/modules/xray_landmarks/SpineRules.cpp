#include "openrad/modules/xray_landmarks/SpineRules.h"

#include "openrad/measure/Cobb.h"
#include "openrad/measure/SpineLandmarks.h"
#include "openrad/measure/SpineMeasurements.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"

namespace openrad::ai {

namespace {
std::string range(const measure::CobbCurveMeasure& c) {
  return measure::apVertebraName(c.upper) + "\u2013" + measure::apVertebraName(c.lower);
}

bool anyEdited(const core::LandmarkSet& set) {
  for (const auto& p : set.points)
    if (p.edited) return true;
  return false;
}

core::Measurement cobbEntry(const core::LandmarkSet& set, const std::string& id, const std::string& title, int order,
                            const measure::CobbCurveMeasure& c, const SpineMeasureOptions& o) {
  core::Measurement m;
  m.id = id;
  m.name = title + " (" + range(c) + ")";
  m.value = c.angleDeg;
  m.unit = "deg";
  for (int v : {c.upper, c.lower})
    for (int k = 0; k < measure::kCornersPerVertebra; ++k) m.inputs.push_back(measure::apCornerName(v, k));
  m.provenance = set.provenance;
  m.attributes["group"] = "Cobb angles";
  m.attributes["order"] = std::to_string(order);
  m.attributes["ends"] = range(c);
  m.attributes["side"] = measure::sideName(c.convexity);
  if (c.apex >= 0) m.attributes["apex"] = measure::apVertebraName(c.apex);
  // The ends the AI's own corners gave: kept from the previous computation, or taken now while nothing is edited.
  std::string aiEnds;
  if (o.previous)
    if (auto it = o.previous->find(id); it != o.previous->end()) aiEnds = it->second.attribute("aiEnds");
  if (aiEnds.empty() && !anyEdited(set) && set.provenance.source != "manual") aiEnds = range(c);
  if (!aiEnds.empty()) m.attributes["aiEnds"] = aiEnds;
  m.edited = measure::anyInputEdited(set, m.inputs) || (!aiEnds.empty() && aiEnds != range(c));
  return m;
}
}  // namespace

std::vector<core::Measurement> spineMeasurements(const core::LandmarkSet& set, const SpineMeasureOptions& o) {
  const measure::ApCorners corners = measure::apCornersFrom(set);
  // Cobb angles are ratios of pixel directions; with square pixels (radiographs) they are unit-free.
  const std::vector<Eigen::Vector2d> pts(corners.begin(), corners.end());
  const measure::CobbAngles cobb = measure::cobbAnglesAasce(pts, o.imageRows, o.imageLeftIsPatientRight);
  std::vector<core::Measurement> out;
  const std::pair<const char*, const char*> regions[] = {{"cobb.proximal_thoracic", "Proximal thoracic Cobb"},
                                                         {"cobb.main_thoracic", "Main thoracic Cobb"},
                                                         {"cobb.thoracolumbar", "Thoracolumbar/lumbar Cobb"}};
  const measure::CobbCurveMeasure* curves[] = {&cobb.proximalThoracic, &cobb.mainThoracic, &cobb.thoracolumbar};
  for (int r = 0; r < 3; ++r)
    if (curves[r]->isCurve()) out.push_back(cobbEntry(set, regions[r].first, regions[r].second, r, *curves[r], o));
  if (cobb.aasce[0].isCurve()) out.push_back(cobbEntry(set, "cobb.max", "Maximal Cobb", 3, cobb.aasce[0], o));
  int order = 10;
  for (auto& m : measure::spineHeightMeasurements(set, o.scale)) {
    m.attributes["order"] = std::to_string(order++);
    m.attributes["group"] = m.id.rfind("height.body.", 0) == 0   ? "Vertebral body heights"
                            : m.id.rfind("height.disc.", 0) == 0 ? "Disc heights"
                                                                 : "Spine heights";
    out.push_back(std::move(m));
  }
  return out;
}

std::vector<core::Measurement> spineMeasurements(const core::LandmarkSet& set, const core::Series& series,
                                                 const std::map<std::string, core::Measurement>* previous) {
  SpineMeasureOptions o;
  o.scale = measure::pixelScale(series);
  o.imageRows = series.image ? static_cast<double>(series.image->geometry().size[1]) : 0.0;
  o.imageLeftIsPatientRight = series.info.viewPosition != "PA";
  o.previous = previous;
  return spineMeasurements(set, o);
}

core::MeasurementRule spineRule() {
  core::MeasurementRule r;
  r.id = std::string(kXrayLandmarksId) + "/spine";
  r.landmarkSets = {kApCornerSetName};
  r.outputPrefixes = {"cobb.", "height."};
  r.compute = [](const core::Series& series, const core::SeriesAnnotations& a) {
    auto it = a.landmarkSets.find(kApCornerSetName);
    if (it == a.landmarkSets.end() || !series.image || !series.image->geometry().is2D())
      throw std::invalid_argument("no AP corner set on a radiograph");
    return spineMeasurements(it->second, series, &a.measurements);
  };
  return r;
}

}  // namespace openrad::ai
