#pragma once

#include "openrad/core/Document.h"
#include "openrad/core/Study.h"

#include "openrad/core/SerialWorker.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

class QObject;

namespace openrad::io {
class SessionStore;
}

namespace openrad::app {

/// Keeps one autosaved session per opened study, keyed by its StudyInstanceUID (plain images get a UID from their
/// content), so one image has one session wherever it is opened from.
///
/// All disk work runs on one writer thread, in order, never on the GUI thread: reading a saved session when its study
/// opens (the annotations come back into the document on the GUI thread once read) and saving after commands. Saves
/// coalesce: however many commands arrive while one save is being written, the next save writes only the latest
/// state. Problems are reported through `onProblem` on the GUI thread, never thrown into Qt. Construct and call on
/// the GUI thread (a QApplication must exist).
class SessionManager {
public:
  /// `root`: the folder holding one session folder per study (the application's data folder).
  SessionManager(core::Document& document, std::string root, std::function<void(const std::string& message)> onProblem);
  /// Writes what is still queued (nothing the user did is lost), then stops the writer.
  ~SessionManager();
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  /// Opens the session of every study in `loaded` (joining an already open one of the same study) and starts
  /// reading their saved annotations; they are added to the document later, on the GUI thread, for the series that
  /// have none by then. Returns the session folders.
  std::vector<std::string> open(const core::LoadResult& loaded);
  /// Calls `callback` on the GUI thread once the disk work queued so far is done and what it read is in the document.
  void whenDone(std::function<void()> callback);
  /// Blocks until the disk work queued so far is done (saves written). Restored annotations still on their way to
  /// the GUI thread arrive with the next event-loop pass.
  void flush();
  /// The session folder of a study.
  std::string folderFor(const std::string& studyUid) const;
  /// Writes what is queued, then stops saving (before the document is cleared, so saved sessions stay on disk).
  void closeAll();
  /// Folders of the open sessions.
  std::vector<std::string> folders() const;

private:
  struct Session;
  using Snapshot = std::shared_ptr<const std::map<std::string, core::SeriesAnnotations>>;

  void toGui(std::function<void()> task);                ///< from the writer thread
  void problem(const std::string& message);              ///< from the writer thread
  void requestSave();                                    ///< GUI thread: after each change
  void saveStore(Session& session, const Snapshot& snapshot);  ///< writer thread
  Snapshot latest();                                     ///< any thread
  void restore(const std::string& uid, std::uint64_t generation,
               std::map<std::string, core::SeriesAnnotations> saved);  ///< GUI thread

  core::Document& m_document;
  std::string m_root;
  std::function<void(const std::string&)> m_onProblem;
  int m_observer = 0;

  // GUI thread only.
  std::map<std::string, std::set<std::string>> m_series;  ///< by StudyInstanceUID: the keys its store saves
  std::map<std::string, std::string> m_folders;           ///< by StudyInstanceUID: open sessions
  std::uint64_t m_generation = 0;                         ///< bumped by closeAll: late restores are dropped
  std::unique_ptr<QObject> m_context;                     ///< receives the writer's calls on the GUI thread

  // Writer thread only.
  std::map<std::string, std::unique_ptr<Session>> m_sessions;

  std::mutex m_mutex;
  Snapshot m_latest;  ///< the document's annotations after the last change; under m_mutex

  core::SerialWorker m_writer;  ///< last: stopped (after writing what is queued) before anything above goes
};

}  // namespace openrad::app
