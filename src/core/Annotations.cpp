#include "openrad/core/Annotations.h"

#include <algorithm>

namespace openrad::core {

const Landmark* LandmarkSet::find(const std::string& pointName) const {
  auto it = std::find_if(points.begin(), points.end(), [&](const Landmark& l) { return l.name == pointName; });
  return it == points.end() ? nullptr : &*it;
}

Landmark* LandmarkSet::find(const std::string& pointName) {
  return const_cast<Landmark*>(static_cast<const LandmarkSet*>(this)->find(pointName));
}

}  // namespace openrad::core

namespace openrad::core {

const LabelInfo* LabelMap::label(int value) const {
  for (const auto& l : table)
    if (l.value == value) return &l;
  return nullptr;
}

std::string Box::attribute(const std::string& key) const {
  const auto it = attributes.find(key);
  return it == attributes.end() ? std::string() : it->second;
}

std::string Measurement::attribute(const std::string& key) const {
  auto it = attributes.find(key);
  return it == attributes.end() ? std::string() : it->second;
}

namespace {
template <class Map, class Fn>
void forEachSource(const Map& map, Fn&& fn) {
  for (const auto& [key, item] : map) fn(item.provenance.source);
}

template <class Map>
void eraseSource(Map& map, const std::string& source) {
  for (auto it = map.begin(); it != map.end();) it = it->second.provenance.source == source ? map.erase(it) : std::next(it);
}
}  // namespace

std::vector<std::string> SeriesAnnotations::sources() const {
  std::vector<std::string> out;
  const auto add = [&](const std::string& s) {
    if (s != "manual" && !s.empty() && std::find(out.begin(), out.end(), s) == out.end()) out.push_back(s);
  };
  forEachSource(landmarkSets, add);
  forEachSource(labelMaps, add);
  forEachSource(measurements, add);
  forEachSource(tables, add);
  forEachSource(meshes, add);
  for (const auto& b : boxes) add(b.provenance.source);
  for (const auto& [source, w] : warnings) add(source);
  std::sort(out.begin(), out.end());
  return out;
}

int SeriesAnnotations::editedCount(const std::string& source) const {
  int n = 0;
  for (const auto& [name, set] : landmarkSets)
    if (set.provenance.source == source)
      for (const auto& p : set.points) n += p.edited ? 1 : 0;
  for (const auto& [name, map] : labelMaps) n += map.provenance.source == source && map.edited ? 1 : 0;
  for (const auto& b : boxes) n += b.provenance.source == source && b.edited ? 1 : 0;
  return n;
}

void SeriesAnnotations::removeSource(const std::string& source) {
  eraseSource(landmarkSets, source);
  eraseSource(labelMaps, source);
  eraseSource(measurements, source);
  eraseSource(tables, source);
  eraseSource(meshes, source);
  boxes.erase(std::remove_if(boxes.begin(), boxes.end(), [&](const Box& b) { return b.provenance.source == source; }),
              boxes.end());
  warnings.erase(source);
}

void SeriesAnnotations::merge(const SeriesAnnotations& other) {
  for (const auto& [k, v] : other.landmarkSets) landmarkSets[k] = v;
  for (const auto& [k, v] : other.labelMaps) labelMaps[k] = v;
  for (const auto& [k, v] : other.measurements) measurements[k] = v;
  for (const auto& [k, v] : other.tables) tables[k] = v;
  for (const auto& [k, v] : other.meshes) meshes[k] = v;
  for (const auto& [k, v] : other.warnings) warnings[k] = v;
  boxes.insert(boxes.end(), other.boxes.begin(), other.boxes.end());
}

std::string studyKey(const std::string& studyUid) { return "study:" + studyUid; }

bool isStudyKey(const std::string& key) { return key.rfind("study:", 0) == 0; }

}  // namespace openrad::core
