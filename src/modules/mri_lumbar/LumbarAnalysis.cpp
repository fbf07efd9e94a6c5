#include "openrad/core/Format.h"
#include "openrad/core/ConnectedParts.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"

#include "openrad/measure/MaskCorners.h"
#include "openrad/measure/SagittalSpine.h"
#include "openrad/measure/SpineMeasurements.h"
#include "openrad/modules/mri_lumbar/LumbarLabels.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <iomanip>
#include <map>
#include <numeric>
#include <sstream>
#include <stdexcept>

namespace openrad::modules::mri_lumbar {

namespace {

constexpr std::array<const char*, 4> kCornerSuffix = {"as", "ps", "ai", "pi"};

/// 6-connected parts of the voxels whose label satisfies `inside`, neighbours joining where `same(a, b)` holds for
/// their labels: the part of every voxel (-1 outside) and each part's size.
template <class Inside, class Same>
std::vector<std::int64_t> connectedParts(const core::Image& labels, const Inside& inside, const Same& same,
                                         std::vector<std::int32_t>& part) {
  const std::uint8_t* L = labels.as<std::uint8_t>();
  return core::connectedParts(
      labels.geometry().size, core::Connectivity::Face6, [&](std::int64_t v) { return inside(L[v]); },
      [&](std::int64_t a, std::int64_t b) { return same(L[a], L[b]); }, part);
}

/// One level per vertebral body: each connected piece of bone (any level) whose voxels mostly (>= 75 %) carry one level
/// gets that level throughout (a body the network split between two levels is one body); bone pieces smaller than a
/// tenth of the median piece are dropped.
void unifyBodies(core::Image& labels) {
  std::vector<std::int32_t> part;
  const std::vector<std::int64_t> sizes =
      connectedParts(labels, [](std::uint8_t v) { return isBody(v); }, [](std::uint8_t, std::uint8_t) { return true; }, part);
  if (sizes.empty()) return;
  std::uint8_t* L = labels.as<std::uint8_t>();
  const std::int64_t n = labels.geometry().voxelCount();
  std::vector<std::array<std::int64_t, kClasses>> votes(sizes.size());
  for (auto& v : votes) v.fill(0);
  for (std::int64_t v = 0; v < n; ++v)
    if (part[static_cast<std::size_t>(v)] >= 0) ++votes[static_cast<std::size_t>(part[static_cast<std::size_t>(v)])][L[v]];
  std::vector<std::int64_t> sorted = sizes;
  std::sort(sorted.begin(), sorted.end());
  const std::int64_t median = sorted[sorted.size() / 2];
  std::vector<int> assign(sizes.size(), -1);  // -1: keep the voxels' own levels; 0: drop
  for (std::size_t p = 0; p < sizes.size(); ++p) {
    if (sizes[p] * 10 < median) {
      assign[p] = 0;
      continue;
    }
    const auto& h = votes[p];
    const auto top = std::max_element(h.begin() + kT9, h.begin() + kS1 + 1);
    if (*top * 4 >= sizes[p] * 3) assign[p] = static_cast<int>(top - h.begin());
  }
  for (std::int64_t v = 0; v < n; ++v) {
    const std::int32_t p = part[static_cast<std::size_t>(v)];
    if (p >= 0 && assign[static_cast<std::size_t>(p)] >= 0) L[v] = static_cast<std::uint8_t>(assign[static_cast<std::size_t>(p)]);
  }
}

/// Keeps the largest 6-connected part of every class (stray islands become background).
void keepLargestParts(core::Image& labels) {
  std::vector<std::int32_t> part;
  const std::vector<std::int64_t> sizes =
      connectedParts(labels, [](std::uint8_t v) { return v != 0; }, [](std::uint8_t a, std::uint8_t b) { return a == b; }, part);
  std::uint8_t* L = labels.as<std::uint8_t>();
  const std::int64_t n = labels.geometry().voxelCount();
  std::array<std::int32_t, 256> largest;
  largest.fill(-1);
  for (std::int64_t v = 0; v < n; ++v) {
    const std::int32_t p = part[static_cast<std::size_t>(v)];
    if (p < 0) continue;
    std::int32_t& best = largest[L[v]];
    if (best < 0 || sizes[static_cast<std::size_t>(best)] < sizes[static_cast<std::size_t>(p)]) best = p;
  }
  for (std::int64_t v = 0; v < n; ++v)
    if (L[v] != 0 && largest[L[v]] != part[static_cast<std::size_t>(v)]) L[v] = 0;
}

}  // namespace

std::vector<core::LabelInfo> lumbarLabelTable() {
  std::vector<core::LabelInfo> t;
  for (int c = kT9; c <= kS1; ++c) {
    // Hue ramp from blue (T9) to red (S1), as the AP module colours T1 → L5.
    const double h = 240.0 * (1.0 - static_cast<double>(c - kT9) / (kS1 - kT9));
    const double x = 1.0 - std::abs(std::fmod(h / 60.0, 2.0) - 1.0);
    double r = 0, gg = 0, b = 0;
    if (h < 60) r = 1, gg = x;
    else if (h < 120) r = x, gg = 1;
    else if (h < 180) gg = 1, b = x;
    else b = 1, gg = x;
    t.push_back({c, className(c), {static_cast<std::uint8_t>(60 + 195 * r), static_cast<std::uint8_t>(60 + 195 * gg),
                                   static_cast<std::uint8_t>(60 + 195 * b)}});
  }
  t.push_back({kDisc, "disc", {240, 240, 120}});
  t.push_back({kCanal, "canal", {120, 220, 255}});
  return t;
}

LevelCheck checkLevels(core::Image& labels) {
  unifyBodies(labels);
  keepLargestParts(labels);
  const auto& g = labels.geometry();
  const std::uint8_t* L = labels.as<std::uint8_t>();
  std::array<double, kClasses> sumZ{};
  std::array<std::int64_t, kClasses> count{};
  std::int64_t v = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i, ++v)
        if (isBody(L[v])) {
          // LPS z: toward the head.
          sumZ[L[v]] += g.indexToPhysical(Eigen::Vector3d(static_cast<double>(i), static_cast<double>(j), static_cast<double>(k))).z();
          ++count[L[v]];
        }
  // A level whose body is a sliver (under 15 % of the median body: the network's stray call on part of another
  // body) is not a body: it would count as a level of its own.
  std::vector<std::int64_t> sizes;
  for (int c = kT9; c <= kS1; ++c)
    if (count[static_cast<std::size_t>(c)] > 0) sizes.push_back(count[static_cast<std::size_t>(c)]);
  std::sort(sizes.begin(), sizes.end());
  const std::int64_t medianBody = sizes.empty() ? 0 : sizes[sizes.size() / 2];
  std::vector<std::pair<double, int>> bodies;  // (z, class)
  for (int c = kT9; c <= kS1; ++c) {
    const auto uc = static_cast<std::size_t>(c);
    if (count[uc] == 0) continue;
    if (count[uc] * 100 < medianBody * 15) {
      std::uint8_t* W = labels.as<std::uint8_t>();
      for (std::int64_t q = 0; q < g.voxelCount(); ++q)
        if (W[q] == c) W[q] = 0;
      continue;
    }
    bodies.push_back({sumZ[uc] / static_cast<double>(count[uc]), c});
  }
  std::sort(bodies.begin(), bodies.end(), [](const auto& a, const auto& b) { return a.first > b.first; });  // cranial first
  LevelCheck r;
  if (bodies.empty()) {
    r.warnings.push_back("no vertebral body found");
    return r;
  }
  r.sacrumFound = bodies.back().second == kS1;
  bool ordered = true;
  for (std::size_t i = 1; i < bodies.size(); ++i) ordered = ordered && bodies[i].second > bodies[i - 1].second;
  // Steps between consecutive centroids; a step much longer than the typical one (the lower median, so that one
  // long step among few does not raise the yardstick) is a missing level.
  std::vector<double> steps;
  for (std::size_t i = 1; i < bodies.size(); ++i) steps.push_back(bodies[i - 1].first - bodies[i].first);
  double typical = 0;
  if (bodies.size() >= 3) {
    std::vector<double> sorted = steps;
    std::sort(sorted.begin(), sorted.end());
    typical = sorted[(sorted.size() - 1) / 2];
  }
  const auto levelsSkipped = [&](std::size_t i) {  // levels between body i and body i+1, counting the step as one
    return typical > 0 && steps[i] > 1.7 * typical ? std::max(2, static_cast<int>(std::lround(steps[i] / typical))) : 1;
  };
  // Each body's position in the column counted from the top one (a gap counts the levels it spans). The levels must
  // follow these positions: anchored on the sacrum when there is one, else on the level most bodies agree on (the
  // network may misname one body, rarely most of them).
  std::vector<int> position(bodies.size(), 0);
  for (std::size_t i = 1; i < bodies.size(); ++i) position[i] = position[i - 1] + levelsSkipped(i - 1);
  int offset = 0;
  bool majority = false;
  if (r.sacrumFound) {
    offset = kS1 - position.back();
  } else {
    std::map<int, int> votes;  // implied level of the top body -> bodies agreeing
    for (std::size_t i = 0; i < bodies.size(); ++i) ++votes[bodies[i].second - position[i]];
    int best = 0;
    for (std::size_t i = bodies.size(); i-- > 0;) {  // ties: the lower bodies' reading
      const int o = bodies[i].second - position[i];
      if (votes[o] > best) best = votes[o], offset = o;
    }
    majority = best * 2 > static_cast<int>(bodies.size());
  }
  std::map<int, int> relabel;
  if (r.sacrumFound || majority)
    for (std::size_t i = 0; i < bodies.size(); ++i) {
      const int expected = offset + position[i];
      if (expected < kT9 || expected > kS1 || (expected == kS1) != (bodies[i].second == kS1)) continue;
      if (expected != bodies[i].second) relabel[bodies[i].second] = expected;
    }
  if (!relabel.empty()) {
    std::uint8_t* W = labels.as<std::uint8_t>();
    for (std::int64_t q = 0; q < g.voxelCount(); ++q)
      if (auto it = relabel.find(W[q]); it != relabel.end()) W[q] = static_cast<std::uint8_t>(it->second);
    std::string list;
    for (const auto& [from, to] : relabel) list += (list.empty() ? "" : ", ") + className(from) + " \u2192 " + className(to);
    r.warnings.push_back(std::string(r.sacrumFound ? "levels re-counted from the sacrum ("
                                                   : "levels re-counted to follow the other bodies (") +
                         list + "): review the level labels");
    r.recounted = true;
    for (std::size_t i = 0; i < bodies.size(); ++i)
      if (auto it = relabel.find(bodies[i].second); it != relabel.end()) bodies[i].second = it->second;
  } else if (!ordered) {
    r.warnings.push_back("the levels are uncertain: the bodies are not in anatomical order (no sacrum to count from)");
  }
  if (!r.sacrumFound)
    r.warnings.push_back("no sacrum (S1) found: the levels are the network's own identification and uncertain; check that "
                         "the field of view reaches the sacrum");
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (levelsSkipped(i) > 1)
      r.warnings.push_back("a level may be missing between " + className(bodies[i].second) + " and " +
                           className(bodies[i + 1].second) + " (" + core::fixed(steps[i], 0) + " mm apart, typical " +
                           core::fixed(typical, 0) + " mm): the levels are uncertain");
  for (const auto& b : bodies) r.levels.push_back(b.second);
  return r;
}

