#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelManifest.h"
#include "openrad/modules/Module.h"

#include <filesystem>
#include <stdexcept>

namespace openrad::modules {

Registry Registry::builtIn() {
  Registry r;
  registerBuiltInModules(r);
  return r;
}

void Registry::add(Module module) {
  for (auto& m : m_modules)
    if (m.id == module.id) {
      m = std::move(module);
      return;
    }
  m_modules.push_back(std::move(module));
}

std::vector<std::string> Registry::ids() const {
  std::vector<std::string> out;
  for (const auto& m : m_modules) out.push_back(m.id);
  return out;
}

const Module* Registry::find(const std::string& id) const {
  for (const auto& m : m_modules)
    if (m.id == id) return &m;
  return nullptr;
}

std::unique_ptr<ai::AiModule> Registry::create(const std::string& id, const std::string& modelsRoot,
                                               const ai::RunContext& context) const {
  const Module* m = find(id);
  if (!m || !m->create) throw std::invalid_argument("unknown AI module '" + id + "'");
  if (m->needsModel && modelsRoot.empty())
    throw ai::ModelError("models/" + id, "no models folder found (set OPENRAD_MODELS to the folder holding " + id + "/)");
  return m->create((std::filesystem::path(modelsRoot) / id).string(), context);
}

std::string Registry::modelNote(const std::string& id, const std::string& modelsRoot) const {
  const Module* m = find(id);
  const std::string dir = (std::filesystem::path(modelsRoot) / id).string();
  try {
    if (m && m->modelNote) return m->modelNote(dir);
    return ai::ModelManifest::read(dir).userNote();
  } catch (const std::exception&) {
    return id + ": model manifest not found; AI findings must be reviewed, not for diagnostic use.";
  }
}

void Registry::installRules(core::Document& document) const {
  for (const auto& m : m_modules)
    for (const auto& rule : m.rules) document.addRule(rule);
}

report::Presentations Registry::presentations() const {
  report::Presentations out;
  for (const auto& m : m_modules) out[m.id] = m.presentation;
  return out;
}

}  // namespace openrad::modules
