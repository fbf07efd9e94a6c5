#pragma once

#include <string>

namespace openrad::core {

/// `v` with exactly `digits` decimals ("0.31"), as tables, warnings and logs print figures.
std::string fixed(double v, int digits);

}  // namespace openrad::core
