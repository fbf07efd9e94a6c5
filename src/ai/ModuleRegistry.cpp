#include "openrad/ai/ModuleRegistry.h"

#include "openrad/ai/XrayLandmarks.h"

#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <system_error>

namespace openrad::ai {

namespace fs = std::filesystem;

std::string defaultModelsRoot() {
  if (const char* env = std::getenv("OPENRAD_MODELS"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    const fs::path dir = exe.parent_path();
    candidates = {dir / ".." / "share" / "openrad" / "models", dir / ".." / "models", dir / ".." / ".." / "models"};
  }
#ifdef OPENRAD_SOURCE_MODELS_DIR
  candidates.emplace_back(OPENRAD_SOURCE_MODELS_DIR);
#endif
  for (const auto& c : candidates)
    if (fs::is_regular_file(c / kXrayLandmarksId / "manifest.json", ec)) return fs::weakly_canonical(c, ec).string();
  return {};
}

ModuleRegistry ModuleRegistry::builtIn() {
  ModuleRegistry r;
  // One line per module: id → factory from its model folder.
  r.add(kXrayLandmarksId, [](const std::string& dir, const RunContext& c) { return loadXrayLandmarkModule(dir, c); });
  return r;
}

void ModuleRegistry::add(std::string id, Factory factory) {
  for (auto& [existing, f] : m_modules)
    if (existing == id) {
      f = std::move(factory);
      return;
    }
  m_modules.emplace_back(std::move(id), std::move(factory));
}

std::vector<std::string> ModuleRegistry::ids() const {
  std::vector<std::string> out;
  for (const auto& [id, f] : m_modules) out.push_back(id);
  return out;
}

bool ModuleRegistry::contains(const std::string& id) const {
  for (const auto& [existing, f] : m_modules)
    if (existing == id) return true;
  return false;
}

std::unique_ptr<AiModule> ModuleRegistry::create(const std::string& id, const std::string& modelsRoot,
                                                 const RunContext& context) const {
  for (const auto& [existing, f] : m_modules)
    if (existing == id) return f((std::filesystem::path(modelsRoot) / id).string(), context);
  throw std::invalid_argument("unknown AI module '" + id + "'");
}

}  // namespace openrad::ai