int midSagittalSlice(const core::Image& labels, const measure::SagittalFrame& frame, std::string* how,
                     std::int64_t minCanalVoxels) {
  const auto& g = labels.geometry();
  const std::uint8_t* L = labels.as<std::uint8_t>();
  std::vector<std::int64_t> canal(static_cast<std::size_t>(g.size[static_cast<std::size_t>(frame.sliceAxis)])), bodies(canal.size());
  std::int64_t v = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i, ++v) {
        const std::int64_t idx[3] = {i, j, k};
        const auto s = static_cast<std::size_t>(idx[frame.sliceAxis]);
        if (L[v] == kCanal) ++canal[s];
        else if (L[v] >= kL1 && L[v] <= kS1) ++bodies[s];
      }
  const auto centre = [](const std::vector<std::int64_t>& h) {
    double sum = 0, n = 0;
    for (std::size_t s = 0; s < h.size(); ++s) sum += static_cast<double>(s) * static_cast<double>(h[s]), n += static_cast<double>(h[s]);
    return std::make_pair(n, n > 0 ? sum / n : -1.0);
  };
  const auto [nCanal, cCanal] = centre(canal);
  const auto [nBodies, cBodies] = centre(bodies);
  if (nCanal >= static_cast<double>(minCanalVoxels)) {
    if (how) *how = "the lateral centre of the segmented canal";
    return static_cast<int>(std::lround(cCanal));
  }
  if (nBodies > 0) {
    if (how) *how = "the lateral centre of the segmented L1\u2013S1 bodies";
    return static_cast<int>(std::lround(cBodies));
  }
  return -1;
}

