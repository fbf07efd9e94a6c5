#pragma once

#include "openrad/core/Annotations.h"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace openrad::core {

/// What one command changed; observers get exactly one per execute/undo/redo.
struct ChangeSet {
  std::string seriesUid;
  std::string commandText;
  std::set<std::string> landmarks;  ///< "set/point" names moved, added or removed
  bool landmarkSets = false;        ///< whole sets added, removed or replaced
  bool labelMaps = false;
  bool boxes = false;
  bool measurements = false;
  bool reset = false;  ///< everything may have changed (session load)
};

/// An undoable change to one series' annotations.
class Command {
public:
  virtual ~Command() = default;
  /// Text for the Edit menu ("Move L3.sup.ant").
  virtual std::string text() const = 0;
  /// The series it acts on.
  virtual std::string seriesUid() const = 0;
  /// Applies the change.
  virtual void redo(SeriesAnnotations& annotations) = 0;
  /// Reverts the change.
  virtual void undo(SeriesAnnotations& annotations) = 0;
  /// What the change touches.
  virtual ChangeSet changes() const = 0;
};

/// Recomputes derived values (measurements) after a command touched a series.
using DerivedUpdater = std::function<void(const std::string& seriesUid, SeriesAnnotations&, ChangeSet&)>;

/// The annotations of every open series plus one undo/redo history.
class Document {
public:
  using Observer = std::function<void(const ChangeSet&)>;

  /// Annotations of a series (an empty set when it has none).
  const SeriesAnnotations& annotations(const std::string& seriesUid) const;
  /// All annotated series.
  const std::map<std::string, SeriesAnnotations>& all() const { return m_series; }

  /// Runs a command, pushes it on the undo stack (dropping the redo tail), notifies once.
  void execute(std::unique_ptr<Command> command);
  /// True when there is something to undo.
  bool canUndo() const { return m_index > 0; }
  /// True when there is something to redo.
  bool canRedo() const { return m_index < m_stack.size(); }
  /// Undoes the last command; no-op when there is none.
  void undo();
  /// Redoes the next command; no-op when there is none.
  void redo();
  /// Text of the command undo() would revert (empty when none).
  std::string undoText() const;
  /// Text of the command redo() would apply (empty when none).
  std::string redoText() const;
  /// Number of commands executed and not undone since the last reset.
  std::size_t commandCount() const { return m_index; }

  /// Replaces everything (session load); clears history; notifies with reset = true.
  void reset(std::map<std::string, SeriesAnnotations> series);

  /// Registers an observer; returns a handle for removeObserver.
  int addObserver(Observer observer);
  /// Unregisters an observer.
  void removeObserver(int handle);
  /// Installs the measurement recomputation run after each change, before observers.
  void setDerivedUpdater(DerivedUpdater updater) { m_updater = std::move(updater); }

private:
  void applied(const std::string& seriesUid, ChangeSet changes);

  std::map<std::string, SeriesAnnotations> m_series;
  std::vector<std::unique_ptr<Command>> m_stack;
  std::size_t m_index = 0;
  std::map<int, Observer> m_observers;
  int m_nextHandle = 1;
  DerivedUpdater m_updater;
};

}  // namespace openrad::core
