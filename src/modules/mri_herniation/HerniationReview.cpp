#include "openrad/core/Format.h"
#include "openrad/modules/mri_herniation/HerniationReview.h"

#include "openrad/modules/mri_herniation/HerniationRules.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <stdexcept>

namespace openrad::modules::mri_herniation {

namespace {
constexpr const char* kModule = "mri-herniation";

const core::ResultTable* readTable(const core::SeriesAnnotations& a) {
  const auto it = a.tables.find(kReadTable);
  return it == a.tables.end() ? nullptr : &it->second;
}

/// Body centres (slice pixel coordinates i, j) from the lumbar corners, cranial to caudal.
std::vector<std::pair<std::string, Eigen::Vector2d>> cornerBodies(const core::SeriesAnnotations& a) {
  std::vector<std::pair<std::string, Eigen::Vector2d>> out;
  const auto it = a.landmarkSets.find(mri_lumbar::kCornerSet);
  if (it == a.landmarkSets.end()) return out;
  for (const char* level : {"L1", "L2", "L3", "L4", "L5", "S1"}) {
    Eigen::Vector2d sum = Eigen::Vector2d::Zero();
    int n = 0;
    for (const char* corner : {".as", ".ps", ".ai", ".pi"})
      if (const core::Landmark* l = it->second.find(std::string(level) + corner)) sum += l->position.head<2>(), ++n;
    // S1 has only its superior endplate corners: their middle stands for the body (the L5-S1 disc still lies between).
    if (n >= 2) out.emplace_back(level, sum / n);
  }
  return out;
}
}  // namespace

std::string readValue(const core::ResultTable& table, const std::string& row) {
  for (const auto& r : table.rows)
    if (r.size() >= 2 && r[0] == row) return r[1];
  return {};
}

bool isHerniationBox(const core::Box& box) {
  return box.provenance.source == kModule || box.provenance.source == "manual";
}

std::string levelFromCorners(const core::Box& box, const core::SeriesAnnotations& annotations) {
  const auto bodies = cornerBodies(annotations);
  return discLevelAt(0.5 * (box.min + box.max), bodies);
}

std::vector<core::Measurement> herniationMeasurements(const core::Series& series, const core::SeriesAnnotations& a) {
  const core::ResultTable* read = readTable(a);
  if (!read) throw std::invalid_argument("the herniation module has not read this series");
  const core::Provenance prov{kModule, read->provenance.modelVersion};
  int midline = 0;
  try {
    midline = std::stoi(readValue(*read, kRowMidline)) - 1;
  } catch (const std::exception&) {
    throw std::invalid_argument("the read table names no midline slice");
  }
  struct Group {
    std::vector<const core::Box*> boxes;
  };
  std::map<std::string, Group> groups;
  for (const auto& b : a.boxes) {
    if (!isHerniationBox(b)) continue;
    std::string level = b.attribute("finding");
    if (b.edited || level.empty()) {
      const std::string fromCorners = levelFromCorners(b, a);
      if (!fromCorners.empty() || level.empty()) level = fromCorners.empty() ? "no level" : fromCorners;
    }
    groups[level].boxes.push_back(&b);
  }
  std::vector<std::string> order = {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"};
  for (const auto& [level, g] : groups)
    if (std::find(order.begin(), order.end(), level) == order.end()) order.push_back(level);

  const core::Geometry* g = series.image ? &series.image->geometry() : nullptr;
  const auto lateralMm = [&](int slice) {
    if (!g) return 0.0;
    // + = patient left (LPS x) of the slice centre relative to the midline slice.
    const Eigen::Vector3d c(0.5 * (g->size[0] - 1), 0.5 * (g->size[1] - 1), 0);
    return g->indexToPhysical(Eigen::Vector3d(c.x(), c.y(), slice)).x() - g->indexToPhysical(Eigen::Vector3d(c.x(), c.y(), midline)).x();
  };
  std::vector<core::Measurement> out;
  std::vector<std::string> found;
  for (const auto& level : order) {
    const auto it = groups.find(level);
    if (it == groups.end()) continue;
    const auto& boxes = it->second.boxes;
    std::set<int> slices;
    std::vector<double> lateral;
    double score = 0, extrusion = 0;
    int ai = 0, typed = 0;
    bool manual = false, edited = false, rejected = false, accepted = false;
    for (const core::Box* b : boxes) {
      if (slices.insert(b->slice).second) lateral.push_back(lateralMm(b->slice));
      edited = edited || b->edited;
      rejected = rejected || b->review == "rejected";
      accepted = accepted || b->review == "accepted";
      if (b->provenance.source == "manual") {
        manual = true;
      } else {
        score += b->score, ++ai;
      }
      if (const std::string e = b->attribute("extrusion"); !e.empty()) extrusion += std::stod(e), ++typed;
    }
    core::Measurement m;
    m.id = std::string(kMeasurementPrefix) + level;
    m.name = "Herniation " + level;
    m.value = static_cast<double>(slices.size());
    m.unit = "slices";
    m.provenance = prov;
    m.edited = edited;
    std::string list;
    for (int s : slices) list += (list.empty() ? "" : ", ") + std::to_string(s + 1);
    m.attributes["level"] = level;
    m.attributes["side"] = sideOf(lateral);
    m.attributes["type"] = typed ? (extrusion / typed >= 0.5 ? "extrusion" : "protrusion") : "not stated";
    m.attributes["slices"] = list;
    m.attributes["score"] = ai ? core::fixed(score / ai, 2) : "drawn";
    m.attributes["review"] = rejected ? "rejected" : accepted ? "accepted" : "pending";
    m.attributes["source"] = manual ? (ai ? "ai+manual" : "manual") : "ai";
    for (const core::Box* b : boxes) m.inputs.push_back("box " + std::to_string(b->slice + 1) + " " + level);
    if (!rejected) found.push_back(level);
    out.push_back(std::move(m));
  }
  core::Measurement count;
  count.id = kCountId;
  count.name = "Levels with a herniation";
  count.value = static_cast<double>(found.size());
  count.unit = "levels";
  count.provenance = prov;
  count.edited = std::any_of(out.begin(), out.end(), [](const core::Measurement& m) { return m.edited || m.attribute("review") != "pending"; });
  std::string levels;
  for (const auto& l : found) levels += (levels.empty() ? "" : ", ") + l;
  count.attributes["levels"] = levels.empty() ? "none" : levels;
  count.attributes["threshold"] = readValue(*read, kRowThreshold);
  count.attributes["operatingPoint"] = readValue(*read, kRowOperatingPoint);
  count.attributes["rule"] = readValue(*read, kRowRule);
  count.attributes["slicesRead"] = readValue(*read, kRowSlices);
  out.push_back(std::move(count));
  return out;
}

core::MeasurementRule herniationRule() {
  core::MeasurementRule r;
  r.id = "mri-herniation/levels";
  r.landmarkSets = {mri_lumbar::kCornerSet};
  r.boxes = true;
  r.outputPrefixes = {kMeasurementPrefix};
  r.compute = herniationMeasurements;
  return r;
}

}  // namespace openrad::modules::mri_herniation
