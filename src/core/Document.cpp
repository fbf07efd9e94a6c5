#include "openrad/core/Document.h"

#include <stdexcept>

namespace openrad::core {

const SeriesAnnotations& Document::annotations(const std::string& seriesUid) const {
  static const SeriesAnnotations kEmpty;
  auto it = m_series.find(seriesUid);
  return it == m_series.end() ? kEmpty : it->second;
}

void Document::applied(const std::string& seriesUid, ChangeSet changes) {
  if (m_updater) m_updater(seriesUid, m_series[seriesUid], changes);
  // Copy: an observer may add or remove observers while being notified.
  const auto observers = m_observers;
  for (const auto& [handle, observer] : observers) observer(changes);
}

void Document::execute(std::unique_ptr<Command> command) {
  if (!command) throw std::invalid_argument("Document::execute: null command");
  const std::string uid = command->seriesUid();
  command->redo(m_series[uid]);
  m_stack.resize(m_index);  // a new command drops the redo tail
  m_stack.push_back(std::move(command));
  m_index = m_stack.size();
  applied(uid, m_stack.back()->changes());
}

void Document::undo() {
  if (!canUndo()) return;
  Command& command = *m_stack[--m_index];
  command.undo(m_series[command.seriesUid()]);
  auto changes = command.changes();
  changes.commandText = "Undo " + changes.commandText;
  applied(command.seriesUid(), changes);
}

void Document::redo() {
  if (!canRedo()) return;
  Command& command = *m_stack[m_index++];
  command.redo(m_series[command.seriesUid()]);
  applied(command.seriesUid(), command.changes());
}

std::string Document::undoText() const { return canUndo() ? m_stack[m_index - 1]->text() : std::string(); }
std::string Document::redoText() const { return canRedo() ? m_stack[m_index]->text() : std::string(); }

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

int Document::addObserver(Observer observer) {
  const int handle = m_nextHandle++;
  m_observers.emplace(handle, std::move(observer));
  return handle;
}

void Document::removeObserver(int handle) { m_observers.erase(handle); }

}  // namespace openrad::core
