#pragma once

// The commands that run no AI module: openrad-cli runs them without loading its AI commands library (LibTorch, Qt).
// Nothing here may include a module, report or Torch header (tests/architecture/test_layers.cpp checks).

#include <CLI/CLI.hpp>

namespace openrad::cli {

/// Adds `info PATH [--json]`.
void addInfoCommand(CLI::App& app);
/// Adds `phantom {spine-xray|spine-ct|lumbar-mri|head-ct} --count N --seed S --out DIR`.
void addPhantomCommand(CLI::App& app);
/// Adds `import aasce --images DIR --landmarks CSV --filenames CSV [--angles CSV] --out DIR`.
void addImportCommand(CLI::App& app);
/// Adds `bench` with the data benchmarks `load`, `decode` and `phantom`; returns it so that module benchmarks can join them.
CLI::App* addDataBenchCommand(CLI::App& app);

/// Exit code of the sub-command that ran (set by its callback).
int& exitCode();

/// The top-level application every command line of openrad-cli starts from.
void describeApp(CLI::App& app);
/// Parses argv into `app` and runs the chosen command: parse errors as CLI11 reports them, an io error as
/// "error: FILE: REASON" and any other exception as "error: WHAT", both with exit code 2.
int parseAndRun(CLI::App& app, int argc, char** argv);

/// True when argv names a command that runs no AI module (`info`, `phantom`, `import`, `bench load`,
/// `bench phantom`, `bench decode`, with their options); everything else (the module commands, help, errors) goes to the full
/// command line.
bool isDataCommand(int argc, char** argv);
/// The command line with the data commands only (what isDataCommand accepts).
int runDataCommands(int argc, char** argv);

/// File name of the AI commands library (the full command line over the built-in modules, with LibTorch).
inline constexpr const char* kModulesLibraryName = "openrad-cli-modules.so";
/// Loads the AI commands library and runs the full command line in it: $OPENRAD_CLI_MODULES when set, else
/// <exe dir>/../lib/openrad/ then <exe dir>/. A library that is missing, does not load, lacks the entry point or is of
/// another version is reported as "error: FILE: why" with exit code 2. Set OMP_WAIT_POLICY (applyThreadPolicy) first.
int runModuleCommands(int argc, char** argv);

}  // namespace openrad::cli
