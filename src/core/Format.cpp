#include "openrad/core/Format.h"

#include <cstdio>

namespace openrad::core {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

}  // namespace openrad::core
