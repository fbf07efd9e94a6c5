#pragma once

#include "openrad/core/Study.h"

#include <string>
#include <vector>

namespace openrad::app {

/// Display window: values in [level - window/2, level + window/2] map to black..white.
struct WindowLevel {
  double window = 400.0;
  double level = 40.0;
  bool operator==(const WindowLevel& o) const { return window == o.window && level == o.level; }
  bool operator!=(const WindowLevel& o) const { return !(*this == o); }
};

/// A named window/level preset of the View menu.
struct WindowLevelPreset {
  std::string name;
  WindowLevel value;
  std::string shortcut;  ///< QKeySequence text, e.g. "F5"
};

/// The CT presets (brain, subdural, bone, soft tissue), in HU.
std::vector<WindowLevelPreset> ctWindowLevelPresets();
/// A window covering the 0.5–99.5 % intensity quantiles (MR, radiographs, unknown units).
WindowLevel autoWindowLevel(const core::Image& image);
/// The window a series opens with: the file's own, else soft tissue for CT, else automatic.
WindowLevel defaultWindowLevel(const core::Series& series);

}  // namespace openrad::app