std::map<int, Eigen::Vector2d> bodyCentroidsOnSlice(const core::Image& labels, const measure::SagittalFrame& frame,
                                                    int slice) {
  const auto& g = labels.geometry();
  const int cu = frame.columnAxis, cv = frame.rowAxis;
  std::map<int, std::pair<Eigen::Vector2d, int>> sums;
  std::int64_t idx[3];
  idx[frame.sliceAxis] = slice;
  for (std::int64_t y = 0; y < g.size[static_cast<std::size_t>(cv)]; ++y)
    for (std::int64_t x = 0; x < g.size[static_cast<std::size_t>(cu)]; ++x) {
      idx[cu] = x, idx[cv] = y;
      const int c = static_cast<int>(labels.value(idx[0], idx[1], idx[2]));
      if (c < kT9 || c > kS1) continue;
      // Eigen leaves a default-constructed vector uninitialised: start each sum at zero.
      auto [it, fresh] = sums.try_emplace(c, Eigen::Vector2d::Zero(), 0);
      it->second.first += Eigen::Vector2d(static_cast<double>(x), static_cast<double>(y));
      ++it->second.second;
    }
  std::map<int, Eigen::Vector2d> out;
  for (const auto& [c, s] : sums)
    if (s.second >= 16) out[c] = s.first / s.second;
  return out;
}

