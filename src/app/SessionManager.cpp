#include "openrad/app/SessionManager.h"

#include "openrad/io/SessionStore.h"

#include <filesystem>
#include <fstream>
#include <functional>
#include <set>

namespace fs = std::filesystem;

namespace openrad::app {

SessionManager::SessionManager(core::Document& document, std::string fallbackRoot,
                               std::function<void(const std::string&)> onProblem)
    : m_document(document), m_fallbackRoot(std::move(fallbackRoot)), m_onProblem(std::move(onProblem)) {
  m_observer = m_document.addObserver([this](const core::ChangeSet&) {
    for (auto& store : m_stores) {
      try {
        store->save(m_document);
      } catch (const std::exception& e) {
        // The edit itself stands in memory; the user is told the disk copy is behind.
        if (m_onProblem) m_onProblem(std::string("Autosave failed: ") + e.what());
      }
    }
  });
}

SessionManager::~SessionManager() { m_document.removeObserver(m_observer); }

static bool canWriteInto(const fs::path& folder) {
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec) return false;
  const fs::path probe = folder / ".openrad-write-probe";
  { std::ofstream out(probe); if (!out) return false; }
  fs::remove(probe, ec);
  return true;
}

std::string SessionManager::writableFolderFor(const std::string& studyPath) const {
  const std::string beside = io::SessionStore::defaultFolderFor(studyPath);
  if (fs::exists(beside) ? canWriteInto(beside) : canWriteInto(fs::path(beside).parent_path())) return beside;
  const fs::path fallback =
      fs::path(m_fallbackRoot) / (fs::path(beside).filename().string() + "-" +
                                  std::to_string(std::hash<std::string>{}(fs::absolute(studyPath).string())));
  return canWriteInto(fallback) ? fallback.string() : std::string();
}

std::string SessionManager::open(const std::string& studyPath, const std::vector<std::string>& seriesUids) {
  if (seriesUids.empty()) return {};
  const std::string folder = writableFolderFor(studyPath);
  if (folder.empty()) {
    if (m_onProblem) m_onProblem("No writable place for the session of " + studyPath + ": edits will not be saved");
    return {};
  }
  auto store = std::make_unique<io::SessionStore>(folder);
  store->setSeries({seriesUids.begin(), seriesUids.end()});
  std::map<std::string, core::SeriesAnnotations> saved;
  try {
    saved = store->load();
  } catch (const std::exception& e) {
    // Never autosave over a session we could not read: the user may still recover it by hand.
    if (m_onProblem) m_onProblem(std::string("Saved session not loaded, and left untouched: ") + e.what());
    return {};
  }
  m_stores.push_back(std::move(store));
  if (!saved.empty()) {
    auto merged = m_document.all();
    for (auto& [uid, a] : saved) merged[uid] = std::move(a);
    m_document.reset(std::move(merged));  // notifies, which also re-saves every open session
  }
  return folder;
}

void SessionManager::closeAll() { m_stores.clear(); }

std::vector<std::string> SessionManager::folders() const {
  std::vector<std::string> out;
  for (const auto& s : m_stores) out.push_back(s->folder());
  return out;
}

}  // namespace openrad::app
