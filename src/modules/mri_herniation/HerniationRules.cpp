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
      f.typeScore += box.typeScore;
    }
    f.score /= static_cast<double>(f.boxes.size());
    f.typeScore /= static_cast<double>(f.boxes.size());
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

void LevelCounts::add(const std::vector<std::string>& levels, const std::vector<std::string>& truth,
                      const std::vector<std::string>& found, const std::vector<std::string>& ignored) {
  const auto in = [](const std::vector<std::string>& v, const std::string& x) { return std::find(v.begin(), v.end(), x) != v.end(); };
  for (const auto& level : levels) {
    if (in(ignored, level)) continue;
    const bool t = in(truth, level), f = in(found, level);
    tp += t && f, fn += t && !f, fp += !t && f, tn += !t && !f;
  }
}

WindowTruth levelsInWindow(const std::map<int, std::vector<SliceBox>>& truthBoxes, const std::vector<int>& slicesRead,
                           const std::vector<std::string>& herniatedLevels, int minSlices) {
  WindowTruth w;
  std::set<std::string> done;
  for (const auto& level : herniatedLevels) {
    if (!done.insert(level).second) continue;
    int seen = 0;
    for (int s : slicesRead) {
      const auto it = truthBoxes.find(s);
      if (it != truthBoxes.end() &&
          std::any_of(it->second.begin(), it->second.end(), [&](const SliceBox& b) { return b.level == level && !b.difficult; }))
        ++seen;
    }
    (seen >= minSlices ? w.visible : w.beyond).push_back(level);
  }
  return w;
}

std::vector<std::string> levelsOf(const std::vector<Finding>& findings) {
  std::vector<std::string> out;
  for (const auto& f : findings) out.push_back(f.level);
  return out;
}

double iou(const SliceBox& a, const SliceBox& b) {
  const double ax = a.max.x() - a.min.x(), ay = a.max.y() - a.min.y(), bx = b.max.x() - b.min.x(), by = b.max.y() - b.min.y();
  if (ax <= 0 || ay <= 0 || bx <= 0 || by <= 0) return 0;
  const double ix = std::min(a.max.x(), b.max.x()) - std::max(a.min.x(), b.min.x());
  const double iy = std::min(a.max.y(), b.max.y()) - std::max(a.min.y(), b.min.y());
  if (ix <= 0 || iy <= 0) return 0;
  const double inter = ix * iy;
  return inter / (ax * ay + bx * by - inter);
}

PrCurve averagePrecision(const std::vector<std::vector<SliceBox>>& detections,
                         const std::vector<std::vector<SliceBox>>& truths, double iouThreshold) {
  struct Det {
    double score;
    std::size_t image, index;
  };
  std::vector<Det> all;
  std::size_t positives = 0;
  for (std::size_t i = 0; i < detections.size(); ++i)
    for (std::size_t k = 0; k < detections[i].size(); ++k) all.push_back({detections[i][k].score, i, k});
  for (const auto& t : truths)
    positives += static_cast<std::size_t>(std::count_if(t.begin(), t.end(), [](const SliceBox& b) { return !b.difficult; }));
  std::stable_sort(all.begin(), all.end(), [](const Det& a, const Det& b) { return a.score > b.score; });
  std::vector<std::vector<bool>> used(truths.size());
  for (std::size_t i = 0; i < truths.size(); ++i) used[i].assign(truths[i].size(), false);
  PrCurve c;
  double tp = 0, fp = 0;
  for (const Det& d : all) {
    double bestIou = iouThreshold;
    int best = -1;
    if (d.image < truths.size())
      for (std::size_t t = 0; t < truths[d.image].size(); ++t) {
        if (used[d.image][t]) continue;
        const double o = iou(detections[d.image][d.index], truths[d.image][t]);
        if (o >= bestIou) bestIou = o, best = static_cast<int>(t);
      }
    // A detection on a difficult sliver (the best match, or any sliver holding its centre) is neither found nor false.
    const auto onSliver = [&](const SliceBox& t) {
      const SliceBox& box = detections[d.image][d.index];
      const Eigen::Vector2d c = box.centre();
      return t.difficult && (iou(box, t) >= iouThreshold ||
                             ((c.array() >= t.min.array() - 1.5).all() && (c.array() <= t.max.array() + 1.5).all()));
    };
    if (d.image < truths.size() &&
        (best >= 0 ? truths[d.image][static_cast<std::size_t>(best)].difficult
                   : std::any_of(truths[d.image].begin(), truths[d.image].end(), onSliver)))
      continue;
    if (best >= 0) {
      used[d.image][static_cast<std::size_t>(best)] = true;
      ++tp;
    } else {
      ++fp;
    }
    c.scores.push_back(d.score);
    c.precision.push_back(tp / (tp + fp));
    c.recall.push_back(positives ? tp / static_cast<double>(positives) : 0.0);
  }
  if (positives == 0) return c;
  // All-point interpolation: precision made monotone from the right, integrated over the recall steps.
  double ap = 0, previousRecall = 0;
  std::vector<double> envelope = c.precision;
  for (std::size_t i = envelope.size(); i-- > 1;) envelope[i - 1] = std::max(envelope[i - 1], envelope[i]);
  for (std::size_t i = 0; i < envelope.size(); ++i) {
    ap += (c.recall[i] - previousRecall) * envelope[i];
    previousRecall = c.recall[i];
  }
  c.ap = ap;
  return c;
}

}  // namespace openrad::modules::mri_herniation
