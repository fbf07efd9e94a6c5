#include "openrad/core/Document.h"

#include <algorithm>
#include <stdexcept>

namespace openrad::core {

bool MeasurementRule::touchedBy(const ChangeSet& changes) const {
  if (changes.reset) return true;
  if (changes.landmarkSets && !landmarkSets.empty()) return true;
  if (changes.labelMaps && !labelMaps.empty()) return true;
  if (changes.boxes && boxes) return true;
  for (const auto& name : changes.landmarks) {
    const std::string set = name.substr(0, name.find('/'));
    if (std::find(landmarkSets.begin(), landmarkSets.end(), set) != landmarkSets.end()) return true;
  }
  return false;
}

bool MeasurementRule::owns(const std::string& id) const {
  return std::any_of(outputPrefixes.begin(), outputPrefixes.end(),
                     [&](const std::string& p) { return id.compare(0, p.size(), p) == 0; });
}

bool MeasurementRule::inputEdited(const SeriesAnnotations& a, const Measurement& m) const {
  for (const auto& setName : landmarkSets) {
    auto it = a.landmarkSets.find(setName);
    if (it == a.landmarkSets.end()) continue;
    for (const auto& input : m.inputs)
      if (const Landmark* l = it->second.find(input); l && l->edited) return true;
  }
  for (const auto& mapName : labelMaps) {
    auto it = a.labelMaps.find(mapName);
    if (it == a.labelMaps.end() || !it->second.edited) continue;
    if (m.inputs.empty()) return true;
    for (const auto& input : m.inputs) {
      if (input == mapName) return true;
      for (const auto& l : it->second.table)
        if (l.name == input) return true;
    }
  }
  return false;
}

void runMeasurementRules(const std::vector<MeasurementRule>& rules, const Series& series, SeriesAnnotations& a,
                         ChangeSet& changes) {
  for (const MeasurementRule& rule : rules) {
    if (!rule.touchedBy(changes) || !rule.compute) continue;
    std::vector<Measurement> fresh;
    try {
      fresh = rule.compute(series, a);
    } catch (const std::invalid_argument&) {
      fresh.clear();  // incomplete inputs (a landmark deleted by hand): the rule has no measurements
    }
    for (auto it = a.measurements.begin(); it != a.measurements.end();)
      it = rule.owns(it->first) ? a.measurements.erase(it) : std::next(it);
    for (auto& m : fresh) {
      m.edited = m.edited || rule.inputEdited(a, m);
      a.measurements[m.id] = std::move(m);
    }
    changes.measurements = true;
  }
}

const SeriesAnnotations& Document::annotations(const std::string& seriesUid) const {
  static const SeriesAnnotations kEmpty;
  auto it = m_series.find(seriesUid);
  return it == m_series.end() ? kEmpty : it->second;
}

void Document::attachSeries(std::shared_ptr<const Series> series) {
  if (series) m_images[series->info.seriesUid] = std::move(series);
}

std::shared_ptr<const Series> Document::series(const std::string& seriesUid) const {
  auto it = m_images.find(seriesUid);
  return it == m_images.end() ? nullptr : it->second;
}

std::map<std::string, Measurement> Document::preview(const std::string& seriesUid, SeriesAnnotations annotations,
                                                     const ChangeSet& changes) const {
  if (const auto s = series(seriesUid)) {
    ChangeSet c = changes;
    runMeasurementRules(m_rules, *s, annotations, c);
  }
  return annotations.measurements;
}

void Document::applied(const std::string& seriesUid, ChangeSet changes) {
  if (const auto s = series(seriesUid)) runMeasurementRules(m_rules, *s, m_series[seriesUid], changes);
  // Copy: an observer may add or remove observers while being notified.
  const auto observers = m_observers;
  for (const auto& [handle, observer] : observers) observer(changes);
}

void Document::execute(std::unique_ptr<Command> command) {
  if (!command) throw std::invalid_argument("Document::execute: null command");
  const std::string text = command->text();
  std::vector<std::unique_ptr<Command>> one;
  one.push_back(std::move(command));
  execute(std::move(one), text);
}

void Document::execute(std::vector<std::unique_ptr<Command>> commands, const std::string& text) {
  if (commands.empty()) return;
  for (const auto& c : commands)
    if (!c) throw std::invalid_argument("Document::execute: null command");
  // Apply all or nothing: a command that throws rolls back those before it.
  std::size_t done = 0;
  try {
    for (; done < commands.size(); ++done) commands[done]->redo(m_series[commands[done]->seriesUid()]);
  } catch (...) {
    while (done-- > 0) commands[done]->undo(m_series[commands[done]->seriesUid()]);
    throw;
  }
  m_stack.resize(m_index);  // a new command drops the redo tail
  m_stack.push_back(Step{std::move(commands), text});
  m_index = m_stack.size();
  for (const auto& c : m_stack.back().commands) applied(c->seriesUid(), c->changes());
}

void Document::undo() {
  if (!canUndo()) return;
  Step& step = m_stack[--m_index];
  for (auto it = step.commands.rbegin(); it != step.commands.rend(); ++it) (*it)->undo(m_series[(*it)->seriesUid()]);
  for (auto it = step.commands.rbegin(); it != step.commands.rend(); ++it) {
    auto changes = (*it)->changes();
    changes.commandText = "Undo " + changes.commandText;
    applied((*it)->seriesUid(), changes);
  }
}

void Document::redo() {
  if (!canRedo()) return;
  Step& step = m_stack[m_index++];
  for (auto& c : step.commands) c->redo(m_series[c->seriesUid()]);
  for (auto& c : step.commands) applied(c->seriesUid(), c->changes());
}

std::string Document::undoText() const { return canUndo() ? m_stack[m_index - 1].text : std::string(); }
std::string Document::redoText() const { return canRedo() ? m_stack[m_index].text : std::string(); }

void Document::reset(std::map<std::string, SeriesAnnotations> series) {
  m_series = std::move(series);
  m_stack.clear();
  m_index = 0;
  ChangeSet changes;
  changes.reset = true;
  changes.commandText = "Load session";
  const auto observers = m_observers;
  for (const auto& [handle, observer] : observers) observer(changes);
}

std::vector<std::string> Document::restore(std::map<std::string, SeriesAnnotations> saved) {
  std::vector<std::string> restored;
  for (auto& [uid, a] : saved) {
    if (a.empty() || !annotations(uid).empty()) continue;
    m_series[uid] = std::move(a);
    restored.push_back(uid);
  }
  if (restored.empty()) return restored;
  m_stack.resize(m_index);
  const auto observers = m_observers;
  for (const std::string& uid : restored) {
    ChangeSet changes;
    changes.seriesUid = uid;
    changes.reset = true;
    changes.commandText = "Load session";
    for (const auto& [handle, observer] : observers) observer(changes);
  }
  return restored;
}

int Document::addObserver(Observer observer) {
  const int handle = m_nextHandle++;
  m_observers.emplace(handle, std::move(observer));
  return handle;
}

void Document::removeObserver(int handle) { m_observers.erase(handle); }

}  // namespace openrad::core
