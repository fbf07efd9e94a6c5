#pragma once

#include "openrad/core/Annotations.h"
#include "openrad/core/Study.h"

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

protected:
  /// A change set naming the command's series and text, for changes() to fill in.
  ChangeSet describe() const {
    ChangeSet c;
    c.seriesUid = seriesUid();
    c.commandText = text();
    return c;
  }
};

/// A measurement rule of a module: which annotations it reads and how it computes its measurements from them.
/// The Document runs every rule whose inputs a command touched, before observers hear of the change.
struct MeasurementRule {
  std::string id;                           ///< e.g. "xray-landmarks/spine"
  std::vector<std::string> landmarkSets;    ///< landmark sets it reads
  std::vector<std::string> labelMaps;       ///< label maps it reads
  std::vector<std::string> outputPrefixes;  ///< measurement ids it owns (by prefix); replaced on each run
  /// Computes the measurements. `annotations` still holds the previous values (for attributes carried over).
  /// Throws std::invalid_argument when the inputs are incomplete (then the rule's measurements are removed).
  std::function<std::vector<Measurement>(const Series& series, const SeriesAnnotations& annotations)> compute;
  bool boxes = false;  ///< it reads the series' boxes (any box change re-runs it)

  /// True when the rule reads something `changes` touched in `annotations`.
  bool touchedBy(const ChangeSet& changes) const;
  /// True when the rule owns measurement `id`.
  bool owns(const std::string& id) const;
  /// True when one of the rule's inputs that `m` names (landmark or label) was edited by hand.
  bool inputEdited(const SeriesAnnotations& annotations, const Measurement& m) const;
};

/// Runs `rules` on one series' annotations: for each rule touched by `changes` (all when changes.reset), replaces
/// its measurements; `m.edited` is set when the rule says so or when an input it reads was edited. Sets
/// changes.measurements when anything was recomputed.
void runMeasurementRules(const std::vector<MeasurementRule>& rules, const Series& series, SeriesAnnotations& annotations,
                         ChangeSet& changes);

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
  /// Runs several commands (on one or more series) as one undo step named `text`; observers hear once per
  /// command. When one throws, those already applied are undone and the exception propagates (nothing changes).
  void execute(std::vector<std::unique_ptr<Command>> commands, const std::string& text);
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

  /// Brings back saved annotations (a session read from disk) for the series that have none yet, leaving the others
  /// as they are. The undo history stays (its commands act on other series); the redo tail goes, since it may name a
  /// restored series. Notifies once per restored series (reset = true). Returns the series restored.
  std::vector<std::string> restore(std::map<std::string, SeriesAnnotations> saved);

  /// Registers an observer; returns a handle for removeObserver.
  int addObserver(Observer observer);
  /// Unregisters an observer.
  void removeObserver(int handle);
  /// Adds a measurement rule (a module's); rules run after every command, before observers.
  void addRule(MeasurementRule rule) { m_rules.push_back(std::move(rule)); }
  /// The rules in force.
  const std::vector<MeasurementRule>& rules() const { return m_rules; }
  /// Makes a loaded series known (rules need its geometry); annotations of unknown series get no measurements.
  void attachSeries(std::shared_ptr<const Series> series);
  /// Forgets every attached series (annotations stay).
  void detachAllSeries() { m_images.clear(); }
  /// The attached series with this uid, or nullptr.
  std::shared_ptr<const Series> series(const std::string& seriesUid) const;
  /// The measurements the rules would compute for `annotations` (a modified copy of a series', e.g. during a
  /// drag preview) without changing the document.
  std::map<std::string, Measurement> preview(const std::string& seriesUid, SeriesAnnotations annotations,
                                             const ChangeSet& changes) const;

private:
  struct Step {
    std::vector<std::unique_ptr<Command>> commands;
    std::string text;
  };
  void applied(const std::string& seriesUid, ChangeSet changes);

  std::map<std::string, SeriesAnnotations> m_series;
  std::vector<Step> m_stack;
  std::size_t m_index = 0;
  std::map<int, Observer> m_observers;
  int m_nextHandle = 1;
  std::vector<MeasurementRule> m_rules;
  std::map<std::string, std::shared_ptr<const Series>> m_images;
};

}  // namespace openrad::core
