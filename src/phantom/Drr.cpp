#include "openrad/phantom/Drr.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <limits>

namespace openrad::phantom {

Eigen::Vector3d XrayGeometry::detectorPoint(double col, double row) const {
  return source + centralRay * sid + colDir * ((col - principalCol) * pixelSpacing) +
         rowDir * ((row - principalRow) * pixelSpacing);
}

Eigen::Matrix<double, 3, 4> XrayGeometry::projectionMatrix() const {
  Eigen::Matrix3d k = Eigen::Matrix3d::Identity();
  k(0, 0) = sid / pixelSpacing;
  k(1, 1) = sid / pixelSpacing;
  k(0, 2) = principalCol;
  k(1, 2) = principalRow;
  Eigen::Matrix3d r;
  r.row(0) = colDir.transpose();
  r.row(1) = rowDir.transpose();
  r.row(2) = centralRay.transpose();
  Eigen::Matrix<double, 3, 4> rt;
  rt.leftCols<3>() = r;
  rt.col(3) = -r * source;
  return k * rt;
}

Eigen::Vector2d XrayGeometry::project(const Eigen::Vector3d& point) const {
  const Eigen::Vector3d h = projectionMatrix() * point.homogeneous();
  return {h.x() / h.z(), h.y() / h.z()};
}

DrrAppearance sampleDrrAppearance(Random& rng) {
  DrrAppearance a;
  a.photons = std::exp(rng.uniform(std::log(4.0e4), std::log(4.0e5)));
  a.heel = rng.uniform(0.0, 0.2);
  a.scatterFraction = rng.uniform(0.25, 1.0);
  a.scatterSigmaMm = rng.uniform(20.0, 45.0);
  a.rangeCompression = rng.uniform(0.8, 0.95);
  a.edgeEnhance = rng.uniform(0.8, 1.8);
  a.gamma = rng.uniform(0.8, 1.25);
  a.lowPercentile = rng.uniform(0.005, 0.04);
  a.highPercentile = rng.uniform(0.97, 0.995);
  for (auto& m : a.collimation) m = rng.bernoulli(0.6) ? rng.uniform(0.0, 0.07) : 0.0;
  a.marker = rng.bernoulli(0.9);
  return a;
}

namespace {

struct Ray {
  float ox, oy, oz, dx, dy, dz;
};

/// Interval of t where the ray lies inside a quadric |(o + t d) / axes|^2 <= 1 (z ignored for cylinders).
inline bool quadricSpan(bool cylinder, float ox, float oy, float oz, float dx, float dy, float dz, float ia, float ib,
                        float ic, float& t0, float& t1) {
  ox *= ia, dx *= ia, oy *= ib, dy *= ib;
  float a = dx * dx + dy * dy, b = ox * dx + oy * dy, c = ox * ox + oy * oy - 1.0f;
  if (!cylinder) {
    oz *= ic, dz *= ic;
    a += dz * dz, b += oz * dz, c += oz * oz;
  }
  if (a < 1e-12f) {
    if (c > 0.0f) return false;
    t0 = -1e30f, t1 = 1e30f;
    return true;
  }
  const float disc = b * b - a * c;
  if (disc <= 0.0f) return false;
  const float sq = std::sqrt(disc);
  t0 = (-b - sq) / a;
  t1 = (-b + sq) / a;
  return true;
}

/// Chord inside the solid and inside its cuts for a ray given in the primitive's local frame.
inline void chord(const Primitive& p, float ox, float oy, float oz, float dx, float dy, float dz, float& main,
                  float& cut) {
  main = 0.0f, cut = 0.0f;
  float t0, t1;
  if (!quadricSpan(p.shape == Primitive::Shape::Cylinder, ox, oy, oz, dx, dy, dz, 1.0f / p.axes.x(),
                   1.0f / p.axes.y(), 1.0f / p.axes.z(), t0, t1))
    return;
  for (int k = 0; k < p.planeCount; ++k) {
    const auto& pl = p.planes[static_cast<std::size_t>(k)];
    const float nd = pl.x() * dx + pl.y() * dy + pl.z() * dz;
    const float no = pl.x() * ox + pl.y() * oy + pl.z() * oz - pl.w();
    if (std::fabs(nd) < 1e-12f) {
      if (no > 0.0f) return;
      continue;
    }
    const float ts = -no / nd;
    if (nd > 0.0f)
      t1 = std::min(t1, ts);
    else
      t0 = std::max(t0, ts);
  }
  if (t1 <= t0) return;
  float len = t1 - t0;
  for (int k = 0; k < p.cutCount; ++k) {
    const auto& cc = p.cutCentres[static_cast<std::size_t>(k)];
    const auto& ca = p.cutAxes[static_cast<std::size_t>(k)];
    float s0, s1;
    if (!quadricSpan(false, ox - cc.x(), oy - cc.y(), oz - cc.z(), dx, dy, dz, 1.0f / ca.x(), 1.0f / ca.y(),
                     1.0f / ca.z(), s0, s1))
      continue;
    const float overlap = std::min(t1, s1) - std::max(t0, s0);
    if (overlap > 0.0f) cut += overlap;
  }
  main = std::max(0.0f, len - cut);
}

/// Separable Gaussian blur through a downsampled grid (for kernels much wider than a pixel).
// Large buffers are thread-local and reused: on the target VMs first-touch page faults of fresh
// allocations cost more than the arithmetic.
void wideBlur(const std::vector<float>& in, int rows, int cols, double sigmaPx, std::vector<float>& out) {
  const int f = std::max(1, static_cast<int>(sigmaPx / 4.0));
  const int sr = (rows + f - 1) / f, scn = (cols + f - 1) / f;
  std::vector<float> small(static_cast<std::size_t>(sr * scn), 0.0f);
  std::vector<float> cnt(small.size(), 0.0f);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const std::size_t s = static_cast<std::size_t>((r / f) * scn + c / f);
      small[s] += in[static_cast<std::size_t>(r * cols + c)];
      cnt[s] += 1.0f;
    }
  for (std::size_t i = 0; i < small.size(); ++i) small[i] /= cnt[i];
  const double sg = sigmaPx / f;
  const int rad = static_cast<int>(std::ceil(3.0 * sg));
  std::vector<float> k(static_cast<std::size_t>(2 * rad + 1));
  for (int i = -rad; i <= rad; ++i) k[static_cast<std::size_t>(i + rad)] = static_cast<float>(std::exp(-0.5 * i * i / (sg * sg)));
  std::vector<float> tmp(small.size());
  // Edge handling: renormalised kernel (no dark or bright borders).
  for (int r = 0; r < sr; ++r)
    for (int c = 0; c < scn; ++c) {
      float acc = 0, w = 0;
      for (int i = -rad; i <= rad; ++i) {
        const int cc = c + i;
        if (cc < 0 || cc >= scn) continue;
        acc += k[static_cast<std::size_t>(i + rad)] * small[static_cast<std::size_t>(r * scn + cc)];
        w += k[static_cast<std::size_t>(i + rad)];
      }
      tmp[static_cast<std::size_t>(r * scn + c)] = acc / w;
    }
  for (int r = 0; r < sr; ++r)
    for (int c = 0; c < scn; ++c) {
      float acc = 0, w = 0;
      for (int i = -rad; i <= rad; ++i) {
        const int rr = r + i;
        if (rr < 0 || rr >= sr) continue;
        acc += k[static_cast<std::size_t>(i + rad)] * tmp[static_cast<std::size_t>(rr * scn + c)];
        w += k[static_cast<std::size_t>(i + rad)];
      }
      small[static_cast<std::size_t>(r * scn + c)] = acc / w;
    }
  // Bilinear upsampling (small pixel centres at (i + 0.5) f - 0.5).
  out.resize(in.size());
  for (int r = 0; r < rows; ++r) {
    const float fy = std::clamp((static_cast<float>(r) + 0.5f) / static_cast<float>(f) - 0.5f, 0.0f, static_cast<float>(sr - 1));
    const int y0 = static_cast<int>(fy), y1 = std::min(y0 + 1, sr - 1);
    const float wy = fy - static_cast<float>(y0);
    for (int c = 0; c < cols; ++c) {
      const float fx = std::clamp((static_cast<float>(c) + 0.5f) / static_cast<float>(f) - 0.5f, 0.0f, static_cast<float>(scn - 1));
      const int x0 = static_cast<int>(fx), x1 = std::min(x0 + 1, scn - 1);
      const float wx = fx - static_cast<float>(x0);
      const float a = small[static_cast<std::size_t>(y0 * scn + x0)] * (1 - wx) + small[static_cast<std::size_t>(y0 * scn + x1)] * wx;
      const float b = small[static_cast<std::size_t>(y1 * scn + x0)] * (1 - wx) + small[static_cast<std::size_t>(y1 * scn + x1)] * wx;
      out[static_cast<std::size_t>(r * cols + c)] = a * (1 - wy) + b * wy;
    }
  }
}

/// Box blur of radius r (separable, clamped edges).
void boxBlur(const std::vector<float>& in, int rows, int cols, int r, std::vector<float>& out) {
  static thread_local std::vector<float> tmp;
  tmp.resize(in.size());
  out.resize(in.size());
  const float inv = 1.0f / static_cast<float>(2 * r + 1);
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      float acc = 0;
      for (int i = -r; i <= r; ++i) acc += in[static_cast<std::size_t>(y * cols + std::clamp(x + i, 0, cols - 1))];
      tmp[static_cast<std::size_t>(y * cols + x)] = acc * inv;
    }
  for (int y = 0; y < rows; ++y)
    for (int x = 0; x < cols; ++x) {
      float acc = 0;
      for (int i = -r; i <= r; ++i) acc += tmp[static_cast<std::size_t>(std::clamp(y + i, 0, rows - 1) * cols + x)];
      out[static_cast<std::size_t>(y * cols + x)] = acc * inv;
    }
}

