#pragma once

#include "openrad/app/BackgroundJob.h"
#include "openrad/core/Study.h"
#include "openrad/io/Loader.h"

#include <QObject>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>

namespace openrad::app {

/// What a background load produced: everything that loaded, every problem, and whether it was
/// cancelled (what loaded before the cancel is kept).
struct LoadOutcome {
  core::LoadResult result;
  QStringList paths;
  bool cancelled = false;
};

/// Loads files and folders on a worker thread with progress and cancel; errors become issues.
class StudyLoader : public QObject {
  Q_OBJECT

public:
  /// The loading function (io::loadPath by default; tests may inject another).
  using LoadFunction = std::function<core::LoadResult(const std::string&, const io::LoadOptions&)>;

  explicit StudyLoader(QObject* parent = nullptr);

  /// Replaces the loading function.
  void setLoadFunction(LoadFunction function) { m_load = std::move(function); }
  /// True while a load runs.
  bool isRunning() const { return m_job.isRunning(); }
  /// Starts loading the paths in order; returns false when a load is already running.
  bool start(const QStringList& paths);
  /// The outcome of the finished load (valid after finished()).
  LoadOutcome takeOutcome() { return m_job.takeOutcome(); }
  /// Blocks until the worker is done (finished() still arrives through the event loop).
  void wait() { m_job.wait(); }

public Q_SLOTS:
  /// Asks the running load to stop at the next file.
  void cancel() { m_job.cancel(); }

Q_SIGNALS:
  /// Progress 0..1 with a short text; emitted from the worker thread (queued to receivers).
  void progress(double fraction, const QString& text);
  /// The load ended (done, failed or cancelled); call takeOutcome().
  void finished();

private:
  LoadFunction m_load;
  BackgroundJob<LoadOutcome> m_job;
};

}  // namespace openrad::app
