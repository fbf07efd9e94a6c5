#pragma once

#include <string>
#include <vector>

namespace openrad::core {

/// Fields of one CSV record (RFC 4180 quoting, no embedded line breaks; a trailing CR is dropped).
std::vector<std::string> csvFields(const std::string& line);

}  // namespace openrad::core
