#pragma once

#include "openrad/core/Document.h"

#include <QObject>
#include <QString>

namespace openrad::app {

/// Turns core::Document notifications into one Qt signal per event-loop pass (several commands
/// executed in one pass are merged) and exposes undo/redo as slots.
class DocumentAdapter : public QObject {
  Q_OBJECT

public:
  /// Observes `document`, which must outlive the adapter.
  explicit DocumentAdapter(core::Document& document, QObject* parent = nullptr);
  ~DocumentAdapter() override;

  /// The observed document.
  core::Document& document() { return m_document; }
  /// "Undo Move L3.sup.ant" style text for the Edit menu.
  QString undoText() const;
  /// "Redo ..." text for the Edit menu.
  QString redoText() const;

public Q_SLOTS:
  /// Undoes the last command.
  void undo();
  /// Redoes the next command.
  void redo();

Q_SIGNALS:
  /// The document changed; `changes` merges every change since the last emission.
  void changed(const openrad::core::ChangeSet& changes);
  /// Undo/redo availability or texts may have changed.
  void undoStateChanged(bool canUndo, bool canRedo);

private:
  void merge(const core::ChangeSet& changes);
  void flush();

  core::Document& m_document;
  int m_observer = 0;
  core::ChangeSet m_pending;
  bool m_flushQueued = false;
};

}  // namespace openrad::app
