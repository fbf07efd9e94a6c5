#include "openrad/app/DocumentAdapter.h"

#include <QMetaObject>

namespace openrad::app {

DocumentAdapter::DocumentAdapter(core::Document& document, QObject* parent) : QObject(parent), m_document(document) {
  m_observer = m_document.addObserver([this](const core::ChangeSet& changes) { merge(changes); });
}

DocumentAdapter::~DocumentAdapter() { m_document.removeObserver(m_observer); }

QString DocumentAdapter::undoText() const {
  const std::string text = m_document.undoText();
  return text.empty() ? tr("&Undo") : tr("&Undo %1").arg(QString::fromStdString(text));
}

QString DocumentAdapter::redoText() const {
  const std::string text = m_document.redoText();
  return text.empty() ? tr("&Redo") : tr("&Redo %1").arg(QString::fromStdString(text));
}

void DocumentAdapter::undo() { m_document.undo(); }

void DocumentAdapter::redo() { m_document.redo(); }

void DocumentAdapter::merge(const core::ChangeSet& changes) {
  if (m_pending.seriesUid.empty()) m_pending.seriesUid = changes.seriesUid;
  else if (m_pending.seriesUid != changes.seriesUid) m_pending.reset = true;  // several series touched
  m_pending.commandText = changes.commandText;
  m_pending.landmarks.insert(changes.landmarks.begin(), changes.landmarks.end());
  m_pending.landmarkSets = m_pending.landmarkSets || changes.landmarkSets;
  m_pending.labelMaps = m_pending.labelMaps || changes.labelMaps;
  m_pending.boxes = m_pending.boxes || changes.boxes;
  m_pending.measurements = m_pending.measurements || changes.measurements;
  m_pending.reset = m_pending.reset || changes.reset;
  if (!m_flushQueued) {
    m_flushQueued = true;
    QMetaObject::invokeMethod(this, [this] { flush(); }, Qt::QueuedConnection);
  }
}

void DocumentAdapter::flush() {
  m_flushQueued = false;
  const core::ChangeSet changes = std::move(m_pending);
  m_pending = core::ChangeSet();
  Q_EMIT undoStateChanged(m_document.canUndo(), m_document.canRedo());
  Q_EMIT changed(changes);
}

}  // namespace openrad::app
