#include "openrad/core/Commands.h"

#include <stdexcept>

namespace openrad::core {

MoveLandmarkCommand::MoveLandmarkCommand(std::string seriesUid, std::string setName, std::string pointName,
                                         Eigen::Vector3d before, Eigen::Vector3d after)
    : m_series(std::move(seriesUid)), m_set(std::move(setName)), m_point(std::move(pointName)),
      m_before(before), m_after(after) {}

std::string MoveLandmarkCommand::text() const { return "Move " + m_point; }

static Landmark& findLandmark(SeriesAnnotations& a, const std::string& set, const std::string& point) {
  auto it = a.landmarkSets.find(set);
  Landmark* l = it == a.landmarkSets.end() ? nullptr : it->second.find(point);
  if (!l) throw std::out_of_range("no landmark " + set + "/" + point);
  return *l;
}

void MoveLandmarkCommand::redo(SeriesAnnotations& annotations) {
  Landmark& l = findLandmark(annotations, m_set, m_point);
  m_wasEdited = l.edited;
  l.position = m_after;
  l.edited = true;
}

void MoveLandmarkCommand::undo(SeriesAnnotations& annotations) {
  Landmark& l = findLandmark(annotations, m_set, m_point);
  l.position = m_before;
  l.edited = m_wasEdited;
}

ChangeSet MoveLandmarkCommand::changes() const {
  ChangeSet c;
  c.seriesUid = m_series;
  c.commandText = text();
  c.landmarks.insert(m_set + "/" + m_point);
  return c;
}

// Shared body of the "replace one keyed entry of a map, remember what was there" commands.
template <class T>
static void swapEntry(std::map<std::string, T>& map, const std::string& key, const std::optional<T>& value) {
  if (value)
    map[key] = *value;
  else
    map.erase(key);
}

template <class T>
static std::optional<T> currentEntry(const std::map<std::string, T>& map, const std::string& key) {
  auto it = map.find(key);
  return it == map.end() ? std::nullopt : std::optional<T>(it->second);
}

SetLandmarkSetCommand::SetLandmarkSetCommand(std::string seriesUid, std::string setName,
                                             std::optional<LandmarkSet> after, std::string text)
    : m_series(std::move(seriesUid)), m_set(std::move(setName)), m_text(std::move(text)), m_after(std::move(after)) {
  if (m_after) m_after->name = m_set;
}

std::string SetLandmarkSetCommand::text() const {
  return m_text.empty() ? (m_after ? "Set landmarks " : "Remove landmarks ") + m_set : m_text;
}

void SetLandmarkSetCommand::redo(SeriesAnnotations& a) {
  m_before = currentEntry(a.landmarkSets, m_set);
  swapEntry(a.landmarkSets, m_set, m_after);
}

void SetLandmarkSetCommand::undo(SeriesAnnotations& a) { swapEntry(a.landmarkSets, m_set, m_before); }

ChangeSet SetLandmarkSetCommand::changes() const {
  ChangeSet c;
  c.seriesUid = m_series;
  c.commandText = text();
  c.landmarkSets = true;
  return c;
}

SetLabelMapCommand::SetLabelMapCommand(std::string seriesUid, std::string mapName, std::optional<LabelMap> after,
                                       std::string text)
    : m_series(std::move(seriesUid)), m_map(std::move(mapName)), m_text(std::move(text)), m_after(std::move(after)) {
  if (m_after) m_after->name = m_map;
}

std::string SetLabelMapCommand::text() const {
  return m_text.empty() ? (m_after ? "Set label map " : "Remove label map ") + m_map : m_text;
}

void SetLabelMapCommand::redo(SeriesAnnotations& a) {
  m_before = currentEntry(a.labelMaps, m_map);
  swapEntry(a.labelMaps, m_map, m_after);
}

void SetLabelMapCommand::undo(SeriesAnnotations& a) { swapEntry(a.labelMaps, m_map, m_before); }

ChangeSet SetLabelMapCommand::changes() const {
  ChangeSet c;
  c.seriesUid = m_series;
  c.commandText = text();
  c.labelMaps = true;
  return c;
}

ApplyFindingsCommand::ApplyFindingsCommand(std::string seriesUid, std::string moduleId, SeriesAnnotations findings,
                                           std::string text)
    : m_series(std::move(seriesUid)), m_module(std::move(moduleId)), m_text(std::move(text)),
      m_findings(std::move(findings)) {}

void ApplyFindingsCommand::redo(SeriesAnnotations& a) {
  m_before = a;
  a.removeSource(m_module);
  a.merge(m_findings);
}

void ApplyFindingsCommand::undo(SeriesAnnotations& a) { a = m_before; }

ChangeSet ApplyFindingsCommand::changes() const {
  ChangeSet c;
  c.seriesUid = m_series;
  c.commandText = m_text;
  c.landmarkSets = c.labelMaps = c.boxes = c.measurements = true;
  return c;
}

SetBoxCommand::SetBoxCommand(std::string seriesUid, std::size_t index, std::optional<Box> after, std::string text)
    : m_series(std::move(seriesUid)), m_text(std::move(text)), m_index(index), m_after(std::move(after)) {}

std::string SetBoxCommand::text() const {
  if (!m_text.empty()) return m_text;
  const std::string label = m_after ? m_after->label : m_before ? m_before->label : std::string("box");
  return (m_after ? (m_before ? "Change box " : "Add box ") : "Delete box ") + label;
}

void SetBoxCommand::redo(SeriesAnnotations& a) {
  if (m_index > a.boxes.size() || (!m_after && m_index == a.boxes.size()))
    throw std::out_of_range("no box " + std::to_string(m_index));
  m_before = m_index < a.boxes.size() ? std::optional<Box>(a.boxes[m_index]) : std::nullopt;
  if (!m_after)
    a.boxes.erase(a.boxes.begin() + static_cast<std::ptrdiff_t>(m_index));
  else if (m_before)
    a.boxes[m_index] = *m_after;
  else
    a.boxes.push_back(*m_after);
}

void SetBoxCommand::undo(SeriesAnnotations& a) {
  if (!m_before)
    a.boxes.erase(a.boxes.begin() + static_cast<std::ptrdiff_t>(m_index));
  else if (!m_after)
    a.boxes.insert(a.boxes.begin() + static_cast<std::ptrdiff_t>(m_index), *m_before);
  else
    a.boxes[m_index] = *m_before;
}

ChangeSet SetBoxCommand::changes() const {
  ChangeSet c;
  c.seriesUid = m_series;
  c.commandText = text();
  c.boxes = true;
  return c;
}

}  // namespace openrad::core
