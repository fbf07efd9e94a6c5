#include "openrad/core/Annotations.h"

#include <algorithm>

namespace openrad::core {

const Landmark* LandmarkSet::find(const std::string& pointName) const {
  auto it = std::find_if(points.begin(), points.end(), [&](const Landmark& l) { return l.name == pointName; });
  return it == points.end() ? nullptr : &*it;
}

Landmark* LandmarkSet::find(const std::string& pointName) {
  return const_cast<Landmark*>(static_cast<const LandmarkSet*>(this)->find(pointName));
}

}  // namespace openrad::core
