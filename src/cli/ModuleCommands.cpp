#include "Commands.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelRoot.h"

#include <nlohmann/json.hpp>

#include <iomanip>
#include <iostream>

namespace openrad::cli {

void addBenchCommand(CLI::App& app, const modules::Registry& registry) {
  CLI::App* cmd = addDataBenchCommand(app);
  // One sub-command per module that has a benchmark.
  for (const modules::Module& m : registry.modules()) {
    if (!m.bench.setup) continue;
    auto* sub = cmd->add_subcommand(m.id, m.bench.help);
    auto runBench = m.bench.setup(*sub);
    sub->callback([runBench] { exitCode() = runBench(); });
  }
}

void addTrainCommand(CLI::App& app, const modules::Registry& registry) {
  auto* cmd = app.add_subcommand("train", "Train an AI module's model from a dataset folder (C++/LibTorch)");
  cmd->require_subcommand(1);
  for (const modules::Module& m : registry.modules()) {
    if (!m.train.setup) continue;
    auto* sub = cmd->add_subcommand(m.id, m.train.help);
    auto train = m.train.setup(*sub);
    sub->callback([train] { exitCode() = train(); });
  }
}

void addEvalCommand(CLI::App& app, const modules::Registry& registry) {
  auto* cmd = app.add_subcommand("eval", "Measure an AI module's accuracy and speed on a labelled (held-out) dataset");
  cmd->require_subcommand(1);
  for (const modules::Module& m : registry.modules()) {
    if (!m.eval.setup) continue;
    auto* sub = cmd->add_subcommand(m.id, m.eval.help);
    auto options = std::make_shared<modules::EvalOptions>();
    auto json = std::make_shared<bool>(false);
    sub->add_option("--data", options->data, "Held-out dataset folder (phantoms of another seed, or real data)")
        ->required();
    sub->add_option("--model", options->model, "Model folder (default: the shipped model of this module)");
    sub->add_option("--threads", options->threads, "CPU threads (0 = all cores)")->capture_default_str();
    sub->add_flag("--json", *json,
                  "Print one JSON object: module, number of cases, aggregate metrics and every case's truth and prediction");
    auto evaluate = m.eval.setup(*sub);
    sub->callback([evaluate, options, json] {
      const modules::EvalReport r = evaluate(*options);
      if (*json) {
        nlohmann::ordered_json j;
        j["module"] = r.module;
        j["modelVersion"] = r.modelVersion;
        j["dataset"] = r.dataset;
        j["cases"] = r.cases.size();
        nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
        for (const auto& [name, value] : r.metrics) metrics[name] = value;
        j["metrics"] = metrics;
        j["perCase"] = r.cases;
        std::cout << j.dump(2) << "\n";
      } else {
        for (const auto& line : r.text) std::cout << line << "\n";
      }
      exitCode() = 0;
    });
  }
}

void addModulesCommand(CLI::App& app, const modules::Registry& registry) {
  auto* cmd = app.add_subcommand("modules", "List the AI modules: id, version, inputs and outputs");
  auto json = std::make_shared<bool>(false);
  auto models = std::make_shared<std::string>();
  cmd->add_flag("--json", *json, "Print JSON");
  cmd->add_option("--models", *models, "Models root (default: the shipped models)");
  cmd->callback([&registry, json, models] {
    const std::string root = models->empty() ? ai::defaultModelsRoot() : *models;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    int unusable = 0;
    for (const modules::Module& m : registry.modules()) {
      nlohmann::ordered_json e = {{"id", m.id}, {"name", m.name}};
      try {
        const auto module = registry.create(m.id, root);
        const ai::ModuleInfo info = module->info();
        e["version"] = info.version;
        e["inputs"] = info.inputs;
        e["outputs"] = info.outputs;
      } catch (const std::exception& error) {
        ++unusable;
        e["version"] = "";
        e["error"] = error.what();
      }
      e["commands"] = nlohmann::ordered_json::array();
      for (const auto& [name, present] : {std::pair<const char*, bool>{"train", bool(m.train.setup)},
                                          {"eval", bool(m.eval.setup)},
                                          {"bench", bool(m.bench.setup)}})
        if (present) e["commands"].push_back(name);
      list.push_back(std::move(e));
    }
    if (*json) {
      std::cout << nlohmann::ordered_json{{"modelsRoot", root}, {"modules", list}}.dump(2) << "\n";
    } else {
      for (const auto& e : list) {
        std::cout << e["id"].get<std::string>() << " " << e["version"].get<std::string>() << "  "
                  << e["name"].get<std::string>() << "\n";
        if (e.contains("error")) std::cout << "  unusable: " << e["error"].get<std::string>() << "\n";
        if (e.contains("inputs"))
          for (const auto& s : e["inputs"]) std::cout << "  input:  " << s.get<std::string>() << "\n";
        if (e.contains("outputs"))
          for (const auto& s : e["outputs"]) std::cout << "  output: " << s.get<std::string>() << "\n";
      }
    }
    exitCode() = unusable > 0 ? 2 : 0;
  });
}

}  // namespace openrad::cli
