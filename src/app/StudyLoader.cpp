#include "openrad/app/StudyLoader.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <mutex>

namespace openrad::app {

StudyLoader::StudyLoader(QObject* parent) : QObject(parent), m_load(&io::loadPath) {
  connect(&m_watcher, &QFutureWatcher<LoadOutcome>::finished, this, [this] {
    m_outcome = m_watcher.result();
    m_running = false;
    Q_EMIT finished();
  });
}

StudyLoader::~StudyLoader() {
  if (m_cancelled) m_cancelled->store(true);
  m_watcher.disconnect(this);
  m_watcher.waitForFinished();
}

bool StudyLoader::start(const QStringList& paths) {
  if (isRunning()) return false;
  m_running = true;
  m_cancelled = std::make_shared<std::atomic<bool>>(false);
  auto cancelled = m_cancelled;
  LoadFunction load = m_load;
  // The worker only touches its own copies and this object's thread-safe signal emission.
  QFuture<LoadOutcome> future = QtConcurrent::run([this, paths, cancelled, load]() {
    LoadOutcome outcome;
    outcome.paths = paths;
    QElapsedTimer throttle;
    throttle.start();
    std::mutex throttleMutex;  // decoding threads may report progress concurrently
    const int count = static_cast<int>(paths.size());
    for (int index = 0; index < count && !cancelled->load(); ++index) {
      const QString path = paths[index];
      const std::string file = QFileInfo(path).absoluteFilePath().toStdString();
      io::LoadOptions options;
      options.cancelled = [cancelled] { return cancelled->load(); };
      options.progress = [this, &throttle, &throttleMutex, index, count, path](double fraction,
                                                                               const std::string& what) {
        {
          std::lock_guard<std::mutex> lock(throttleMutex);
          if (throttle.elapsed() < 40 && fraction < 1.0) return;
          throttle.restart();
        }
        const QString text = count > 1 ? QStringLiteral("%1 (%2/%3): %4")
                                             .arg(QFileInfo(path).fileName())
                                             .arg(index + 1)
                                             .arg(count)
                                             .arg(QString::fromStdString(what))
                                       : QString::fromStdString(what);
        Q_EMIT progress((index + std::clamp(fraction, 0.0, 1.0)) / count, text);
      };
      Q_EMIT progress(static_cast<double>(index) / count, tr("Opening %1").arg(QFileInfo(path).fileName()));
      try {
        outcome.result.merge(load(file, options));
      } catch (const io::Cancelled&) {
        outcome.cancelled = true;
      } catch (const io::IoError& error) {
        outcome.result.issues.push_back({core::LoadIssue::Severity::Error, error.file(), error.reason()});
      } catch (const std::exception& error) {
        outcome.result.issues.push_back({core::LoadIssue::Severity::Error, file, error.what()});
      }
    }
    if (cancelled->load()) outcome.cancelled = true;
    return outcome;
  });
  m_watcher.setFuture(future);
  return true;
}

LoadOutcome StudyLoader::takeOutcome() {
  LoadOutcome outcome = std::move(m_outcome);
  m_outcome = LoadOutcome();
  return outcome;
}

void StudyLoader::wait() { m_watcher.waitForFinished(); }

void StudyLoader::cancel() {
  if (m_cancelled) m_cancelled->store(true);
}

}  // namespace openrad::app
