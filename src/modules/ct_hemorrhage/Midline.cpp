#include "openrad/modules/ct_hemorrhage/Midline.h"

#include "openrad/core/Format.h"

#include <Eigen/LU>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <vector>

namespace openrad::modules::ct_hemorrhage {

namespace {

using V2 = Eigen::Vector2d;
constexpr double kPi = 3.14159265358979323846;

/// One axial slice in in-plane millimetres: P = (i · sx, j · sy).
struct Slice {
  int k = 0, width = 0, height = 0;
  double sx = 1, sy = 1;
  cv::Mat hu;      ///< CV_32F, lightly smoothed
  cv::Mat cavity;  ///< CV_8U, 1 inside the skull (the largest region of non-bone enclosed by bone)
  cv::Mat dist;    ///< CV_32F, mm to the nearest pixel of the cavity's rim (the inner table)
  std::vector<V2> rim;  ///< the rim pixels, mm
  double areaMm2 = 0;

  V2 toPixel(const V2& p) const { return {p.x() / sx, p.y() / sy}; }
  bool inside(const V2& p) const {
    const V2 q = toPixel(p);
    const int i = static_cast<int>(std::lround(q.x())), j = static_cast<int>(std::lround(q.y()));
    return i >= 0 && j >= 0 && i < width && j < height && cavity.at<std::uint8_t>(j, i) != 0;
  }
  /// Bilinear sample of a CV_32F map at mm position p (edge-clamped).
  double sample(const cv::Mat& m, const V2& p) const {
    const V2 q = toPixel(p);
    const double x = std::clamp(q.x(), 0.0, width - 1.001), y = std::clamp(q.y(), 0.0, height - 1.001);
    const int i = static_cast<int>(x), j = static_cast<int>(y);
    const double fx = x - i, fy = y - j;
    return (1 - fx) * (1 - fy) * m.at<float>(j, i) + fx * (1 - fy) * m.at<float>(j, i + 1) +
           (1 - fx) * fy * m.at<float>(j + 1, i) + fx * fy * m.at<float>(j + 1, i + 1);
  }
};

Slice makeSlice(const core::Image& ct, int k, const MidlineRules& rules) {
  const auto& g = ct.geometry();
  Slice s;
  s.k = k;
  s.width = static_cast<int>(g.size[0]);
  s.height = static_cast<int>(g.size[1]);
  s.sx = g.spacing.x();
  s.sy = g.spacing.y();
  cv::Mat raw(s.height, s.width, CV_32F);
  for (int j = 0; j < s.height; ++j)
    for (int i = 0; i < s.width; ++i) raw.at<float>(j, i) = static_cast<float>(ct.value(i, j, k));
  cv::GaussianBlur(raw, s.hu, cv::Size(3, 3), 0.8);
  // The cavity: non-bone regions (4-connected) that do not reach the border; the largest one.
  cv::Mat nonBone = raw < rules.boneHu;
  cv::Mat parts;
  const int n = cv::connectedComponents(nonBone, parts, 4, CV_32S);
  std::vector<std::int64_t> area(static_cast<std::size_t>(n), 0);
  std::vector<bool> border(static_cast<std::size_t>(n), false);
  for (int j = 0; j < s.height; ++j)
    for (int i = 0; i < s.width; ++i) {
      const int p = parts.at<int>(j, i);
      ++area[static_cast<std::size_t>(p)];
      if (i == 0 || j == 0 || i == s.width - 1 || j == s.height - 1) border[static_cast<std::size_t>(p)] = true;
    }
  int best = -1;
  for (int p = 1; p < n; ++p)
    if (!border[static_cast<std::size_t>(p)] && (best < 0 || area[static_cast<std::size_t>(p)] > area[static_cast<std::size_t>(best)])) best = p;
  s.cavity = cv::Mat::zeros(s.height, s.width, CV_8U);
  if (best < 0) return s;
  s.cavity.setTo(1, parts == best);
  s.areaMm2 = static_cast<double>(area[static_cast<std::size_t>(best)]) * s.sx * s.sy;
  cv::Mat notRim(s.height, s.width, CV_8U, cv::Scalar(1));
  for (int j = 1; j + 1 < s.height; ++j)
    for (int i = 1; i + 1 < s.width; ++i) {
      if (!s.cavity.at<std::uint8_t>(j, i)) continue;
      if (!s.cavity.at<std::uint8_t>(j - 1, i) || !s.cavity.at<std::uint8_t>(j + 1, i) || !s.cavity.at<std::uint8_t>(j, i - 1) ||
          !s.cavity.at<std::uint8_t>(j, i + 1)) {
        notRim.at<std::uint8_t>(j, i) = 0;
        s.rim.emplace_back(i * s.sx, j * s.sy);
      }
    }
  cv::distanceTransform(notRim, s.dist, cv::DIST_L2, cv::DIST_MASK_PRECISE);
  s.dist *= 0.5 * (s.sx + s.sy);
  return s;
}

/// The mirror line of the inner table: unit normal n and offset d (n · P = d), and the mean distance of the
/// mirrored rim from the rim. Coarse-to-fine search around the cavity's minor axis through its centroid.
struct MirrorLine {
  V2 normal = V2::UnitX();
  double offset = 0, errorMm = 1e9;
};

MirrorLine mirrorLine(const Slice& s) {
  V2 c = V2::Zero();
  for (const V2& p : s.rim) c += p;
  c /= static_cast<double>(s.rim.size());
  Eigen::Matrix2d cov = Eigen::Matrix2d::Zero();
  for (const V2& p : s.rim) cov += (p - c) * (p - c).transpose();
  // The head is longer front to back: the minor axis of the rim is the first guess of the midline's normal.
  const Eigen::Matrix2d& M = cov;
  const double tr = M.trace(), det = M.determinant();
  const double minor = tr / 2 - std::sqrt(std::max(0.0, tr * tr / 4 - det));
  V2 n0 = std::abs(M(0, 1)) > 1e-9 ? V2(minor - M(1, 1), M(0, 1)) : (M(0, 0) < M(1, 1) ? V2::UnitX() : V2::UnitY());
  n0.normalize();
  const double phi0 = std::atan2(n0.y(), n0.x());
  const auto score = [&](double phi, double d) {
    const V2 n(std::cos(phi), std::sin(phi));
    const double off = n.dot(c) + d;
    double sum = 0;
    for (std::size_t i = 0; i < s.rim.size(); i += 2) {
      const V2& p = s.rim[i];
      const V2 m = p - 2 * (n.dot(p) - off) * n;
      sum += std::min(10.0, s.sample(s.dist, m));
    }
    return sum / static_cast<double>((s.rim.size() + 1) / 2);
  };
  double bestPhi = phi0, bestD = 0, best = 1e9;
  const auto search = [&](double phiHalf, double phiStep, double dHalf, double dStep) {  // around the best so far
    const double pc = bestPhi, dc = bestD;
    for (double phi = pc - phiHalf; phi <= pc + phiHalf + 1e-12; phi += phiStep)
      for (double d = dc - dHalf; d <= dc + dHalf + 1e-12; d += dStep) {
        const double e = score(phi, d);
        if (e < best) best = e, bestPhi = phi, bestD = d;
      }
  };
  const double deg = kPi / 180;
  search(12 * deg, 1 * deg, 10, 0.5);
  search(1 * deg, 0.1 * deg, 0.5, 0.05);
  MirrorLine l;
  l.normal = V2(std::cos(bestPhi), std::sin(bestPhi));
  l.offset = l.normal.dot(c) + bestD;
  l.errorMm = best;
  return l;
}

/// Runs of "ventricle" (CSF, away from the inner table) along one row: [start, end] in mm of v.
std::vector<std::pair<double, double>> csfRuns(const Slice& s, const V2& centre, const V2& across, double reach,
                                               const MidlineRules& rules) {
  constexpr double kStep = 0.25;
  std::vector<std::pair<double, double>> runs;
  double start = 0;
  bool in = false;
  double previousValue = 0, previousV = -reach;
  for (double v = -reach; v <= reach + 1e-9; v += kStep) {
    const V2 p = centre + v * across;
    const double hu = s.sample(s.hu, p);
    const bool csf = s.inside(p) && s.sample(s.dist, p) > 6.0 && hu <= rules.csfMaxHu;
    if (csf && !in) {
      // Edge at the threshold crossing between the previous sample and this one.
      const double f = previousValue != hu ? (previousValue - rules.csfMaxHu) / (previousValue - hu) : 0.5;
      start = v == -reach ? v : previousV + std::clamp(f, 0.0, 1.0) * kStep;
      in = true;
    } else if (!csf && in) {
      const double f = previousValue != hu ? (rules.csfMaxHu - previousValue) / (hu - previousValue) : 0.5;
      runs.emplace_back(start, previousV + std::clamp(f, 0.0, 1.0) * kStep);
      in = false;
    }
    previousValue = hu;
    previousV = v;
  }
  if (in) runs.emplace_back(start, reach);
  return runs;
}

struct SeptumFit {
  int rows = 0;
  V2 point = V2::Zero();
};

/// The septum on a slice: for rows 1 mm apart across the anterior brain (22-42 % of the front-to-back length), the
/// wall between two CSF runs at least 1.5 mm wide with at most maxHornGapMm between them, nearest to the midline;
/// the median position over the rows that have one.
SeptumFit septumOn(const Slice& s, const V2& front, const V2& back, const V2& across, const MidlineRules& rules) {
  const double length = (back - front).norm();
  const V2 along = (back - front) / length;
  std::vector<double> us, vs;
  for (double u = 0.22 * length; u <= 0.42 * length; u += 1.0) {
    const V2 centre = front + u * along;
    const auto runs = csfRuns(s, centre, across, rules.maxHornOffsetMm, rules);
    double bestV = 0, bestAbs = 1e9;
    for (std::size_t r = 0; r + 1 < runs.size(); ++r) {
      const auto& a = runs[r];
      const auto& b = runs[r + 1];
      const double gap = b.first - a.second;
      if (a.second - a.first < 1.5 || b.second - b.first < 1.5 || gap > rules.maxHornGapMm || gap <= 0) continue;
      const double v = 0.5 * (a.second + b.first);
      if (std::abs(v) < bestAbs) bestAbs = std::abs(v), bestV = v;
    }
    if (bestAbs < 1e9) us.push_back(u), vs.push_back(bestV);
  }
  SeptumFit fit;
  fit.rows = static_cast<int>(vs.size());
  if (vs.empty()) return fit;
  const auto median = [](std::vector<double> x) {
    std::nth_element(x.begin(), x.begin() + static_cast<std::ptrdiff_t>(x.size() / 2), x.end());
    return x[x.size() / 2];
  };
  fit.point = front + median(us) * along + median(vs) * across;
  return fit;
}

}  // namespace

MidlineLandmarks findMidline(const core::Image& ct, const MidlineRules& rules) {
  MidlineLandmarks out;
  const auto& g = ct.geometry();
  if (g.size[2] < 1 || g.size[0] < 32 || g.size[1] < 32) {
    out.reason = "the image is too small for a head CT slice";
    return out;
  }
  std::vector<Slice> slices;
  double largest = 0;
  for (int k = 0; k < static_cast<int>(g.size[2]); ++k) {
    slices.push_back(makeSlice(ct, k, rules));
    largest = std::max(largest, slices.back().areaMm2);
  }
  if (largest < 2000) {
    out.reason = "no slice has a closed skull around the brain (bone >= " + core::fixed(rules.boneHu, 0) + " HU)";
    return out;
  }
  int bestRows = 0;
  for (const Slice& s : slices) {
    if (s.areaMm2 < 0.6 * largest || s.rim.size() < 50) continue;
    const MirrorLine line = mirrorLine(s);
    V2 c = V2::Zero();
    for (const V2& p : s.rim) c += p;
    c /= static_cast<double>(s.rim.size());
    const V2 foot = c - (line.normal.dot(c) - line.offset) * line.normal;  // centroid projected on the line
    const V2 along(-line.normal.y(), line.normal.x());
    const auto toTable = [&](double dir) {
      V2 p = foot;
      while (s.inside(p + 0.1 * dir * along) && (p - foot).norm() < 400) p += 0.1 * dir * along;
      return p;
    };
    V2 a = toTable(-1), b = toTable(+1);
    const auto toLps = [&](const V2& p) { return g.indexToPhysical(Eigen::Vector3d(p.x() / s.sx, p.y() / s.sy, s.k)); };
    if ((b - a).norm() < 60) continue;  // the line misses the cavity: not a brain slice
    if (toLps(a).y() > toLps(b).y()) std::swap(a, b);  // a: anterior (LPS y grows toward posterior)
    const SeptumFit septum = septumOn(s, a, b, line.normal, rules);
    if (septum.rows < rules.minSeptumRows || septum.rows <= bestRows) continue;
    bestRows = septum.rows;
    out.found = true;
    out.slice = s.k;
    out.septum = toLps(septum.point);
    out.falxAnterior = toLps(a);
    out.falxPosterior = toLps(b);
    out.septumRows = septum.rows;
    out.symmetryErrorMm = line.errorMm;
  }
  if (!out.found) {
    out.reason = "no slice shows two frontal horns with a thin septum between them on at least " +
                 std::to_string(rules.minSeptumRows) + " rows (a horn may be effaced)";
    return out;
  }
  out.how = "slice " + std::to_string(out.slice + 1) + ": ideal midline = mirror line of the inner table (mean mirror error " +
            core::fixed(out.symmetryErrorMm, 1) + " mm), septum = median wall between the frontal horns over " +
            std::to_string(out.septumRows) + " rows";
  return out;
}

}  // namespace openrad::modules::ct_hemorrhage
