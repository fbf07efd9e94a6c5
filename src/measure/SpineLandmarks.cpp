#include "openrad/measure/SpineLandmarks.h"

#include <stdexcept>

namespace openrad::measure {

std::string apVertebraName(int vertebra) {
  if (vertebra < 0 || vertebra >= kApVertebrae)
    throw std::out_of_range("apVertebraName: index " + std::to_string(vertebra) + " outside 0..16");
  return vertebra < 12 ? "T" + std::to_string(vertebra + 1) : "L" + std::to_string(vertebra - 11);
}

std::string cornerSuffix(int corner) {
  static const char* const kSuffix[kCornersPerVertebra] = {"tl", "tr", "bl", "br"};
  if (corner < 0 || corner >= kCornersPerVertebra)
    throw std::out_of_range("cornerSuffix: corner " + std::to_string(corner) + " outside 0..3");
  return kSuffix[corner];
}

std::string apCornerName(int vertebra, int corner) {
  return apVertebraName(vertebra) + "." + cornerSuffix(corner);
}

std::string apCornerName(int index) {
  return apCornerName(index / kCornersPerVertebra, index % kCornersPerVertebra);
}

const std::vector<std::string>& apCornerNames() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> n;
    for (int i = 0; i < kApCorners; ++i) n.push_back(apCornerName(i));
    return n;
  }();
  return names;
}

int mirroredCornerIndex(int index) {
  // tl(0)↔tr(1), bl(2)↔br(3): flip the lowest bit of the corner.
  return index ^ 1;
}

ApCorners apCornersFrom(const core::LandmarkSet& set) {
  ApCorners corners;
  for (int i = 0; i < kApCorners; ++i) {
    const auto& name = apCornerNames()[static_cast<std::size_t>(i)];
    const core::Landmark* p = set.find(name);
    if (!p) throw std::invalid_argument("landmark set '" + set.name + "' has no corner " + name);
    corners[static_cast<std::size_t>(i)] = p->position.head<2>();
  }
  return corners;
}

core::LandmarkSet apLandmarkSet(const ApCorners& corners, const std::string& setName,
                                const core::Provenance& provenance, const std::vector<double>& confidences) {
  core::LandmarkSet set;
  set.name = setName;
  set.provenance = provenance;
  for (int i = 0; i < kApCorners; ++i) {
    const auto k = static_cast<std::size_t>(i);
    core::Landmark p;
    p.name = apCornerNames()[k];
    p.position = Eigen::Vector3d(corners[k].x(), corners[k].y(), 0.0);
    p.confidence = k < confidences.size() ? confidences[k] : 1.0;
    set.points.push_back(std::move(p));
  }
  return set;
}

}  // namespace openrad::measure