core::LandmarkSet cornersOnSlice(const core::Image& labels, const measure::SagittalFrame& frame, int slice,
                                 const core::Provenance& provenance) {
  const auto& g = labels.geometry();
  core::LandmarkSet set;
  set.name = kCornerSet;
  set.provenance = provenance;
  const int cu = frame.columnAxis, cv = frame.rowAxis;
  const int width = static_cast<int>(g.size[static_cast<std::size_t>(cu)]);
  const int height = static_cast<int>(g.size[static_cast<std::size_t>(cv)]);
  const std::map<int, Eigen::Vector2d> centroids = bodyCentroidsOnSlice(labels, frame, slice);
  std::int64_t idx[3];
  idx[frame.sliceAxis] = slice;
  measure::Mask2D mask;
  mask.width = width, mask.height = height;
  for (int c = kL1; c <= kS1; ++c) {
    mask.pixels.assign(static_cast<std::size_t>(width) * static_cast<std::size_t>(height), 0);
    for (int y = 0; y < height; ++y)
      for (int x = 0; x < width; ++x) {
        idx[cu] = x, idx[cv] = y;
        mask.pixels[static_cast<std::size_t>(y * width + x)] = labels.value(idx[0], idx[1], idx[2]) == c ? 1 : 0;
      }
    const bool sacrum = c == kS1;
    // The corners' first guess of "cranial" is the spine's own axis there (the line from the body below's centroid to
    // the one above's), not the image's: L5 and S1 are often turned 35-50 deg in the image, beyond where the image's
    // diagonals still tell the corners apart.
    Eigen::Vector2d cranial = frame.cranial, anterior = frame.anterior;
    const auto at = [&](int k) { return centroids.find(k); };
    if (at(c) != centroids.end()) {
      const auto up = at(c - 1), down = at(c + 1);
      Eigen::Vector2d axis = Eigen::Vector2d::Zero();
      if (up != centroids.end() && down != centroids.end()) axis = up->second - down->second;
      else if (up != centroids.end()) axis = up->second - at(c)->second;
      else if (down != centroids.end()) axis = at(c)->second - down->second;
      if (axis.norm() > 1e-6 && axis.normalized().dot(frame.cranial.normalized()) > std::cos(60.0 * M_PI / 180.0)) {
        cranial = axis.normalized();
        anterior = Eigen::Vector2d(-cranial.y(), cranial.x());
        if (anterior.dot(frame.anterior) < 0) anterior = -anterior;
      }
    }
    const auto corners = measure::bodyCornersFromMask(mask, anterior, cranial, sacrum);
    if (!corners) continue;
    const std::array<Eigen::Vector2d, 4> pts = {corners->body.anteriorSuperior, corners->body.posteriorSuperior,
                                                corners->body.anteriorInferior, corners->body.posteriorInferior};
    for (int k = 0; k < (sacrum ? 2 : 4); ++k) {
      core::Landmark l;
      l.name = className(c) + "." + kCornerSuffix[static_cast<std::size_t>(k)];
      l.position[cu] = pts[static_cast<std::size_t>(k)].x();
      l.position[cv] = pts[static_cast<std::size_t>(k)].y();
      l.position[frame.sliceAxis] = slice;
      l.confidence = corners->confidence[static_cast<std::size_t>(k)];
      set.points.push_back(l);
    }
  }
  return set;
}

