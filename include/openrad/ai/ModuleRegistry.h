#pragma once

#include "openrad/ai/AiModule.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace openrad::ai {

/// The known AI modules and how to build them from a models root folder (models/<id>/).
/// The models root the programs use: $OPENRAD_MODELS when set, else the first of
/// <executable dir>/../share/openrad/models, <executable dir>/../models, <executable dir>/../../models and the
/// source tree's models/ (a build-tree run) that holds a module folder. Returns "" when none exists.
std::string defaultModelsRoot();

class ModuleRegistry {
public:
  /// Builds a module from its model folder (models/<id>); throws ModelError when the model is unusable.
  using Factory = std::function<std::unique_ptr<AiModule>(const std::string& modelDir, const RunContext& context)>;

  /// Registry with every built-in module (one line per module in ModuleRegistry.cpp).
  static ModuleRegistry builtIn();

  /// Adds a module id and its factory (replaces an existing id).
  void add(std::string id, Factory factory);
  /// Registered ids, in registration order.
  std::vector<std::string> ids() const;
  /// True when `id` is registered.
  bool contains(const std::string& id) const;
  /// Loads module `id` from `modelsRoot`/`id`; throws std::invalid_argument for an unknown id,
  /// ModelError for a missing or tampered model.
  std::unique_ptr<AiModule> create(const std::string& id, const std::string& modelsRoot,
                                   const RunContext& context = {}) const;

private:
  std::vector<std::pair<std::string, Factory>> m_modules;
};

}  // namespace openrad::ai
