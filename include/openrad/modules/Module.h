#pragma once

#include "openrad/ai/AiModule.h"
#include "openrad/ai/RunContext.h"
#include "openrad/core/Document.h"
#include "openrad/report/Report.h"

#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace CLI {
class App;
}

namespace openrad::modules {

/// Options every `eval MODULE` run has.
struct EvalOptions {
  std::string data;   ///< labelled dataset folder (held out)
  std::string model;  ///< model folder (default: the shipped one)
  int threads = 0;    ///< CPU threads (0 = all cores)
};

/// What `eval MODULE` measured: aggregate metrics and one entry per case, so anyone can recompute other statistics.
struct EvalReport {
  std::string module;
  std::string modelVersion;
  std::string dataset;
  std::vector<std::pair<std::string, double>> metrics;  ///< aggregate, in print order
  nlohmann::ordered_json cases = nlohmann::ordered_json::array();  ///< {id, truth, predicted, ...} per case
  std::vector<std::string> text;  ///< the human-readable summary lines
};

/// A sub-command a module adds under `train`, `bench` (exit code) or `eval` (a report): `setup` adds the module's own
/// options to the CLI11 sub-command and returns what runs it.
struct CommandHook {
  std::string help;
  std::function<std::function<int()>(CLI::App& command)> setup;
};
struct EvalHook {
  std::string help;
  std::function<std::function<EvalReport(const EvalOptions&)>(CLI::App& command)> setup;
};

/// Everything of one module that the application, the command line and the reports use without naming it.
struct Module {
  std::string id;           ///< also its folder under models/
  std::string name;         ///< menu text, e.g. "AP spine radiograph: landmarks and Cobb angles"
  std::string description;  ///< status tip
  bool needsModel = true;   ///< its AiModule is built from models/<id>/ (manifest + weights)
  /// Builds the AiModule from its model folder (models/<id>); throws ai::ModelError.
  std::function<std::unique_ptr<ai::AiModule>(const std::string& modelDir, const ai::RunContext& context)> create;
  /// The note printed in reports ("<id> <version>, trained on ...; not for diagnostic use"); the default reads the
  /// model manifest.
  std::function<std::string(const std::string& modelDir)> modelNote;
  std::vector<core::MeasurementRule> rules;  ///< run by the Document after every command
  report::Presentation presentation;         ///< report section and overlay layer (both optional)
  CommandHook train;
  EvalHook eval;
  CommandHook bench;
};

/// The registered modules. app/, cli/ and report/ iterate over them; none of them names one.
class Registry {
public:
  /// Every built-in module (src/modules/BuiltinModules.cpp: one registration line per module).
  static Registry builtIn();

  /// Adds a module (replaces one with the same id).
  void add(Module module);
  /// Registered modules in registration order.
  const std::vector<Module>& modules() const { return m_modules; }
  /// Registered ids in registration order.
  std::vector<std::string> ids() const;
  /// The module with this id, or nullptr.
  const Module* find(const std::string& id) const;
  /// Builds module `id` from `modelsRoot`/`id`; throws std::invalid_argument for an unknown id, ai::ModelError for
  /// a missing or tampered model.
  std::unique_ptr<ai::AiModule> create(const std::string& id, const std::string& modelsRoot,
                                       const ai::RunContext& context = {}) const;
  /// The report note of module `id` (from its manifest when it has a model; a note naming the problem otherwise).
  std::string modelNote(const std::string& id, const std::string& modelsRoot) const;
  /// Adds every module's measurement rules to a document.
  void installRules(core::Document& document) const;
  /// Report sections and overlay layers by module id.
  report::Presentations presentations() const;

private:
  std::vector<Module> m_modules;
};

/// Registers the built-in modules into `registry` (defined in BuiltinModules.cpp).
void registerBuiltInModules(Registry& registry);

}  // namespace openrad::modules