namespace {

/// The bodies of a corner set in mm on its slice plane (orthonormal in-plane axes of the series).
std::map<int, measure::SagittalBody> bodiesInMm(const core::LandmarkSet& set, const core::Geometry& g,
                                                 const measure::SagittalFrame& frame) {
  const Eigen::Vector3d ex = g.direction.col(frame.columnAxis).normalized();
  const Eigen::Vector3d ey = (g.direction.col(frame.rowAxis) - g.direction.col(frame.rowAxis).dot(ex) * ex).normalized();
  const auto mm = [&](const core::Landmark& l) {
    const Eigen::Vector3d p = g.indexToPhysical(l.position);
    return Eigen::Vector2d(p.dot(ex), p.dot(ey));
  };
  std::map<int, measure::SagittalBody> out;
  for (int c = kL1; c <= kS1; ++c) {
    const std::string level = className(c);
    const core::Landmark* p[4];
    bool all = true;
    for (int k = 0; k < 4; ++k) {
      p[k] = set.find(level + "." + kCornerSuffix[static_cast<std::size_t>(k)]);
      if (k < 2 || c != kS1) all = all && p[k];
    }
    if (!all) continue;
    measure::SagittalBody b;
    b.level = level;
    b.anteriorSuperior = mm(*p[0]);
    b.posteriorSuperior = mm(*p[1]);
    b.hasInferior = c != kS1;
    if (b.hasInferior) b.anteriorInferior = mm(*p[2]), b.posteriorInferior = mm(*p[3]);
    out[c] = b;
  }
  return out;
}

std::vector<std::string> cornerNames(std::initializer_list<int> classes) {
  std::vector<std::string> names;
  for (int c : classes)
    for (int k = 0; k < (c == kS1 ? 2 : 4); ++k) names.push_back(className(c) + "." + kCornerSuffix[static_cast<std::size_t>(k)]);
  return names;
}

}  // namespace

