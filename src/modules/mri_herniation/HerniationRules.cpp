#include "openrad/modules/mri_herniation/HerniationRules.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <set>

namespace openrad::modules::mri_herniation {

std::vector<int> centralSlices(int sliceCount, int midSlice, int count) {
  std::vector<int> out;
  if (sliceCount <= 0 || count <= 0) return out;
  const int n = std::min(count, sliceCount);
  // Centred on the midline (for an even count the extra slice is on the lower-index side), then kept inside the series.
  int first = std::clamp(midSlice, 0, sliceCount - 1) - n / 2;
  first = std::clamp(first, 0, sliceCount - n);
  out.resize(static_cast<std::size_t>(n));
  std::iota(out.begin(), out.end(), first);
  return out;
}

std::string discLevelAt(const Eigen::Vector2d& point, const std::vector<std::pair<std::string, Eigen::Vector2d>>& bodies) {
  std::string best;
  double bestDistance = std::numeric_limits<double>::max();
  for (std::size_t i = 0; i + 1 < bodies.size(); ++i) {
    const Eigen::Vector2d a = bodies[i].second, b = bodies[i + 1].second, ab = b - a;
    const double length = ab.norm();
    if (length < 1e-9) continue;
    const double t = (point - a).dot(ab) / (length * length);
    if (t < 0 || t > 1) continue;  // not between these two bodies
    const double off = std::abs(ab.x() * (point - a).y() - ab.y() * (point - a).x()) / length;
    if (off > length || off >= bestDistance) continue;
    bestDistance = off, best = bodies[i].first + "-" + bodies[i + 1].first;
  }
  return best;
}

std::vector<Finding> consistentFindings(const std::vector<SliceBox>& boxes, double threshold, int minSlices,
                                        const std::vector<std::string>& levelOrder) {
  // Per level, the best box on each slice among those over the threshold.
  std::map<std::string, std::map<int, SliceBox>> perLevel;
  for (const auto& b : boxes) {
    if (b.level.empty() || b.score < threshold) continue;
    auto& slot = perLevel[b.level];
    const auto it = slot.find(b.slice);
    if (it == slot.end() || b.score > it->second.score) slot[b.slice] = b;
  }
  std::vector<std::string> order;
  for (const auto& level : levelOrder)
    if (perLevel.count(level) && std::find(order.begin(), order.end(), level) == order.end()) order.push_back(level);
  for (const auto& [level, slices] : perLevel)
    if (std::find(order.begin(), order.end(), level) == order.end()) order.push_back(level);
  std::vector<Finding> out;
  for (const auto& level : order) {
    const auto& slices = perLevel.at(level);
    if (static_cast<int>(slices.size()) < minSlices) continue;
    Finding f;
    f.level = level;
    for (const auto& [slice, box] : slices) {
      f.boxes.push_back(box);
      f.score += box.score;
    }
    f.score /= static_cast<double>(f.boxes.size());
    out.push_back(std::move(f));
  }
  return out;
}

std::string sideOf(const std::vector<double>& lateralMm, double centralMm) {
  if (lateralMm.empty()) return "central";
  const double mean = std::accumulate(lateralMm.begin(), lateralMm.end(), 0.0) / static_cast<double>(lateralMm.size());
  if (std::abs(mean) <= centralMm) return "central";
  return mean > 0 ? "left" : "right";
}

}  // namespace openrad::modules::mri_herniation
