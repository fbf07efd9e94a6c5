#pragma once

#include "DataCommands.h"

#include "openrad/modules/Module.h"

#include <CLI/CLI.hpp>

namespace openrad::cli {

/// Adds `bench {load|phantom|MODULE}`: the data benchmarks and one per registered module that has one.
void addBenchCommand(CLI::App& app, const modules::Registry& registry);
/// Adds `analyze PATH --out DIR [--modules ID,...] [--models DIR] [--threads N] [--json]`: runs the modules on
/// what they propose from the loaded studies and writes one findings folder per study.
void addAnalyzeCommand(CLI::App& app, const modules::Registry& registry);
/// Adds `train MODULE ...` for every registered module with a trainer.
void addTrainCommand(CLI::App& app, const modules::Registry& registry);
/// Adds `eval MODULE --data DIR [--model DIR] [--threads N] [--json] ...` for every module with an evaluator.
void addEvalCommand(CLI::App& app, const modules::Registry& registry);
/// Adds `modules [--json]`: id, version, inputs and outputs of every registered module.
void addModulesCommand(CLI::App& app, const modules::Registry& registry);

/// The full command line over `registry` (the built-in one in the AI commands library; tests add their own modules).
int run(int argc, char** argv, const modules::Registry& registry);

}  // namespace openrad::cli