std::vector<core::Measurement> lumbarMeasurements(const core::LandmarkSet& set, const core::Series& series) {
  if (!series.image) throw std::invalid_argument("no image");
  const auto& g = series.image->geometry();
  const auto f = measure::sagittalFrame(g);
  if (std::holds_alternative<std::string>(f)) throw std::invalid_argument(std::get<std::string>(f));
  const auto& frame = std::get<measure::SagittalFrame>(f);
  const std::map<int, measure::SagittalBody> b = bodiesInMm(set, g, frame);
  std::vector<core::Measurement> out;
  int order = 0;
  const auto add = [&](const std::string& id, const std::string& name, double value, const std::string& unit,
                       const std::string& group, std::vector<std::string> inputs) -> core::Measurement& {
    core::Measurement m;
    m.id = id;
    m.name = name;
    m.value = value;
    m.unit = unit;
    m.inputs = std::move(inputs);
    m.provenance = set.provenance;
    m.attributes["group"] = group;
    m.attributes["order"] = std::to_string(order++);
    m.edited = measure::anyInputEdited(set, m.inputs);
    out.push_back(std::move(m));
    return out.back();
  };
  const auto has = [&](int c) { return b.count(c) > 0; };
  // The slice the corners lie on.
  if (!set.points.empty()) {
    std::vector<double> ks;
    for (const auto& p : set.points) ks.push_back(p.position[frame.sliceAxis]);
    std::nth_element(ks.begin(), ks.begin() + static_cast<std::ptrdiff_t>(ks.size() / 2), ks.end());
    add("lumbar.slice", "Mid-sagittal slice (1-based)", std::round(ks[ks.size() / 2]) + 1, "", "Slice", {});
  }
  if (has(kL1) && has(kS1))
    add("lumbar.lordosis.L1-S1", "Lumbar lordosis L1\u2013S1", measure::segmentAngle(b.at(kL1), b.at(kS1)), "deg",
        "Lordosis", cornerNames({kL1, kS1}))
        .attributes["definition"] = "angle between the L1 and S1 superior endplates";
  if (has(kL1) && has(kL5))
    add("lumbar.lordosis.L1-L5", "Lordosis L1\u2013L5", measure::segmentAngleToInferior(b.at(kL1), b.at(kL5)), "deg",
        "Lordosis", cornerNames({kL1, kL5}))
        .attributes["definition"] = "angle between the L1 superior and L5 inferior endplates";
  if (has(kL4) && has(kS1))
    add("lumbar.lordosis.L4-S1", "Lordosis L4\u2013S1", measure::segmentAngle(b.at(kL4), b.at(kS1)), "deg", "Lordosis",
        cornerNames({kL4, kS1}))
        .attributes["definition"] = "angle between the L4 and S1 superior endplates";
  for (int c = kL1; c <= kL5; ++c) {
    if (!has(c)) continue;
    const measure::BodyHeights h = measure::bodyHeights(b.at(c));
    const std::string L = className(c);
    add("lumbar.body." + L + ".anterior", L + " anterior height", h.anterior, "mm", "Vertebral body heights", cornerNames({c}));
    add("lumbar.body." + L + ".middle", L + " middle height", h.middle, "mm", "Vertebral body heights", cornerNames({c}));
    add("lumbar.body." + L + ".posterior", L + " posterior height", h.posterior, "mm", "Vertebral body heights", cornerNames({c}));
  }
  for (int c = kL1; c <= kL5; ++c) {
    if (!has(c) || !has(c + 1)) continue;
    const std::string D = className(c) + "-" + className(c + 1);
    const measure::DiscHeights d = measure::discHeights(b.at(c), b.at(c + 1));
    const auto in = cornerNames({c, c + 1});
    add("lumbar.disc." + D + ".anterior", D + " anterior disc height", d.anterior, "mm", "Disc heights", in);
    add("lumbar.disc." + D + ".posterior", D + " posterior disc height", d.posterior, "mm", "Disc heights", in);
    add("lumbar.disc." + D + ".mean", D + " mean disc height (Dabbs)", d.mean, "mm", "Disc heights", in);
    add("lumbar.disc." + D + ".dhi", D + " disc height index", d.index, "", "Disc heights", in);
    const measure::Listhesis s = measure::listhesis(b.at(c), b.at(c + 1));
    auto& m = add("lumbar.listhesis." + D, D + " listhesis", s.percent, "%", "Listhesis", in);
    m.attributes["slip_mm"] = core::fixed(s.slip, 1);
    m.attributes["direction"] = s.retro ? "retrolisthesis" : (s.percent >= 1.0 ? "anterolisthesis" : "none");
    m.attributes["meyerding"] = std::to_string(s.grade);
  }
  std::vector<measure::SagittalBody> column;
  std::vector<int> columnClasses;
  for (int c = kL1; c <= kS1; ++c)
    if (has(c)) column.push_back(b.at(c)), columnClasses.push_back(c);
  if (has(kL1) && has(kS1) && column.size() == 6)
    if (const auto shape = measure::lumbarShape(column)) {
      const auto in = cornerNames({kL1, kL1 + 1, kL1 + 2, kL4, kL5, kS1});
      add("lumbar.shape.distance", "Lumbar distance (project-defined)", shape->distance, "mm", "Lumbar shape", in)
          .attributes["definition"] = "project-defined: L1 centroid to the S1 superior-endplate midpoint";
      add("lumbar.shape.curve_area", "Lumbar curve area (project-defined)", shape->curveArea, "mm\u00B2", "Lumbar shape", in)
          .attributes["definition"] = "project-defined: area between the centroid polyline L1\u2026L5 + S1 endplate midpoint and its chord";
      auto& a = add("lumbar.shape.alignment", "Lumbar alignment (project-defined)", shape->alignment, "mm", "Lumbar shape", in);
      a.attributes["definition"] = "project-defined: largest step of the posterior wall between adjacent levels";
      a.attributes["level"] = shape->alignmentLevel;
    }
  return out;
}

