#include "openrad/measure/Cobb.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace openrad::measure {

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<Eigen::Vector2d> midlineVectors(const std::vector<Eigen::Vector2d>& pts) {
  if (pts.empty() || pts.size() % 4 != 0)
    throw std::invalid_argument("Cobb: corner count must be a positive multiple of 4");
  std::vector<Eigen::Vector2d> v(pts.size() / 4);
  for (std::size_t k = 0; k < v.size(); ++k) {
    const Eigen::Vector2d left = 0.5 * (pts[4 * k] + pts[4 * k + 2]);
    const Eigen::Vector2d right = 0.5 * (pts[4 * k + 1] + pts[4 * k + 3]);
    v[k] = right - left;
  }
  return v;
}

/// The AASCE "is S" test: the endplate midpoints fall on both sides of the line from the first to the last.
bool isS(const std::vector<Eigen::Vector2d>& mid) {
  const std::size_t num = mid.size();
  if (num < 3) return false;
  auto safe = [](double d) { return std::fabs(d) < 1e-9 ? (d < 0 ? -1e-9 : 1e-9) : d; };
  const double dy = safe(mid[0].y() - mid[num - 1].y()), dx = safe(mid[0].x() - mid[num - 1].x());
  double pos = 0.0, neg = 0.0;
  for (std::size_t i = 0; i + 2 < num; ++i) {
    const double ll = (mid[i].y() - mid[num - 1].y()) / dy - (mid[i].x() - mid[num - 1].x()) / dx;
    (ll > 0 ? pos : neg) += std::fabs(ll);
  }
  // The challenge tests |sum(ll·llᵀ) - sum(|ll·llᵀ|)| >= 1e-4; that difference is 4·pos·neg.
  return 4.0 * pos * neg >= 1e-4;
}

using Side = CobbCurveMeasure::Side;

/// Below this a Cobb angle is the rounding noise of acos near 1 (about 1.2e-6° per ulp), not a curve.
constexpr double kNoCurveBelowDeg = 1e-4;

double cross(const Eigen::Vector2d& a, const Eigen::Vector2d& b) { return a.x() * b.y() - a.y() * b.x(); }

/// Mean of vertebra k's 4 corners.
Eigen::Vector2d vertebraMid(const std::vector<Eigen::Vector2d>& pts, int k) {
  const auto i = static_cast<std::size_t>(4 * k);
  return 0.25 * (pts[i] + pts[i + 1] + pts[i + 2] + pts[i + 3]);
}

/// Makes a measure that is no curve consistently so (angle 0, upper == lower, no apex, no side), and gives a
/// curve its apex and convexity. `vec` are the vertebrae's mid-line vectors (left to right).
void describeCurve(CobbCurveMeasure& c, const std::vector<Eigen::Vector2d>& pts,
                   const std::vector<Eigen::Vector2d>& vec, bool imageLeftIsPatientRight) {
  if (c.upper == c.lower || !(c.angleDeg >= kNoCurveBelowDeg)) {
    c.angleDeg = 0.0;
    c.lower = c.upper;
    c.apex = -1;
    c.convexity = Side::None;
    return;
  }
  // Walking the chord down from the upper end vertebra (y down), cross(chord, p - start) > 0 is image left.
  const Eigen::Vector2d start = vertebraMid(pts, c.upper), chord = vertebraMid(pts, c.lower) - start;
  const bool interior = c.lower - c.upper >= 2;
  double best = -1.0, side = 0.0;
  for (int k = interior ? c.upper + 1 : c.upper; k <= (interior ? c.lower - 1 : c.lower); ++k) {
    const double s = cross(chord, vertebraMid(pts, k) - start);  // |chord| times the signed distance
    if (std::fabs(s) > best) {
      best = std::fabs(s);
      side = s;
      c.apex = k;
    }
  }
  if (!(best > 1e-9 * chord.squaredNorm())) {
    // The apex is not displaced (adjacent end vertebrae, or a spine without lateral shift): the curve is convex
    // to the side on which the end vertebrae's lines diverge, i.e. to the image left when the lower line is
    // turned anticlockwise on screen from the upper one.
    const Eigen::Vector2d& a = vec[static_cast<std::size_t>(c.upper)];
    const Eigen::Vector2d& b = vec[static_cast<std::size_t>(c.lower)];
    side = -cross(a, b) * (a.dot(b) < 0 ? -1.0 : 1.0);
  }
  if (side == 0.0)
    c.convexity = Side::None;
  else
    c.convexity = (side > 0) == imageLeftIsPatientRight ? Side::Right : Side::Left;
}

int regionOf(const CobbCurveMeasure& c) {
  const double m = 0.5 * (c.upper + c.lower);
  return m < 5.0 ? 0 : (m < 11.0 ? 1 : 2);
}

}  // namespace

std::string sideName(CobbCurveMeasure::Side side) {
  switch (side) {
    case Side::Left:
      return "left";
    case Side::Right:
      return "right";
    case Side::None:
      break;
  }
  return "";
}

double angleBetweenLinesDeg(const Eigen::Vector2d& a0, const Eigen::Vector2d& a1, const Eigen::Vector2d& b0,
                            const Eigen::Vector2d& b1) {
  const Eigen::Vector2d a = a1 - a0, b = b1 - b0;
  const double na = a.norm(), nb = b.norm();
  if (na <= 0 || nb <= 0) return 0.0;
  const double c = std::clamp(std::fabs(a.dot(b)) / (na * nb), 0.0, 1.0);
  return std::acos(c) * 180.0 / kPi;
}

