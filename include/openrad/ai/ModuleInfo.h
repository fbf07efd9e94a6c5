#pragma once

#include <string>
#include <vector>

namespace openrad::ai {

/// What an AI module is and what it works on.
struct ModuleInfo {
  std::string id;           ///< stable id, also the folder under models/
  std::string name;         ///< display name
  std::string version;      ///< model version (from the manifest), empty when no model is loaded
  std::vector<std::string> inputs;   ///< accepted inputs, e.g. "DX/CR AP spine radiograph (2D)"
  std::vector<std::string> outputs;  ///< produced annotations, e.g. "landmark set ap-corners (68 points)"
};

}  // namespace openrad::ai