std::vector<std::string> implausibleLumbarValues(const std::vector<core::Measurement>& measurements) {
  std::vector<std::string> out;
  for (const auto& m : measurements) {
    const bool lordosis = m.id == "lumbar.lordosis.L1-S1", slip = m.id.rfind("lumbar.listhesis.", 0) == 0;
    const bool height = m.unit == "mm" && (m.id.rfind("lumbar.body.", 0) == 0 || m.id.rfind("lumbar.disc.", 0) == 0);
    if (!((lordosis && (m.value < -20 || m.value > 85)) || (slip && std::abs(m.value) > 50) || (height && m.value > 60)))
      continue;
    // The bodies whose corners it reads ("L4.as" -> L4), in order.
    std::vector<std::string> bodies;
    for (const auto& in : m.inputs) {
      const std::string level = in.substr(0, in.find('.'));
      if (std::find(bodies.begin(), bodies.end(), level) == bodies.end()) bodies.push_back(level);
    }
    std::ostringstream s;
    s << std::fixed << std::setprecision(1) << m.name << " " << m.value << " " << m.unit
      << " is implausible: review the corners of";
    for (std::size_t i = 0; i < bodies.size(); ++i) s << (i ? ", " : " ") << bodies[i];
    out.push_back(s.str());
  }
  return out;
}

core::MeasurementRule lumbarRule() {
  core::MeasurementRule r;
  r.id = "mri-lumbar/sagittal";
  r.landmarkSets = {kCornerSet};
  r.outputPrefixes = {"lumbar."};
  r.compute = [](const core::Series& series, const core::SeriesAnnotations& a) {
    const auto it = a.landmarkSets.find(kCornerSet);
    if (it == a.landmarkSets.end()) throw std::invalid_argument("no lumbar corner set");
    return lumbarMeasurements(it->second, series);
  };
  return r;
}

}  // namespace openrad::modules::mri_lumbar