// 5x7 glyphs of the lead side markers.
const char* const kGlyphR[7] = {"11110", "10001", "10001", "11110", "10100", "10010", "10001"};
const char* const kGlyphL[7] = {"10000", "10000", "10000", "10000", "10000", "10000", "11111"};

}  // namespace

std::vector<float> projectLineIntegrals(const std::vector<Primitive>& primitives, const XrayGeometry& g) {
  std::vector<float> out;
  projectLineIntegrals(primitives, g, out);
  return out;
}

void projectLineIntegrals(const std::vector<Primitive>& primitives, const XrayGeometry& g, std::vector<float>& out) {
  const int rows = g.rows, cols = g.columns;
  const std::size_t n = static_cast<std::size_t>(rows) * static_cast<std::size_t>(cols);
  out.assign(n, 0.0f);
  static thread_local std::vector<float> dxs, dys, dzs;
  dxs.resize(n), dys.resize(n), dzs.resize(n);
  const Eigen::Vector3d d0 = g.detectorOrigin() - g.source;
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c) {
      const Eigen::Vector3d d = (d0 + g.colDir * (c * g.pixelSpacing) + g.rowDir * (r * g.pixelSpacing)).normalized();
      const std::size_t i = static_cast<std::size_t>(r * cols + c);
      dxs[i] = static_cast<float>(d.x());
      dys[i] = static_cast<float>(d.y());
      dzs[i] = static_cast<float>(d.z());
    }
  const Eigen::Matrix<double, 3, 4> pm = g.projectionMatrix();
  for (const Primitive& p : primitives) {
    // Pixel bounding box of the projected local box.
    double cmin = 1e30, cmax = -1e30, rmin = 1e30, rmax = -1e30;
    bool behind = false;
    const Eigen::Matrix3d toWorld = p.toLocal.cast<double>().transpose();
    for (int k = 0; k < 8; ++k) {
      const Eigen::Vector3d corner(k & 1 ? p.boxHalf.x() : -p.boxHalf.x(), k & 2 ? p.boxHalf.y() : -p.boxHalf.y(),
                                   k & 4 ? p.boxHalf.z() : -p.boxHalf.z());
      const Eigen::Vector3d w = p.centre.cast<double>() + toWorld * corner;
      const Eigen::Vector3d h = pm * w.homogeneous();
      if (h.z() <= 1.0) {
        behind = true;
        break;
      }
      cmin = std::min(cmin, h.x() / h.z()), cmax = std::max(cmax, h.x() / h.z());
      rmin = std::min(rmin, h.y() / h.z()), rmax = std::max(rmax, h.y() / h.z());
    }
    int c0 = 0, c1 = cols - 1, r0 = 0, r1 = rows - 1;
    if (!behind) {
      c0 = std::max(0, static_cast<int>(std::floor(cmin)) - 1);
      c1 = std::min(cols - 1, static_cast<int>(std::ceil(cmax)) + 1);
      r0 = std::max(0, static_cast<int>(std::floor(rmin)) - 1);
      r1 = std::min(rows - 1, static_cast<int>(std::ceil(rmax)) + 1);
    }
    if (c0 > c1 || r0 > r1) continue;
    const Eigen::Vector3d ol = p.toLocal.cast<double>() * (g.source - p.centre.cast<double>());
    const float ox = static_cast<float>(ol.x()), oy = static_cast<float>(ol.y()), oz = static_cast<float>(ol.z());
    const Eigen::Matrix3f& m = p.toLocal;
    const float m00 = m(0, 0), m01 = m(0, 1), m02 = m(0, 2), m10 = m(1, 0), m11 = m(1, 1), m12 = m(1, 2),
                m20 = m(2, 0), m21 = m(2, 1), m22 = m(2, 2);
    for (int r = r0; r <= r1; ++r) {
      for (int c = c0; c <= c1; ++c) {
        const std::size_t i = static_cast<std::size_t>(r * cols + c);
        const float wx = dxs[i], wy = dys[i], wz = dzs[i];
        const float dx = m00 * wx + m01 * wy + m02 * wz;
        const float dy = m10 * wx + m11 * wy + m12 * wz;
        const float dz = m20 * wx + m21 * wy + m22 * wz;
        // Restart the ray at its closest approach to the centre: well-conditioned quadratics in float.
        const float tc = -(ox * dx + oy * dy + oz * dz);
        float mainLen, cutLen;
        chord(p, ox + tc * dx, oy + tc * dy, oz + tc * dz, dx, dy, dz, mainLen, cutLen);
        out[i] += p.mu * mainLen + p.cutMu * cutLen;
      }
    }
  }
}

