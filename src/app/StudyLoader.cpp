#include "openrad/app/StudyLoader.h"

#include <QElapsedTimer>
#include <QFileInfo>

#include <algorithm>
#include <mutex>

namespace openrad::app {

StudyLoader::StudyLoader(QObject* parent)
    : QObject(parent), m_load(&io::loadPath), m_job([this] { Q_EMIT finished(); }) {}

bool StudyLoader::start(const QStringList& paths) {
  LoadFunction load = m_load;
  // The worker only touches its own copies and this object's thread-safe signal emission.
  return m_job.start([this, paths, load](const std::shared_ptr<std::atomic<bool>>& cancelled) {
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
}

}  // namespace openrad::app
