#include "openrad/app/AnalysisRunner.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModuleRegistry.h"
#include "openrad/io/IoError.h"

#include <QElapsedTimer>

namespace openrad::app {

AnalysisRunner::AnalysisRunner(QString modelsRoot, QObject* parent)
    : QObject(parent),
      m_modelsRoot(modelsRoot.isEmpty() ? QString::fromStdString(ai::defaultModelsRoot()) : modelsRoot),
      m_job([this] { Q_EMIT finished(); }) {}

std::shared_ptr<const ai::AiModule> AnalysisRunner::module(const std::string& id, const ai::RunContext& context) {
  std::lock_guard<std::mutex> lock(m_modulesMutex);
  auto it = m_modules.find(id);
  if (it != m_modules.end()) return it->second;
  if (m_modelsRoot.isEmpty())
    throw ai::ModelError("models/" + id, "no models folder found (set OPENRAD_MODELS to the folder holding " + id + "/)");
  std::shared_ptr<const ai::AiModule> m = ai::ModuleRegistry::builtIn().create(id, m_modelsRoot.toStdString(), context);
  m_modules[id] = m;
  return m;
}

bool AnalysisRunner::start(const QString& moduleId, std::shared_ptr<const core::Series> series) {
  if (!series || !series->image) return false;
  return m_job.start([this, moduleId, series](const std::shared_ptr<std::atomic<bool>>& cancelled) {
    AnalysisOutcome outcome;
    outcome.seriesUid = QString::fromStdString(series->info.seriesUid);
    outcome.moduleId = moduleId;
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
      Q_EMIT progress(0.0, tr("Loading model %1").arg(moduleId));
      const auto m = module(moduleId.toStdString(), context);
      outcome.moduleVersion = m->info().version;
      if (!m->accepts(*series))
        throw std::invalid_argument(m->info().name + " does not apply to this series (" + series->info.modality + " " +
                                    series->info.viewPosition + "): it needs " +
                                    (m->info().inputs.empty() ? std::string("another input") : m->info().inputs.front()));
      outcome.findings = m->run(*series, context);
    } catch (const io::Cancelled&) {
      outcome.cancelled = true;
    } catch (const std::exception& error) {
      outcome.error = QString::fromStdString(error.what());
    }
    if (cancelled->load()) outcome.cancelled = true;
    return outcome;
  });
}

}  // namespace openrad::app
