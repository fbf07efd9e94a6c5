#pragma once

#include <QFuture>
#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <memory>
#include <utility>

namespace openrad::app {

/// The part every background worker of the GUI shares (study loading, AI analysis): one job at a time on
/// Qt's thread pool, a fresh cancel flag per job, the outcome kept until taken, and a finished callback on
/// the GUI thread. Destruction cancels the job and waits for it.
template <class Outcome>
class BackgroundJob {
public:
  /// `onFinished` runs on the owner's thread when a job ended; takeOutcome() then has its result.
  explicit BackgroundJob(std::function<void()> onFinished) : m_onFinished(std::move(onFinished)) {
    QObject::connect(&m_watcher, &QFutureWatcher<Outcome>::finished, &m_watcher, [this] {
      m_outcome = m_watcher.result();
      m_running = false;
      m_onFinished();
    });
  }
  ~BackgroundJob() {
    cancel();
    m_watcher.disconnect();
    m_watcher.waitForFinished();
  }
  BackgroundJob(const BackgroundJob&) = delete;
  BackgroundJob& operator=(const BackgroundJob&) = delete;

  /// True from start() until the finished callback ran.
  bool isRunning() const { return m_running; }
  /// Starts `work(cancelFlag)` on the thread pool; false when a job is running.
  template <class Work>
  bool start(Work work) {
    if (m_running) return false;
    m_running = true;
    m_cancelled = std::make_shared<std::atomic<bool>>(false);
    m_watcher.setFuture(QtConcurrent::run([work = std::move(work), flag = m_cancelled]() { return work(flag); }));
    return true;
  }
  /// The outcome of the finished job (moved out).
  Outcome takeOutcome() { return std::exchange(m_outcome, Outcome()); }
  /// Blocks until the job is done (the finished callback still arrives through the event loop).
  void wait() { m_watcher.waitForFinished(); }
  /// Asks the running job to stop.
  void cancel() {
    if (m_cancelled) m_cancelled->store(true);
  }

private:
  std::function<void()> m_onFinished;
  QFutureWatcher<Outcome> m_watcher;
  std::shared_ptr<std::atomic<bool>> m_cancelled;
  Outcome m_outcome;
  bool m_running = false;
};

}  // namespace openrad::app
