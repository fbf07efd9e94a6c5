#pragma once

#include <CLI/CLI.hpp>

namespace openrad::cli {

/// Adds `train xray-landmarks --data DIR --out DIR [--epochs N --seed S --threads T ...]`.
void addTrainCommand(CLI::App& app);
/// Adds `eval xray-landmarks --data DIR [--model DIR --threads T --record]`.
void addEvalCommand(CLI::App& app);

}  // namespace openrad::cli
