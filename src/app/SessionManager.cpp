#include "openrad/app/SessionManager.h"

#include "openrad/core/AtomicWrite.h"
#include "openrad/io/SessionStore.h"

#include <filesystem>

namespace fs = std::filesystem;

namespace openrad::app {

SessionManager::SessionManager(core::Document& document, std::string root,
                               std::function<void(const std::string&)> onProblem)
    : m_document(document), m_root(std::move(root)), m_onProblem(std::move(onProblem)) {
  m_observer = m_document.addObserver([this](const core::ChangeSet&) {
    for (auto& [uid, store] : m_stores) {
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

std::string SessionManager::folderFor(const std::string& studyUid) const {
  const std::string name = core::safeFileName(studyUid);
  return (fs::path(m_root) / (name.empty() ? std::string("no-study-uid") : name)).string();
}

std::vector<std::string> SessionManager::open(const core::LoadResult& loaded) {
  std::vector<std::string> folders;
  auto merged = m_document.all();
  bool changed = false;
  for (const core::Patient& patient : loaded.patients)
    for (const core::Study& study : patient.studies) {
      const std::string uid = study.info.studyUid;
      std::set<std::string>& keys = m_series[uid];
      std::set<std::string> fresh;
      for (const auto& s : study.series)
        if (keys.insert(s->info.seriesUid).second) fresh.insert(s->info.seriesUid);
      if (keys.insert(core::studyKey(uid)).second) fresh.insert(core::studyKey(uid));
      auto it = m_stores.find(uid);
      if (it == m_stores.end()) {
        std::error_code ec;
        fs::create_directories(folderFor(uid), ec);
        if (ec) {
          if (m_onProblem) m_onProblem("No writable place for the session of study " + uid + ": edits will not be saved");
          continue;
        }
        it = m_stores.emplace(uid, std::make_unique<io::SessionStore>(folderFor(uid))).first;
      }
      io::SessionStore& store = *it->second;
      // Only series this window did not have yet come back from disk; what is in memory is newer.
      store.setSeries(fresh);
      std::map<std::string, core::SeriesAnnotations> saved;
      try {
        saved = store.load();
      } catch (const std::exception& e) {
        // Never autosave over a session we could not read: the user may still recover it by hand.
        if (m_onProblem) m_onProblem(std::string("Saved session not loaded, and left untouched: ") + e.what());
        m_stores.erase(it);
        continue;
      }
      store.setSeries(keys);
      folders.push_back(store.folder());
      for (auto& [key, a] : saved) {
        if (m_document.annotations(key).empty()) {
          merged[key] = std::move(a);
          changed = true;
        }
      }
    }
  if (changed) m_document.reset(std::move(merged));  // notifies, which also re-saves every open session
  return folders;
}

void SessionManager::closeAll() {
  m_stores.clear();
  m_series.clear();
}

std::vector<std::string> SessionManager::folders() const {
  std::vector<std::string> out;
  for (const auto& [uid, s] : m_stores) out.push_back(s->folder());
  return out;
}

}  // namespace openrad::app
