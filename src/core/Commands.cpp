#include "openrad/core/Commands.h"

#include <algorithm>
#include <cstring>
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
  ChangeSet c = describe();
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
  ChangeSet c = describe();
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
  ChangeSet c = describe();
  c.labelMaps = true;
  return c;
}

namespace {

/// Calls f(linear offset in the image, index in the block) for every voxel of `block`, i fastest.
template <class F> void forEachVoxel(const Image& image, const VoxelBlock& block, F f) {
  std::size_t n = 0;
  for (std::int64_t k = 0; k < block.size[2]; ++k)
    for (std::int64_t j = 0; j < block.size[1]; ++j)
      for (std::int64_t i = 0; i < block.size[0]; ++i)
        f(image.offset(block.origin[0] + i, block.origin[1] + j, block.origin[2] + k), n++);
}

template <class T> std::vector<std::uint16_t> readBlock(const Image& image, const VoxelBlock& block) {
  std::vector<std::uint16_t> out(static_cast<std::size_t>(block.count()));
  const T* data = image.as<T>();
  forEachVoxel(image, block, [&](std::int64_t at, std::size_t n) { out[n] = static_cast<std::uint16_t>(data[at]); });
  return out;
}

template <class T> void writeBlock(Image& image, const VoxelBlock& block, const std::vector<std::uint16_t>& values) {
  T* data = image.as<T>();
  forEachVoxel(image, block, [&](std::int64_t at, std::size_t n) { data[at] = static_cast<T>(values[n]); });
}

void checkLabelType(const Image& image, const std::string& map) {
  if (image.pixelType() != PixelType::UInt8 && image.pixelType() != PixelType::UInt16)
    throw std::invalid_argument("label map " + map + " is not an 8- or 16-bit label image");
}

}  // namespace

PaintLabelsCommand::PaintLabelsCommand(std::string seriesUid, std::string mapName, VoxelBlock block,
                                       std::vector<std::uint16_t> after, std::string text)
    : m_series(std::move(seriesUid)), m_map(std::move(mapName)), m_text(std::move(text)), m_block(block),
      m_after(std::move(after)) {
  for (int a = 0; a < 3; ++a)
    if (m_block.size[a] <= 0 || m_block.origin[a] < 0)
      throw std::invalid_argument("PaintLabelsCommand: empty or negative block");
  if (static_cast<std::int64_t>(m_after.size()) != m_block.count())
    throw std::invalid_argument("PaintLabelsCommand: " + std::to_string(m_after.size()) + " values for a block of " +
                                std::to_string(m_block.count()) + " voxels");
}

std::unique_ptr<PaintLabelsCommand> PaintLabelsCommand::fromDifference(std::string seriesUid, std::string mapName,
                                                                       const Image& before, const Image& after,
                                                                       std::string text) {
  const auto& g = before.geometry();
  if (g.size != after.geometry().size || before.pixelType() != after.pixelType())
    throw std::invalid_argument("label map " + mapName + ": the edited image does not match the map's grid");
  checkLabelType(before, mapName);
  std::array<std::int64_t, 3> lo{g.size[0], g.size[1], g.size[2]}, hi{-1, -1, -1};
  // Row by row on the raw bytes: an edit touches few rows of a large volume, and equal rows cost one memcmp.
  const std::size_t pixel = bytesPerPixel(before.pixelType()), row = pixel * static_cast<std::size_t>(g.size[0]);
  const auto* a = static_cast<const unsigned char*>(before.data());
  const auto* b = static_cast<const unsigned char*>(after.data());
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j) {
      const std::size_t at = static_cast<std::size_t>(before.offset(0, j, k)) * pixel;
      if (std::memcmp(a + at, b + at, row) == 0) continue;
      std::int64_t first = 0, last = g.size[0] - 1;
      while (std::memcmp(a + at + first * pixel, b + at + first * pixel, pixel) == 0) ++first;
      while (std::memcmp(a + at + last * pixel, b + at + last * pixel, pixel) == 0) --last;
      lo = {std::min(lo[0], first), std::min(lo[1], j), std::min(lo[2], k)};
      hi = {std::max(hi[0], last), std::max(hi[1], j), std::max(hi[2], k)};
    }
  if (hi[0] < 0) return nullptr;
  VoxelBlock block;
  for (int a = 0; a < 3; ++a) block.origin[a] = lo[a], block.size[a] = hi[a] - lo[a] + 1;
  std::vector<std::uint16_t> values = before.pixelType() == PixelType::UInt8 ? readBlock<std::uint8_t>(after, block)
                                                                             : readBlock<std::uint16_t>(after, block);
  return std::make_unique<PaintLabelsCommand>(std::move(seriesUid), std::move(mapName), block, std::move(values),
                                              std::move(text));
}

std::string PaintLabelsCommand::text() const { return m_text.empty() ? "Paint " + m_map : m_text; }

LabelMap& PaintLabelsCommand::target(SeriesAnnotations& a) const {
  auto it = a.labelMaps.find(m_map);
  if (it == a.labelMaps.end() || !it->second.labels)
    throw std::invalid_argument("no label map " + m_map + " on series " + m_series);
  const Image& image = *it->second.labels;
  checkLabelType(image, m_map);
  for (int axis = 0; axis < 3; ++axis)
    if (m_block.origin[axis] + m_block.size[axis] > image.geometry().size[axis])
      throw std::invalid_argument("the painted block leaves label map " + m_map + "'s grid");
  return it->second;
}

void PaintLabelsCommand::write(LabelMap& map, const std::vector<std::uint16_t>& values) const {
  std::shared_ptr<Image> edited = map.labels->copy();
  if (edited->pixelType() == PixelType::UInt8) writeBlock<std::uint8_t>(*edited, m_block, values);
  else writeBlock<std::uint16_t>(*edited, m_block, values);
  map.labels = std::move(edited);
}

void PaintLabelsCommand::redo(SeriesAnnotations& a) {
  LabelMap& map = target(a);
  if (map.labels->pixelType() == PixelType::UInt8) {
    for (std::uint16_t v : m_after)
      if (v > 255) throw std::invalid_argument("label " + std::to_string(v) + " does not fit 8-bit map " + m_map);
    m_before = readBlock<std::uint8_t>(*map.labels, m_block);
  } else {
    m_before = readBlock<std::uint16_t>(*map.labels, m_block);
  }
  m_wasEdited = map.edited;
  write(map, m_after);
  map.edited = true;
}

void PaintLabelsCommand::undo(SeriesAnnotations& a) {
  LabelMap& map = target(a);
  write(map, m_before);
  map.edited = m_wasEdited;
}

ChangeSet PaintLabelsCommand::changes() const {
  ChangeSet c = describe();
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
  ChangeSet c = describe();
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
  ChangeSet c = describe();
  c.boxes = true;
  return c;
}

SetBoxesCommand::SetBoxesCommand(std::string seriesUid, std::vector<Box> after, std::string text)
    : m_series(std::move(seriesUid)), m_text(std::move(text)), m_after(std::move(after)) {}

void SetBoxesCommand::redo(SeriesAnnotations& a) {
  m_before = a.boxes;
  a.boxes = m_after;
}

void SetBoxesCommand::undo(SeriesAnnotations& a) { a.boxes = m_before; }

ChangeSet SetBoxesCommand::changes() const {
  ChangeSet c = describe();
  c.boxes = true;
  return c;
}

}  // namespace openrad::core
