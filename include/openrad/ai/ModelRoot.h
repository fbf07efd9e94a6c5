#pragma once

#include <string>

namespace openrad::ai {

/// The models root the programs use: $OPENRAD_MODELS when set, else the first of
/// <executable dir>/../share/openrad/models, <executable dir>/../models, <executable dir>/../../models and the
/// source tree's models/ (a build-tree run) that holds at least one model folder (<id>/manifest.json). Returns ""
/// when none exists.
std::string defaultModelsRoot();

}  // namespace openrad::ai
