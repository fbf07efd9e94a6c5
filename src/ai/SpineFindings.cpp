#include "openrad/ai/SpineFindings.h"

#include "openrad/measure/Cobb.h"
#include "openrad/measure/SpineLandmarks.h"
#include "openrad/measure/SpineMeasurements.h"

namespace openrad::ai {

namespace {
std::string range(const measure::CobbCurveMeasure& c) {
  return measure::apVertebraName(c.upper) + "–" + measure::apVertebraName(c.lower);
}

core::Measurement cobbEntry(const core::LandmarkSet& set, const std::string& id, const std::string& title,
                            const measure::CobbCurveMeasure& c) {
  core::Measurement m;
  m.id = id;
  m.name = title + " (" + range(c) + ")";
  m.value = c.angleDeg;
  m.unit = "deg";
  for (int v : {c.upper, c.lower})
    for (int k = 0; k < measure::kCornersPerVertebra; ++k) m.inputs.push_back(measure::apCornerName(v, k));
  m.provenance = set.provenance;
  m.edited = measure::anyInputEdited(set, m.inputs);
  return m;
}
}  // namespace

std::vector<core::Measurement> spineMeasurements(const core::LandmarkSet& set, const measure::PixelScale& scale,
                                                 double imageRows) {
  const measure::ApCorners corners = measure::apCornersFrom(set);
  // Cobb angles are ratios of pixel directions; with square pixels (radiographs) they are unit-free.
  const std::vector<Eigen::Vector2d> pts(corners.begin(), corners.end());
  const measure::CobbAngles cobb = measure::cobbAnglesAasce(pts, imageRows);
  std::vector<core::Measurement> out;
  out.push_back(cobbEntry(set, "cobb.proximal_thoracic", "Proximal thoracic Cobb", cobb.proximalThoracic));
  out.push_back(cobbEntry(set, "cobb.main_thoracic", "Main thoracic Cobb", cobb.mainThoracic));
  out.push_back(cobbEntry(set, "cobb.thoracolumbar", "Thoracolumbar/lumbar Cobb", cobb.thoracolumbar));
  out.push_back(cobbEntry(set, "cobb.max", "Maximal Cobb", cobb.aasce[0]));
  for (auto& m : measure::spineHeightMeasurements(set, scale)) out.push_back(std::move(m));
  return out;
}

void updateSpineMeasurements(core::SeriesAnnotations& annotations, core::ChangeSet& changes,
                             const std::string& setName, const measure::PixelScale& scale, double imageRows) {
  bool touched = changes.reset || changes.landmarkSets;
  const std::string prefix = setName + "/";
  for (const auto& name : changes.landmarks)
    if (name.compare(0, prefix.size(), prefix) == 0) touched = true;
  if (!touched) return;
  auto it = annotations.landmarkSets.find(setName);
  const auto ids = [&] {
    std::vector<std::string> v;
    for (const auto& [id, m] : annotations.measurements)
      if (id.rfind("cobb.", 0) == 0 || id.rfind("height.", 0) == 0) v.push_back(id);
    return v;
  }();
  for (const auto& id : ids) annotations.measurements.erase(id);
  if (it != annotations.landmarkSets.end()) {
    try {
      for (auto& m : spineMeasurements(it->second, scale, imageRows)) annotations.measurements[m.id] = std::move(m);
    } catch (const std::invalid_argument&) {
      // An incomplete set (corners deleted by hand) has no spine measurements.
    }
  }
  changes.measurements = true;
}

}  // namespace openrad::ai
