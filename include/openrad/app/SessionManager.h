#pragma once

#include "openrad/core/Document.h"
#include "openrad/core/Study.h"

#include <functional>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

namespace openrad::io {
class SessionStore;
}

namespace openrad::app {

/// Keeps one autosaved session per opened study, keyed by its StudyInstanceUID (plain images get a UID from their
/// content), so one image has one session wherever it is opened from: loads saved annotations into the document
/// when the study opens and saves after every command. Save failures are reported, never thrown into Qt.
class SessionManager {
public:
  /// `root`: the folder holding one session folder per study (the application's data folder).
  SessionManager(core::Document& document, std::string root, std::function<void(const std::string& message)> onProblem);
  ~SessionManager();
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  /// Opens the session of every study in `loaded` (joining an already open one of the same study) and brings back
  /// their saved annotations; returns the folders.
  std::vector<std::string> open(const core::LoadResult& loaded);
  /// The session folder of a study.
  std::string folderFor(const std::string& studyUid) const;
  /// Stops saving (before the document is cleared, so saved sessions are not overwritten).
  void closeAll();
  /// Folders of the open sessions.
  std::vector<std::string> folders() const;

private:
  core::Document& m_document;
  std::string m_root;
  std::function<void(const std::string&)> m_onProblem;
  std::map<std::string, std::unique_ptr<io::SessionStore>> m_stores;  ///< by StudyInstanceUID
  std::map<std::string, std::set<std::string>> m_series;              ///< keys each store saves
  int m_observer = 0;
};

}  // namespace openrad::app