std::vector<double> vertebraTiltsDeg(const std::vector<Eigen::Vector2d>& corners) {
  const auto v = midlineVectors(corners);
  std::vector<double> t(v.size());
  for (std::size_t k = 0; k < v.size(); ++k) t[k] = std::atan2(v[k].y(), v[k].x()) * 180.0 / kPi;
  return t;
}

CobbAngles cobbAnglesAasce(const std::vector<Eigen::Vector2d>& pts, double imageHeight, bool imageLeftIsPatientRight) {
  const auto vec = midlineVectors(pts);
  const int nv = static_cast<int>(vec.size());
  const int vnum = nv - 1;
  std::vector<Eigen::Vector2d> midV(pts.size() / 2);
  for (std::size_t k = 0; k < midV.size(); ++k) midV[k] = 0.5 * (pts[2 * k] + pts[2 * k + 1]);

  // angles[i][j]: arccos of the clipped cosine (0..1) between the mid-lines, as in the challenge code.
  std::vector<double> ang(static_cast<std::size_t>(nv * nv));
  auto A = [&](int i, int j) -> double& { return ang[static_cast<std::size_t>(i * nv + j)]; };
  for (int i = 0; i < nv; ++i)
    for (int j = 0; j < nv; ++j) {
      const double d = vec[static_cast<std::size_t>(i)].dot(vec[static_cast<std::size_t>(j)]);
      const double m = vec[static_cast<std::size_t>(i)].norm() * vec[static_cast<std::size_t>(j)].norm();
      A(i, j) = std::acos(std::clamp(m > 0 ? d / m : 1.0, 0.0, 1.0)) * 180.0 / kPi;
    }
  auto argmaxRange = [&](int row, int from, int to) {  // first index of the maximum over [from, to]
    int best = from;
    for (int j = from; j <= to; ++j)
      if (A(row, j) > A(row, best)) best = j;
    return best;
  };
  std::vector<int> pos1(static_cast<std::size_t>(nv));
  int pos2 = 0;
  for (int i = 0; i < nv; ++i) {
    pos1[static_cast<std::size_t>(i)] = argmaxRange(i, 0, vnum);
    if (A(i, pos1[static_cast<std::size_t>(i)]) > A(pos2, pos1[static_cast<std::size_t>(pos2)])) pos2 = i;
  }
  const int p12 = pos1[static_cast<std::size_t>(pos2)];
  // The challenge code reports the first index of a maximum; where neighbouring vertebrae share the
  // extreme tilt (within 0.1°) the end vertebra is taken as the one nearest the other end, i.e. the
  // clinical end vertebra of the curve. The angle itself is the challenge value.
  auto measure = [&](int a, int b) {
    CobbCurveMeasure c;
    c.angleDeg = A(a, b);
    int u = std::min(a, b), l = std::max(a, b);
    while (u + 1 < l && A(u + 1, l) >= A(u, l) - 0.1) ++u;
    while (l - 1 > u && A(u, l - 1) >= A(u, l) - 0.1) --l;
    c.upper = u;
    c.lower = l;
    return c;
  };
  CobbAngles out;
  out.aasce[0] = measure(pos2, p12);
  out.sShaped = isS(midV);
  if (!out.sShaped) {
    out.aasce[1] = measure(0, pos2);
    out.aasce[2] = measure(vnum, p12);
  } else if (midV[static_cast<std::size_t>(pos2 * 2)].y() + midV[static_cast<std::size_t>(p12 * 2)].y() < imageHeight) {
    const int a1 = argmaxRange(pos2, 0, pos2);
    out.aasce[1] = measure(pos2, a1);
    const int a2 = argmaxRange(p12, p12, vnum);
    out.aasce[2] = measure(p12, a2);
  } else {
    const int a1 = argmaxRange(pos2, 0, pos2);
    out.aasce[1] = measure(pos2, a1);
    const int a2 = argmaxRange(a1, 0, a1);
    out.aasce[2] = measure(a1, a2);
  }

  // Regional names: larger angles choose first (on the angles as computed, before noise is called no curve).
  std::array<int, 3> order{0, 1, 2};
  std::stable_sort(order.begin(), order.end(), [&](int a, int b) {
    return out.aasce[static_cast<std::size_t>(a)].angleDeg > out.aasce[static_cast<std::size_t>(b)].angleDeg;
  });
  std::array<bool, 3> taken{false, false, false};
  std::array<int, 3> source{0, 0, 0};  // region -> index into out.aasce
  for (int k : order) {
    const auto& c = out.aasce[static_cast<std::size_t>(k)];
    int r = regionOf(c);
    if (taken[static_cast<std::size_t>(r)]) {
      int best = -1;
      for (int q = 0; q < 3; ++q)
        if (!taken[static_cast<std::size_t>(q)] && (best < 0 || std::abs(q - r) < std::abs(best - r))) best = q;
      r = best;
    }
    taken[static_cast<std::size_t>(r)] = true;
    source[static_cast<std::size_t>(r)] = k;
  }
  for (auto& c : out.aasce) describeCurve(c, pts, vec, imageLeftIsPatientRight);
  out.proximalThoracic = out.aasce[static_cast<std::size_t>(source[0])];
  out.mainThoracic = out.aasce[static_cast<std::size_t>(source[1])];
  out.thoracolumbar = out.aasce[static_cast<std::size_t>(source[2])];
  return out;
}

}  // namespace openrad::measure