std::shared_ptr<core::Image> formRadiograph(const std::vector<float>& lineIntegrals, const XrayGeometry& g,
                                            const DrrAppearance& a, Random& rng) {
  const int rows = g.rows, cols = g.columns;
  const std::size_t n = lineIntegrals.size();
  // Primary quanta with the heel effect, then scatter as a wide blur of the primary.
  static thread_local std::vector<float> flat, q, scatter, trans, dens, low, fine, proc, sample;
  flat.resize(static_cast<std::size_t>(rows));
  for (int r = 0; r < rows; ++r)
    flat[static_cast<std::size_t>(r)] =
        static_cast<float>(a.photons * (1.0 + a.heel * (0.5 - static_cast<double>(r) / rows)));
  q.resize(n);
  for (std::size_t i = 0; i < n; ++i) q[i] = flat[i / static_cast<std::size_t>(cols)] * std::exp(-lineIntegrals[i]);
  wideBlur(q, rows, cols, a.scatterSigmaMm / g.pixelSpacing, scatter);
  // Collimator blades (soft edge) and the lead marker.
  trans.assign(n, 1.0f);
  const double left = a.collimation[0] * cols, right = cols - 1 - a.collimation[1] * cols;
  const double top = a.collimation[2] * rows, bottom = rows - 1 - a.collimation[3] * rows;
  auto edge = [](double d) { return 1.0 / (1.0 + std::exp(-d / 1.2)); };  // d > 0 inside the field
  std::vector<double> colIn(static_cast<std::size_t>(cols)), rowIn(static_cast<std::size_t>(rows));
  for (int c = 0; c < cols; ++c) colIn[static_cast<std::size_t>(c)] = edge(c - left) * edge(right - c);
  for (int r = 0; r < rows; ++r) rowIn[static_cast<std::size_t>(r)] = edge(r - top) * edge(bottom - r);
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < cols; ++c)
      trans[static_cast<std::size_t>(r * cols + c)] =
          static_cast<float>(0.015 + 0.985 * rowIn[static_cast<std::size_t>(r)] * colIn[static_cast<std::size_t>(c)]);
  if (a.marker) {
    const bool pa = g.viewPosition == "PA";
    const char* const* glyph = pa ? kGlyphR : kGlyphL;
    const int scale = std::max(3, static_cast<int>(std::round(2.4 / g.pixelSpacing)));
    const int mc = pa ? static_cast<int>(left) + 14 + static_cast<int>(rng.uniformInt(0, 20))
                      : static_cast<int>(right) - 14 - 5 * scale - static_cast<int>(rng.uniformInt(0, 20));
    const int mr = static_cast<int>(top) + 16 + static_cast<int>(rng.uniformInt(0, 40));
    for (int gy = 0; gy < 7 * scale; ++gy)
      for (int gx = 0; gx < 5 * scale; ++gx) {
        if (glyph[gy / scale][gx / scale] != '1') continue;
        const int r = mr + gy, c = mc + gx;
        if (r >= 0 && r < rows && c >= 0 && c < cols) trans[static_cast<std::size_t>(r * cols + c)] *= 0.04f;
      }
  }
  // Quantum (Poisson, Gaussian approximation) plus electronic noise; log; processing.
  dens.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const double mean = (q[i] + a.scatterFraction * scatter[i]) * trans[i];
    const double noisy = mean + std::sqrt(mean + 4.0) * rng.normal();  // quantum + electronic (sd 2)
    dens[i] = static_cast<float>(std::log(flat[i / static_cast<std::size_t>(cols)] / std::max(0.5, noisy)));
  }
  wideBlur(dens, rows, cols, 22.0 / g.pixelSpacing, low);
  boxBlur(dens, rows, cols, 4, fine);
  proc.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    proc[i] = static_cast<float>(dens[i] - a.rangeCompression * low[i] + a.edgeEnhance * (dens[i] - fine[i]));
    // Direct exposure (no patient in the ray) stays black after processing, as on clinical systems.
    const float w = std::clamp((lineIntegrals[i] - 0.2f) / 0.8f, 0.0f, 1.0f);
    proc[i] = w * proc[i] + (1.0f - w) * -1.0e3f;
    // Electronic shutter over the collimated border (displayed white, as clinical viewers do).
    const float open = std::clamp((trans[i] - 0.015f) / 0.985f, 0.0f, 1.0f);
    proc[i] = open * proc[i] + (1.0f - open) * 1.0e3f;
  }
  // Window from percentiles inside the collimated field.
  // Exposure-field recognition as on real systems: the window comes from the collimated field, leaving out
  // direct exposure (rays that miss the patient), which then saturates to black.
  sample.clear();
  for (std::size_t i = 0; i < n; i += 5)
    if (trans[i] > 0.9f && lineIntegrals[i] > 1.5f) sample.push_back(proc[i]);
  if (sample.empty()) sample.push_back(0.0f);
  auto pct = [&](double f) {
    const std::size_t k = std::min(sample.size() - 1, static_cast<std::size_t>(f * static_cast<double>(sample.size())));
    std::nth_element(sample.begin(), sample.begin() + static_cast<std::ptrdiff_t>(k), sample.end());
    return static_cast<double>(sample[k]);
  };
  const double lo = pct(a.lowPercentile), hi = std::max(lo + 1e-3, pct(a.highPercentile));
  const double maxV = std::pow(2.0, a.bits) - 1.0;

  core::Geometry geo;
  geo.size = {cols, rows, 1};
  geo.spacing = {g.pixelSpacing, g.pixelSpacing, 1.0};
  geo.origin = g.detectorOrigin();
  geo.direction.col(0) = g.colDir;
  geo.direction.col(1) = g.rowDir;
  geo.direction.col(2) = g.colDir.cross(g.rowDir);
  auto img = std::make_shared<core::Image>(geo, core::PixelType::UInt16);
  auto* px = img->as<std::uint16_t>();
  // Gamma through a fine lookup table (the output has at most 16 bits anyway).
  constexpr int kLut = 1 << 14;
  std::vector<std::uint16_t> lut(kLut + 1);
  for (int k = 0; k <= kLut; ++k)
    lut[static_cast<std::size_t>(k)] = static_cast<std::uint16_t>(std::lround(std::pow(static_cast<double>(k) / kLut, a.gamma) * maxV));
  const double scale = kLut / (hi - lo);
  for (std::size_t i = 0; i < n; ++i) {
    const double v = std::clamp((proc[i] - lo) * scale, 0.0, static_cast<double>(kLut));
    px[i] = lut[static_cast<std::size_t>(std::lround(v))];
  }
  return img;
}

}  // namespace openrad::phantom
