#include "openrad/modules/ct_hemorrhage/HemorrhageRules.h"

#include "openrad/core/ConnectedParts.h"
#include "openrad/core/Format.h"
#include "openrad/phantom/HeadCt.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <stdexcept>
#include <tuple>

namespace openrad::modules::ct_hemorrhage {

namespace {

using phantom::kCtEdema;
using phantom::kCtExtraAxial;
using phantom::kCtHematoma;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

const std::uint8_t* labelData(const core::Image& labels) {
  if (labels.pixelType() != core::PixelType::UInt8)
    throw std::invalid_argument("ct-hemorrhage: the label map must be uint8, not " + core::pixelTypeName(labels.pixelType()));
  return labels.as<std::uint8_t>();
}

/// mL of one voxel of the grid.
double voxelMl(const core::Geometry& g) { return g.spacing.prod() / 1000.0; }

/// Voxel index (i, j, k) of a linear offset.
std::array<std::int64_t, 3> indexOf(const core::Geometry& g, std::int64_t v) {
  return {v % g.size[0], (v / g.size[0]) % g.size[1], v / (g.size[0] * g.size[1])};
}

/// The 26-connected components of the hematoma voxels with at least `minVolumeMl`, largest first (stable: ties keep
/// the order of their first voxel in memory). Each is the list of its voxels' linear offsets.
std::vector<std::vector<std::int64_t>> hematomaComponents(const core::Image& labels, double minVolumeMl) {
  const std::uint8_t* L = labelData(labels);
  const auto& g = labels.geometry();
  std::vector<std::int32_t> part;
  const std::vector<std::int64_t> sizes =
      core::connectedParts(L, g.size, kCtHematoma, core::Connectivity::Full26, part);
  std::vector<std::vector<std::int64_t>> parts(sizes.size());
  for (std::size_t p = 0; p < sizes.size(); ++p) parts[p].reserve(static_cast<std::size_t>(sizes[p]));
  for (std::int64_t v = 0; v < g.voxelCount(); ++v)
    if (part[static_cast<std::size_t>(v)] >= 0) parts[static_cast<std::size_t>(part[static_cast<std::size_t>(v)])].push_back(v);
  parts.erase(std::remove_if(parts.begin(), parts.end(),
                             [&](const auto& p) { return static_cast<double>(p.size()) * voxelMl(g) < minVolumeMl; }),
              parts.end());
  std::stable_sort(parts.begin(), parts.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  return parts;
}

/// Side, compartment and location class of a centroid (fills those fields of `lesion`).
void classify(Lesion& lesion, const LesionRules& rules) {
  Eigen::Vector3d normal = rules.midsagittal.normal;
  if (normal.norm() == 0) throw std::invalid_argument("ct-hemorrhage: the midsagittal plane has a zero normal");
  normal.normalize();
  if (normal.x() < 0) normal = -normal;
  lesion.lateralMm = (lesion.centroidLps - rules.midsagittal.point).dot(normal);
  lesion.side = lesion.lateralMm > 0 ? "left" : lesion.lateralMm < 0 ? "right" : "midline";
  const double z = rules.head.toHead(lesion.centroidLps).z();
  const double lateral = std::abs(lesion.lateralMm);
  const std::string band = core::fixed(rules.deepBandMinZMm, 1) + " to " + core::fixed(rules.deepBandMaxZMm, 1) + " mm";
  if (z < rules.tentoriumZMm) {
    lesion.compartment = "infratentorial";
    lesion.location = "infratentorial";
    lesion.how = "infratentorial: centroid at head z " + core::fixed(z, 1) + " mm, below the tentorium at " +
                 core::fixed(rules.tentoriumZMm, 1) + " mm";
    return;
  }
  lesion.compartment = "supratentorial";
  const bool nearMidline = lateral <= rules.deepMaxLateralMm;
  const bool inBand = z >= rules.deepBandMinZMm && z <= rules.deepBandMaxZMm;
  lesion.location = nearMidline && inBand ? "deep" : "lobar";
  const std::string where = "centroid " + core::fixed(lateral, 1) + " mm from the midsagittal plane (deep limit " +
                            core::fixed(rules.deepMaxLateralMm, 1) + " mm) at head z " + core::fixed(z, 1) + " mm ";
  lesion.how = lesion.location + ": " + where + (inBand ? "inside" : "outside") + " the deep band " + band;
}

using Point2 = Eigen::Vector2d;

/// Convex hull (Andrew's monotone chain) of `points`, counter-clockwise, without collinear points.
std::vector<Point2> convexHull(std::vector<Point2> points) {
  std::sort(points.begin(), points.end(),
            [](const Point2& a, const Point2& b) { return a.x() < b.x() || (a.x() == b.x() && a.y() < b.y()); });
  points.erase(std::unique(points.begin(), points.end()), points.end());
  if (points.size() < 3) return points;
  const auto cross = [](const Point2& o, const Point2& a, const Point2& b) {
    return (a.x() - o.x()) * (b.y() - o.y()) - (a.y() - o.y()) * (b.x() - o.x());
  };
  std::vector<Point2> hull(2 * points.size());
  std::size_t h = 0;
  for (const Point2& p : points) {
    while (h >= 2 && cross(hull[h - 2], hull[h - 1], p) <= 0) --h;
    hull[h++] = p;
  }
  for (std::size_t i = points.size() - 1, lower = h + 1; i-- > 0;) {
    while (h >= lower && cross(hull[h - 2], hull[h - 1], points[i]) <= 0) --h;
    hull[h++] = points[i];
  }
  hull.resize(h - 1);
  return hull;
}

/// ABC of one component.
Abc abcOf(const core::Geometry& g, const std::vector<std::int64_t>& part, SliceCount count) {
  Abc abc;
  std::vector<std::int64_t> perSlice(static_cast<std::size_t>(g.size[2]), 0);
  for (const std::int64_t v : part) ++perSlice[static_cast<std::size_t>(indexOf(g, v)[2])];
  const auto largest = std::max_element(perSlice.begin(), perSlice.end());
  abc.slice = static_cast<int>(largest - perSlice.begin());
  // In-plane mm along the image's (orthonormal) i and j axes: the pixels' corners, hull, largest span, width across.
  const double sx = g.spacing.x(), sy = g.spacing.y();
  std::vector<Point2> corners;
  for (const std::int64_t v : part) {
    const auto [i, j, k] = indexOf(g, v);
    if (k != abc.slice) continue;
    for (const double di : {-0.5, 0.5})
      for (const double dj : {-0.5, 0.5}) corners.emplace_back((static_cast<double>(i) + di) * sx, (static_cast<double>(j) + dj) * sy);
  }
  const std::vector<Point2> hull = convexHull(std::move(corners));
  Point2 along = Point2::UnitX();
  for (std::size_t p = 0; p < hull.size(); ++p)
    for (std::size_t q = p + 1; q < hull.size(); ++q) {
      const double d = (hull[q] - hull[p]).norm();
      if (d > abc.aMm) {
        abc.aMm = d;
        along = (hull[q] - hull[p]) / d;
      }
    }
  const Point2 across(-along.y(), along.x());
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const Point2& p : hull) {
    lo = std::min(lo, p.dot(across));
    hi = std::max(hi, p.dot(across));
  }
  abc.bMm = hull.empty() ? 0.0 : hi - lo;
  double slices = 0;
  for (const std::int64_t n : perSlice) {
    if (n == 0) continue;
    if (count == SliceCount::Every) slices += 1;
    else slices += n * 4 >= *largest * 3 ? 1.0 : n * 4 >= *largest ? 0.5 : 0.0;
  }
  abc.cMm = slices * g.spacing.z();
  abc.estimateMl = abc.aMm * abc.bMm * abc.cMm / 2.0 / 1000.0;
  abc.segmentedMl = static_cast<double>(part.size()) * voxelMl(g);
  abc.differenceMl = abc.estimateMl - abc.segmentedMl;
  return abc;
}

std::vector<Lesion> lesionsOf(const core::Image& labels, const core::Image* ct, const LesionRules& rules) {
  const auto& g = labels.geometry();
  if (ct && !ct->geometry().sameGrid(g))
    throw std::invalid_argument("ct-hemorrhage: the CT and the label map are not on the same grid");
  std::vector<Lesion> out;
  for (const auto& part : hematomaComponents(labels, rules.minVolumeMl)) {
    Lesion lesion;
    lesion.voxels = static_cast<std::int64_t>(part.size());
    lesion.volumeMl = static_cast<double>(part.size()) * voxelMl(g);
    Eigen::Vector3d sum = Eigen::Vector3d::Zero();
    double hu = 0;
    for (const std::int64_t v : part) {
      const auto [i, j, k] = indexOf(g, v);
      sum += Eigen::Vector3d(static_cast<double>(i), static_cast<double>(j), static_cast<double>(k));
      if (ct) hu += ct->value(i, j, k);
    }
    lesion.centroidLps = g.indexToPhysical(sum / static_cast<double>(part.size()));
    lesion.meanHu = ct ? hu / static_cast<double>(part.size()) : kNaN;
    classify(lesion, rules);
    out.push_back(std::move(lesion));
  }
  return out;
}

/// Seconds into the day of a DICOM time "HHMMSS[.ffffff]"; invalid_argument (message without the study) otherwise.
double secondsOfDay(const std::string& t) {
  const auto digits = [&](std::size_t from, std::size_t n) {
    for (std::size_t c = from; c < from + n; ++c)
      if (c >= t.size() || !std::isdigit(static_cast<unsigned char>(t[c]))) return false;
    return true;
  };
  bool ok = t.size() >= 6 && digits(0, 6);
  if (ok && t.size() > 6) ok = t[6] == '.' && t.size() > 7 && t.size() <= 13 && digits(7, t.size() - 7);
  const int hh = ok ? std::stoi(t.substr(0, 2)) : 0, mm = ok ? std::stoi(t.substr(2, 2)) : 0;
  const double ss = ok ? std::stod(t.substr(4)) : 0;
  if (!ok || hh > 23 || mm > 59 || ss >= 60) throw std::invalid_argument("invalid time '" + t + "' (HHMMSS expected)");
  return hh * 3600.0 + mm * 60.0 + ss;
}

}  // namespace

Volumes volumes(const core::Image& labels) {
  const std::uint8_t* L = labelData(labels);
  std::array<std::int64_t, 4> counts{};
  for (std::int64_t v = 0, n = labels.geometry().voxelCount(); v < n; ++v)
    if (L[v] < counts.size()) ++counts[L[v]];
  const double ml = voxelMl(labels.geometry());
  Volumes out;
  out.hematomaMl = static_cast<double>(counts[kCtHematoma]) * ml;
  out.edemaMl = static_cast<double>(counts[kCtEdema]) * ml;
  out.extraAxialMl = static_cast<double>(counts[kCtExtraAxial]) * ml;
  out.relativeEdema = counts[kCtHematoma] > 0 ? out.edemaMl / out.hematomaMl : kNaN;
  return out;
}

std::vector<Lesion> lesions(const core::Image& labels, const core::Image& ct, const LesionRules& rules) {
  return lesionsOf(labels, &ct, rules);
}

std::vector<Lesion> lesions(const core::Image& labels, const LesionRules& rules) { return lesionsOf(labels, nullptr, rules); }

AbcSummary abcOverTwo(const core::Image& labels, const LesionRules& rules, SliceCount count) {
  AbcSummary out;
  for (const auto& part : hematomaComponents(labels, rules.minVolumeMl)) {
    out.lesions.push_back(abcOf(labels.geometry(), part, count));
    out.estimateMl += out.lesions.back().estimateMl;
    out.segmentedMl += out.lesions.back().segmentedMl;
  }
  out.differenceMl = out.estimateMl - out.segmentedMl;
  return out;
}

MidlineShift midlineShift(const Eigen::Vector3d& septum, const Eigen::Vector3d& falxAnterior,
                          const Eigen::Vector3d& falxPosterior, double noneBelowMm) {
  const Eigen::Vector3d line = falxPosterior - falxAnterior;
  if (line.norm() < 1e-6) throw std::invalid_argument("midline shift: the anterior and posterior falx points coincide");
  const Eigen::Vector3d u = line.normalized();
  const Eigen::Vector3d d = septum - falxAnterior;
  const Eigen::Vector3d offset = d - d.dot(u) * u;
  MidlineShift out;
  out.shiftMm = offset.norm();
  out.toward = out.shiftMm < noneBelowMm ? "none" : offset.x() > 0 ? "left" : "right";
  return out;
}

int dayNumber(const std::string& s) {
  const bool digits = s.size() == 8 && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
  const int y = digits ? std::stoi(s.substr(0, 4)) : 0, m = digits ? std::stoi(s.substr(4, 2)) : 0,
            d = digits ? std::stoi(s.substr(6, 2)) : 0;
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  constexpr int kDays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (!digits || m < 1 || m > 12 || d < 1 || d > kDays[m - 1] + (m == 2 && leap ? 1 : 0))
    throw std::invalid_argument("invalid date '" + s + "' (YYYYMMDD expected)");
  // Days from civil (H. Hinnant): years start in March so the leap day is the last day of the year.
  const int yy = m <= 2 ? y - 1 : y, mp = (m + 9) % 12;
  const int era = yy / 400, yoe = yy - era * 400;
  const int doy = (153 * mp + 2) / 5 + d - 1;
  return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy;
}

std::vector<LesionMatch> matchLesions(const std::vector<Eigen::Vector3d>& previous,
                                      const std::vector<Eigen::Vector3d>& current, double maxDistanceMm) {
  std::vector<std::tuple<double, int, int>> candidates;
  for (std::size_t p = 0; p < previous.size(); ++p)
    for (std::size_t c = 0; c < current.size(); ++c) {
      const double d = (previous[p] - current[c]).norm();
      if (d <= maxDistanceMm) candidates.emplace_back(d, static_cast<int>(p), static_cast<int>(c));
    }
  std::sort(candidates.begin(), candidates.end());
  std::vector<int> partnerOfPrevious(previous.size(), -1), partnerOfCurrent(current.size(), -1);
  std::vector<double> distance(previous.size(), kNaN);
  for (const auto& [d, p, c] : candidates) {
    if (partnerOfPrevious[static_cast<std::size_t>(p)] >= 0 || partnerOfCurrent[static_cast<std::size_t>(c)] >= 0) continue;
    partnerOfPrevious[static_cast<std::size_t>(p)] = c;
    partnerOfCurrent[static_cast<std::size_t>(c)] = p;
    distance[static_cast<std::size_t>(p)] = d;
  }
  std::vector<LesionMatch> out;
  for (std::size_t p = 0; p < previous.size(); ++p)
    if (partnerOfPrevious[p] >= 0) out.push_back({static_cast<int>(p), partnerOfPrevious[p], distance[p], "matched"});
  for (std::size_t p = 0; p < previous.size(); ++p)
    if (partnerOfPrevious[p] < 0) out.push_back({static_cast<int>(p), -1, kNaN, "resolved"});
  for (std::size_t c = 0; c < current.size(); ++c)
    if (partnerOfCurrent[c] < 0) out.push_back({-1, static_cast<int>(c), kNaN, "new"});
  return out;
}

std::vector<FollowUpPoint> followUp(std::vector<StudyPoint> studies, const FollowUpRules& rules) {
  struct Keyed {
    int day;
    double seconds;
    StudyPoint study;
  };
  std::vector<Keyed> keyed;
  for (auto& s : studies) {
    int day = 0;
    double seconds = 0;
    try {
      day = dayNumber(s.date);
      if (!s.time.empty()) seconds = secondsOfDay(s.time);
    } catch (const std::invalid_argument& e) {
      throw std::invalid_argument("follow-up: study '" + s.studyUid + "': " + e.what());
    }
    keyed.push_back({day, seconds, std::move(s)});
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    return a.day != b.day ? a.day < b.day : a.seconds < b.seconds;
  });
  const auto change = [](double now, double before) { return before > 0 ? (now - before) / before : kNaN; };
  std::vector<FollowUpPoint> out;
  for (std::size_t n = 0; n < keyed.size(); ++n) {
    FollowUpPoint p;
    p.study = std::move(keyed[n].study);
    p.day = keyed[n].day - keyed[0].day;
    p.hoursFromFirst = p.study.time.empty() ? kNaN : 0.0;
    if (n > 0) {
      const StudyPoint& first = out.front().study;
      const StudyPoint& prev = out.back().study;
      p.hoursFromFirst = p.study.time.empty() || first.time.empty()
                             ? kNaN
                             : p.day * 24.0 + (keyed[n].seconds - keyed[0].seconds) / 3600.0;
      p.hematomaChangeMl = p.study.hematomaMl - prev.hematomaMl;
      p.edemaChangeMl = p.study.edemaMl - prev.edemaMl;
      p.hematomaChangeRelative = change(p.study.hematomaMl, prev.hematomaMl);
      p.edemaChangeRelative = change(p.study.edemaMl, prev.edemaMl);
      p.expansion = p.hematomaChangeMl >= rules.expansionMl ||
                    (prev.hematomaMl > 0 && p.hematomaChangeRelative >= rules.expansionRelative);
      p.matches = matchLesions(prev.lesionCentroids, p.study.lesionCentroids, rules.matchDistanceMm);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace openrad::modules::ct_hemorrhage
