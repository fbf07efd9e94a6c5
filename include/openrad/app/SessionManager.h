#pragma once

#include "openrad/core/Document.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace openrad::io {
class SessionStore;
}

namespace openrad::app {

/// Keeps one autosaved session per opened study: loads saved annotations into the document when the
/// study opens and saves after every command. Save failures are reported, never thrown into Qt.
class SessionManager {
public:
  /// `fallbackRoot`: where sessions go when the study's own folder is read-only (e.g. a CD).
  SessionManager(core::Document& document, std::string fallbackRoot,
                 std::function<void(const std::string& message)> onProblem);
  ~SessionManager();
  SessionManager(const SessionManager&) = delete;
  SessionManager& operator=(const SessionManager&) = delete;

  /// Opens the session for series loaded from `studyPath`; returns its folder (empty when none).
  std::string open(const std::string& studyPath, const std::vector<std::string>& seriesUids);
  /// Stops saving (before the document is cleared, so saved sessions are not overwritten).
  void closeAll();
  /// Folders of the open sessions.
  std::vector<std::string> folders() const;

private:
  std::string writableFolderFor(const std::string& studyPath) const;

  core::Document& m_document;
  std::string m_fallbackRoot;
  std::function<void(const std::string&)> m_onProblem;
  std::vector<std::unique_ptr<io::SessionStore>> m_stores;
  int m_observer = 0;
};

}  // namespace openrad::app
