#include "openrad/app/SessionManager.h"

#include "openrad/core/AtomicWrite.h"
#include "openrad/io/SessionStore.h"

#include <QMetaObject>
#include <QObject>

#include <array>
#include <filesystem>

namespace fs = std::filesystem;

namespace openrad::app {

struct SessionManager::Session {
  std::unique_ptr<io::SessionStore> store;
  /// Read from disk, not yet back in the document: a save now would write the document without it.
  bool restoring = false;
};

SessionManager::SessionManager(core::Document& document, std::string root,
                               std::function<void(const std::string&)> onProblem)
    : m_document(document),
      m_root(std::move(root)),
      m_onProblem(std::move(onProblem)),
      m_context(std::make_unique<QObject>()),
      m_writer([this](const std::string& what) { problem("Session: " + what); }) {
  m_observer = m_document.addObserver([this](const core::ChangeSet&) { requestSave(); });
}

SessionManager::~SessionManager() {
  m_document.removeObserver(m_observer);
  m_writer.flush();   // every queued save is written; calls it still sends to the GUI thread are dropped with
  m_context.reset();  // the context
}

void SessionManager::toGui(std::function<void()> task) {
  QMetaObject::invokeMethod(m_context.get(), std::move(task), Qt::QueuedConnection);
}

void SessionManager::problem(const std::string& message) {
  toGui([this, message] {
    if (m_onProblem) m_onProblem(message);
  });
}

void SessionManager::flush() { m_writer.flush(); }

void SessionManager::whenDone(std::function<void()> callback) {
  m_writer.post([this, callback = std::move(callback)] { toGui(callback); });
}

SessionManager::Snapshot SessionManager::latest() {
  std::lock_guard<std::mutex> lock(m_mutex);
  return m_latest;
}

void SessionManager::requestSave() {
  // The snapshot shares the label images (immutable) with the document: copying it is cheap, and the writer never
  // sees a half-applied command.
  auto snapshot = std::make_shared<const std::map<std::string, core::SeriesAnnotations>>(m_document.all());
  {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_latest = std::move(snapshot);
  }
  // One save waiting is enough: it writes the latest snapshot when it starts, however many commands came since.
  m_writer.postOnce("save", [this] {
    const Snapshot snapshot = latest();
    for (auto& [uid, session] : m_sessions)
      if (!session->restoring) saveStore(*session, snapshot);
  });
}

void SessionManager::saveStore(Session& session, const Snapshot& snapshot) {
  if (!snapshot) return;
  try {
    session.store->save(*snapshot);
  } catch (const std::exception& e) {
    // The edit itself stands in memory; the user is told the disk copy is behind.
    problem(std::string("Autosave failed: ") + e.what());
  }
}

std::string SessionManager::folderFor(const std::string& studyUid) const {
  const std::string name = core::safeFileName(studyUid);
  return (fs::path(m_root) / (name.empty() ? std::string("no-study-uid") : name)).string();
}

std::vector<std::string> SessionManager::open(const core::LoadResult& loaded) {
  std::vector<std::string> folders;
  for (const core::Patient& patient : loaded.patients)
    for (const core::Study& study : patient.studies) {
      const std::string uid = study.info.studyUid;
      std::set<std::string>& keys = m_series[uid];
      std::set<std::string> fresh;
      for (const auto& s : study.series)
        if (keys.insert(s->info.seriesUid).second) fresh.insert(s->info.seriesUid);
      if (keys.insert(core::studyKey(uid)).second) fresh.insert(core::studyKey(uid));
      const std::string folder = folderFor(uid);
      m_folders[uid] = folder;
      folders.push_back(folder);
      std::map<std::string, std::array<std::int64_t, 3>> grids;  // a saved label map must lie on its series' grid
      for (const auto& s : study.series)
        if (s->image) grids[s->info.seriesUid] = s->image->geometry().size;
      m_writer.post([this, uid, folder, fresh, keys, grids, generation = m_generation] {
        auto it = m_sessions.find(uid);
        if (it == m_sessions.end()) {
          std::error_code ec;
          fs::create_directories(folder, ec);
          if (ec) {
            problem("No writable place for the session of study " + uid + ": edits will not be saved");
            toGui([this, uid, generation] {
              if (generation == m_generation) m_folders.erase(uid);
            });
            return;
          }
          auto session = std::make_unique<Session>();
          session->store = std::make_unique<io::SessionStore>(folder);
          it = m_sessions.emplace(uid, std::move(session)).first;
        }
        Session& session = *it->second;
        // Only series this window did not have yet come back from disk; what is in memory is newer.
        session.store->setSeries(fresh);
        std::map<std::string, core::SeriesAnnotations> saved;
        try {
          saved = session.store->load();
        } catch (const std::exception& e) {
          // Never autosave over a session we could not read: the user may still recover it by hand.
          problem(std::string("Saved session not loaded, and left untouched: ") + e.what());
          m_sessions.erase(it);
          toGui([this, uid, generation] {
            if (generation == m_generation) m_folders.erase(uid);
          });
          return;
        }
        for (auto& [seriesUid, annotations] : saved)
          for (auto it = annotations.labelMaps.begin(); it != annotations.labelMaps.end();) {
            const auto grid = grids.find(seriesUid);
            if (grid != grids.end() && it->second.labels && it->second.labels->geometry().size != grid->second) {
              const auto& size = it->second.labels->geometry().size;
              problem("Saved label map \"" + it->first + "\" of series " + seriesUid + " is " + std::to_string(size[0]) +
                      " x " + std::to_string(size[1]) + " x " + std::to_string(size[2]) +
                      ", not the series' grid: not restored");
              it = annotations.labelMaps.erase(it);
            } else {
              ++it;
            }
          }
        session.store->setSeries(keys);
        session.restoring = true;
        toGui([this, uid, generation, saved = std::move(saved)]() mutable { restore(uid, generation, std::move(saved)); });
      });
    }
  return folders;
}

void SessionManager::restore(const std::string& uid, std::uint64_t generation,
                             std::map<std::string, core::SeriesAnnotations> saved) {
  if (generation != m_generation) return;  // closed meanwhile: the store is gone, the disk copy untouched
  m_document.restore(std::move(saved));
  requestSave();  // the latest snapshot now holds what came back (if anything did)
  m_writer.post([this, uid] {
    auto it = m_sessions.find(uid);
    if (it == m_sessions.end()) return;
    it->second->restoring = false;
    // Saves were skipped while it was being restored: write it once with the latest state the window holds.
    saveStore(*it->second, latest());
  });
}

void SessionManager::closeAll() {
  ++m_generation;
  m_series.clear();
  m_folders.clear();
  m_writer.post([this] { m_sessions.clear(); });
  m_writer.flush();  // every edit made so far is on disk before the document may be cleared
}

std::vector<std::string> SessionManager::folders() const {
  std::vector<std::string> out;
  for (const auto& [uid, folder] : m_folders) out.push_back(folder);
  return out;
}

}  // namespace openrad::app
