#pragma once

#include <CLI/CLI.hpp>

namespace openrad::cli {

/// Adds `info PATH [--json]`.
void addInfoCommand(CLI::App& app);
/// Adds `phantom {spine-xray|spine-ct|lumbar-mri|head-ct} --count N --seed S --out DIR`.
void addPhantomCommand(CLI::App& app);
/// Adds `import aasce --images DIR --landmarks CSV --filenames CSV [--angles CSV] --out DIR`.
void addImportCommand(CLI::App& app);
/// Adds `bench {load|phantom}`.
void addBenchCommand(CLI::App& app);
/// Adds `analyze PATH --out DIR [--modules ID,...] [--models DIR] [--threads N] [--json]`: runs AI modules and
/// writes measurements.csv, landmarks.csv, findings.json, overlay.png and report.pdf per analysed series.
void addAnalyzeCommand(CLI::App& app);

/// Exit code of the sub-command that ran (set by its callback).
int& exitCode();

}  // namespace openrad::cli
