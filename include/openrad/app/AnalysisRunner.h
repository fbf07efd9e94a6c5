#pragma once

#include "openrad/ai/AiModule.h"
#include "openrad/modules/Module.h"
#include "openrad/app/BackgroundJob.h"
#include "openrad/core/Study.h"

#include <QObject>
#include <QString>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace openrad::app {

/// What one background analysis produced.
struct AnalysisOutcome {
  ai::AnalysisInput input;
  QString moduleId;
  ai::Findings findings;
  QString error;     ///< non-empty when the run failed (the message names the model file or the reason)
  bool cancelled = false;
  std::string moduleVersion;
};

/// Runs AI modules on a worker thread with progress and cancel. A module is loaded once (on first use,
/// also on the worker thread) and kept for later runs.
class AnalysisRunner : public QObject {
  Q_OBJECT

public:
  /// `registry`: shared, not borrowed: the preload thread and the analysis read it until the runner is gone, and an
  /// owner (MainWindow) deletes its child runner only after its own members, its registry among them;
  /// `modelsRoot`: folder holding models/<module-id>/ (ai::defaultModelsRoot() when empty).
  AnalysisRunner(std::shared_ptr<const modules::Registry> registry, QString modelsRoot = {}, QObject* parent = nullptr);
  /// Cancels and waits for a preload still running (the analysis itself is cancelled and joined by its job).
  ~AnalysisRunner() override;

  /// The models root in use.
  const QString& modelsRoot() const { return m_modelsRoot; }
  /// True while an analysis runs.
  bool isRunning() const { return m_job.isRunning(); }
  /// Starts the module of `input` on it; false when one is already running or the input has no series.
  bool start(ai::AnalysisInput input);
  /// The module `id`, loaded on first use and kept (throws ai::ModelError, std::invalid_argument). Thread-safe.
  std::shared_ptr<const ai::AiModule> module(const std::string& id, const ai::RunContext& context = {});
  /// Loads every registered module on a background thread (once), so that asking a module what it proposes
  /// (candidates) does not load a model on the GUI thread. A module that fails to load is left for its first use,
  /// which reports why. Destroying the runner cancels the preload (modules that check RunContext::cancel stop).
  void preload();
  /// The outcome of the finished analysis (valid after finished()).
  AnalysisOutcome takeOutcome() { return m_job.takeOutcome(); }
  /// Blocks until the worker is done (finished() still arrives through the event loop).
  void wait() { m_job.wait(); }

public Q_SLOTS:
  /// Asks the running analysis to stop.
  void cancel() { m_job.cancel(); }

Q_SIGNALS:
  /// Progress 0..1 with a short text (emitted from the worker thread; queued to receivers).
  void progress(double fraction, const QString& text);
  /// The analysis ended (done, failed or cancelled): call takeOutcome().
  void finished();

private:
  std::shared_ptr<const modules::Registry> m_registry;  ///< before m_job and the preload: outlives both
  QString m_modelsRoot;
  std::mutex m_modulesMutex;
  std::map<std::string, std::shared_ptr<const ai::AiModule>> m_modules;
  std::atomic<bool> m_preloadCancelled{false};
  std::thread m_preloader;
  BackgroundJob<AnalysisOutcome> m_job;  ///< last: destroyed (cancelled and joined) before the modules
};

}  // namespace openrad::app
