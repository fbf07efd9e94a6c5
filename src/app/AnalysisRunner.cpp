#include "openrad/app/AnalysisRunner.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/core/Errors.h"

#include <QElapsedTimer>

namespace openrad::app {

AnalysisRunner::AnalysisRunner(std::shared_ptr<const modules::Registry> registry, QString modelsRoot, QObject* parent)
    : QObject(parent),
      m_registry(std::move(registry)),
      m_modelsRoot(modelsRoot.isEmpty() ? QString::fromStdString(ai::defaultModelsRoot()) : modelsRoot),
      m_job([this] { Q_EMIT finished(); }) {}

AnalysisRunner::~AnalysisRunner() {
  m_preloadCancelled.store(true);  // a window being closed does not wait for models nobody will use
  if (m_preloader.joinable()) m_preloader.join();
}

void AnalysisRunner::preload() {
  if (m_preloader.joinable()) return;
  m_preloader = std::thread([this] {
    ai::RunContext context;
    context.cancel = &m_preloadCancelled;
    for (const modules::Module& m : m_registry->modules()) {
      if (context.cancelled()) return;
      try {
        module(m.id, context);
      } catch (const std::exception&) {
        // Reported when the module is first used.
      }
    }
  });
}

std::shared_ptr<const ai::AiModule> AnalysisRunner::module(const std::string& id, const ai::RunContext& context) {
  std::lock_guard<std::mutex> lock(m_modulesMutex);
  auto it = m_modules.find(id);
  if (it != m_modules.end()) return it->second;
  std::shared_ptr<const ai::AiModule> m = m_registry->create(id, m_modelsRoot.toStdString(), context);
  m_modules[id] = m;
  return m;
}

bool AnalysisRunner::start(ai::AnalysisInput input) {
  if (input.series.empty()) return false;
  return m_job.start([this, input = std::move(input)](const std::shared_ptr<std::atomic<bool>>& cancelled) {
    AnalysisOutcome outcome;
    outcome.input = input;
    outcome.moduleId = QString::fromStdString(input.moduleId);
    QElapsedTimer throttle;
    throttle.start();
    ai::RunContext context;
    context.cancel = cancelled.get();
    context.progress = [this, &throttle](double fraction, const std::string& what) {
      if (throttle.elapsed() < 40 && fraction > 0.0 && fraction < 1.0) return;
      throttle.restart();
      Q_EMIT progress(fraction, QString::fromStdString(what));
    };
    try {
      Q_EMIT progress(0.0, tr("Loading model %1").arg(outcome.moduleId));
      const auto m = module(input.moduleId, context);
      outcome.moduleVersion = m->info().version;
      outcome.findings = m->run(input, context);
    } catch (const core::Cancelled&) {
      outcome.cancelled = true;
    } catch (const std::exception& error) {
      outcome.error = QString::fromStdString(error.what());
    }
    if (cancelled->load()) outcome.cancelled = true;
    return outcome;
  });
}

}  // namespace openrad::app
