#include "openrad/phantom/SpineModel.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace openrad::phantom {

namespace {

constexpr double kPi = 3.14159265358979323846;
double rad(double deg) { return deg * kPi / 180.0; }
double deg(double r) { return r * 180.0 / kPi; }

/// Piecewise-linear table over vertebra index; keys at T1, T4, T8, T12, L1, L3, L5 (0, 3, 7, 11, 12, 14, 16).
double morph(int index, const std::array<double, 7>& values) {
  static const std::array<double, 7> keys{0, 3, 7, 11, 12, 14, 16};
  const double x = std::clamp(static_cast<double>(index), 0.0, 16.0);
  for (int k = 0; k < 6; ++k) {
    if (x <= keys[k + 1]) {
      const double f = (x - keys[k]) / (keys[k + 1] - keys[k]);
      return values[k] + f * (values[k + 1] - values[k]);
    }
  }
  return values[6];
}

// Adult morphometry (mm), rounded from Panjabi et al. 1991 (thoracic) and 1992 (lumbar).
const std::array<double, 7> kBodyWidth{30, 28, 32, 42, 43, 48, 52};
const std::array<double, 7> kBodyDepth{16, 21, 27, 31, 32, 34, 34};
const std::array<double, 7> kHeightPost{14, 16.5, 19, 22.5, 25, 26, 24.5};
const std::array<double, 7> kHeightAnt{13.5, 15.5, 17.5, 21.5, 24, 26, 27.5};
const std::array<double, 7> kDiscBelow{4.0, 4.5, 5.5, 7.0, 9.0, 11.0, 11.5};
const std::array<double, 7> kPedicleWidth{8, 5, 5.5, 7.5, 8, 10, 14};
const std::array<double, 7> kPedicleHeight{9, 11, 12, 15, 15, 14.5, 13.5};
const std::array<double, 7> kCanalHalfWidth{10, 8.5, 8, 10, 11, 12, 13};
const std::array<double, 7> kCanalDepth{15, 15, 15, 16, 17, 16, 16};
const std::array<double, 7> kSpinousLength{45, 40, 40, 32, 30, 30, 25};
const std::array<double, 7> kSpinousDown{25, 45, 60, 25, 10, 5, 10};
const std::array<double, 7> kSpinousHalfHeight{5, 5, 6, 8, 9, 10, 9};
const std::array<double, 7> kTransverseLength{25, 22, 18, 10, 14, 24, 20};
const std::array<double, 7> kTransverseBack{25, 35, 40, 30, 5, 0, 10};

Eigen::Matrix3d rotX(double a) { return Eigen::AngleAxisd(a, Eigen::Vector3d::UnitX()).toRotationMatrix(); }
Eigen::Matrix3d rotY(double a) { return Eigen::AngleAxisd(a, Eigen::Vector3d::UnitY()).toRotationMatrix(); }
Eigen::Matrix3d rotZ(double a) { return Eigen::AngleAxisd(a, Eigen::Vector3d::UnitZ()).toRotationMatrix(); }

/// Frame whose local z is `axis` and local x is as close as possible to `xHint`.
Eigen::Matrix3d frameFromAxis(const Eigen::Vector3d& axis, const Eigen::Vector3d& xHint) {
  const Eigen::Vector3d z = axis.normalized();
  Eigen::Vector3d x = xHint - xHint.dot(z) * z;
  if (x.norm() < 1e-6) x = z.unitOrthogonal();
  x.normalize();
  Eigen::Matrix3d r;
  r.col(0) = x;
  r.col(1) = z.cross(x);
  r.col(2) = z;
  return r;
}

Primitive basePrimitive(Primitive::Shape shape, const Eigen::Vector3d& centre, const Eigen::Matrix3d& frame,
                        const Eigen::Vector3d& axes, double mu, int label, const Eigen::Vector3d& box) {
  Primitive p;
  p.shape = shape;
  p.centre = centre.cast<float>();
  p.toLocal = frame.transpose().cast<float>();
  p.axes = axes.cast<float>();
  p.mu = static_cast<float>(mu);
  p.label = label;
  p.boxHalf = box.cast<float>();
  return p;
}

Primitive ellipsoid(const Eigen::Vector3d& centre, const Eigen::Matrix3d& frame, const Eigen::Vector3d& axes,
                    double mu, int label) {
  return basePrimitive(Primitive::Shape::Ellipsoid, centre, frame, axes, mu, label, axes);
}

void addPlane(Primitive& p, const Eigen::Vector3d& nLocal, double w) {
  if (p.planeCount >= 6) throw std::logic_error("Primitive: too many planes");
  const double len = nLocal.norm();
  p.planes[static_cast<std::size_t>(p.planeCount++)] =
      Eigen::Vector4f(static_cast<float>(nLocal.x() / len), static_cast<float>(nLocal.y() / len),
                      static_cast<float>(nLocal.z() / len), static_cast<float>(w / len));
}

/// Adds a world half-space n·(x - point) <= 0 to a primitive.
void addWorldPlane(Primitive& p, const Eigen::Vector3d& nWorld, const Eigen::Vector3d& pointWorld) {
  const Eigen::Matrix3d toLocal = p.toLocal.cast<double>();
  const Eigen::Vector3d n = toLocal * nWorld;
  const Eigen::Vector3d q = toLocal * (pointWorld - p.centre.cast<double>());
  addPlane(p, n, n.dot(q));
}

void addCut(Primitive& p, const Eigen::Vector3d& centreLocal, const Eigen::Vector3d& axes) {
  if (p.cutCount >= 2) throw std::logic_error("Primitive: too many cuts");
  p.cutCentres[static_cast<std::size_t>(p.cutCount)] = centreLocal.cast<float>();
  p.cutAxes[static_cast<std::size_t>(p.cutCount++)] = axes.cast<float>();
}

/// A tube along a polyline with elliptic cross-section (a along `upHint`, b across), mitred joints so that
/// consecutive segments neither overlap nor leave gaps; optional marrow core (a-shell, b-shell).
void addChain(std::vector<Primitive>& out, const std::vector<Eigen::Vector3d>& pts, const Eigen::Vector3d& upHint,
              double a, double b, double shell, double mu, double innerMu, int label) {
  const std::size_t n = pts.size();
  if (n < 2) return;
  std::vector<Eigen::Vector3d> tangents(n - 1);
  for (std::size_t j = 0; j + 1 < n; ++j) tangents[j] = (pts[j + 1] - pts[j]).normalized();
  for (std::size_t j = 0; j + 1 < n; ++j) {
    const Eigen::Vector3d m = 0.5 * (pts[j] + pts[j + 1]);
    const double half = 0.5 * (pts[j + 1] - pts[j]).norm();
    const Eigen::Matrix3d frame = frameFromAxis(tangents[j], upHint);
    const Eigen::Vector3d nStart = j == 0 ? tangents[j] : (tangents[j - 1] + tangents[j]).normalized();
    const Eigen::Vector3d nEnd = j + 2 == n ? tangents[j] : (tangents[j] + tangents[j + 1]).normalized();
    // The mitre planes reach beyond the segment ends by r·tan(angle to the tangent).
    auto reach = [&](const Eigen::Vector3d& nrm) {
      const double c = std::clamp(nrm.dot(tangents[j]), 0.2, 1.0);
      return std::sqrt(1.0 - c * c) / c;
    };
    const Eigen::Vector3d bound(a, b, half + std::max(a, b) * std::max(reach(nStart), reach(nEnd)) + 0.5);
    for (int layer = 0; layer < (shell > 0.0 ? 2 : 1); ++layer) {
      const double da = layer == 0 ? a : a - shell, db = layer == 0 ? b : b - shell;
      if (da <= 0.2 || db <= 0.2) continue;
      Primitive p = basePrimitive(Primitive::Shape::Cylinder, m, frame, {da, db, half}, layer == 0 ? mu : innerMu,
                                  label, bound);
      addWorldPlane(p, -nStart, pts[j]);
      addWorldPlane(p, nEnd, pts[j + 1]);
      out.push_back(p);
    }
  }
}

struct Morph {
  double hw, hd, hA, hP, disc, pw, ph, canalHw, canalDepth, spLen, spDown, spHh, tpLen, tpBack;
};

Morph morphology(int i, double scale) {
  Morph m{};
  if (i >= 17) {  // S1
    m = {26, 18, 30, 28, 0, 14, 14, 14, 14, 15, 20, 8, 0, 0};
  } else {
    m.hw = morph(i, kBodyWidth) / 2;
    m.hd = morph(i, kBodyDepth) / 2;
    m.hA = morph(i, kHeightAnt);
    m.hP = morph(i, kHeightPost);
    m.disc = morph(i, kDiscBelow);
    m.pw = morph(i, kPedicleWidth);
    m.ph = morph(i, kPedicleHeight);
    m.canalHw = morph(i, kCanalHalfWidth);
    m.canalDepth = morph(i, kCanalDepth);
    m.spLen = morph(i, kSpinousLength);
    m.spDown = morph(i, kSpinousDown);
    m.spHh = morph(i, kSpinousHalfHeight);
    m.tpLen = morph(i, kTransverseLength);
    m.tpBack = morph(i, kTransverseBack);
  }
  for (double* v : {&m.hw, &m.hd, &m.hA, &m.hP, &m.disc, &m.pw, &m.ph, &m.canalHw, &m.canalDepth, &m.spLen, &m.spHh,
                    &m.tpLen})
    *v *= scale;
  return m;
}

double smoothstep(double x) {
  x = std::clamp(x, 0.0, 1.0);
  return x * x * (3.0 - 2.0 * x);
}

/// Angle (degrees) between the sagittal projections (y, z) of two directions, signed so that a kyphotic
/// or lordotic bend is positive when the posterior ends converge / diverge as named by the caller.
double sagittalAngle(const Eigen::Vector3d& a, const Eigen::Vector3d& b) {
  const double aa = std::atan2(a.z(), a.y());
  const double bb = std::atan2(b.z(), b.y());
  double d = deg(aa - bb);
  while (d > 180) d -= 360;
  while (d < -180) d += 360;
  return d;
}

}  // namespace

std::string vertebraName(int index) {
  if (index < 0 || index > 17) throw std::out_of_range("vertebraName: index " + std::to_string(index));
  if (index < 12) return "T" + std::to_string(index + 1);
  if (index < 17) return "L" + std::to_string(index - 11);
  return "S1";
}

SpineParams sampleSpineParams(Random& rng) {
  SpineParams p;
  const bool adult = rng.bernoulli(0.25);
  p.ageYears = adult ? static_cast<int>(rng.uniformInt(25, 80)) : static_cast<int>(rng.uniformInt(10, 18));
  p.sex = rng.bernoulli(adult ? 0.5 : 0.75) ? "F" : "M";
  const double ageScale = adult ? 1.0 : 0.80 + 0.02 * (p.ageYears - 10);
  p.scale = ageScale * (p.sex == "F" ? 0.95 : 1.02) * rng.uniform(0.94, 1.06);
  p.boneDensity = adult && p.ageYears > 60 ? rng.uniform(0.65, 0.95) : rng.uniform(0.9, 1.15);
  p.torsoHalfWidth = p.scale * rng.uniform(130, 165);
  p.torsoHalfDepth = p.scale * rng.uniform(85, 120);
  p.bowelGas = rng.uniform(0.2, 1.8);

  // Scoliosis pattern (Lenke-like): none, single MT, single TL, MT+TL, PT+MT, PT+MT+TL.
  const std::size_t pattern = rng.weightedIndex({0.12, 0.30, 0.18, 0.20, 0.10, 0.10});
  const double mainCobb = 5.0 + 85.0 * std::pow(rng.uniform(), 2.0);  // median ~26°
  const int mtDir = rng.bernoulli(0.85) ? 1 : -1;
  auto makeCurve = [&](const std::string& region, double cobb, int upper, int lower, int dir) {
    ScoliosisCurve c;
    c.region = region;
    c.cobbDeg = std::round(cobb * 10.0) / 10.0;
    c.upperEnd = upper;
    c.lowerEnd = lower;
    c.apex = (upper + lower + (rng.bernoulli(0.5) ? 1 : 0)) / 2;
    c.convexity = dir;
    c.apicalRotationDeg = std::round(std::min(30.0, c.cobbDeg * rng.uniform(0.18, 0.35)) * 10.0) / 10.0;
    return c;
  };
  const bool hasPt = pattern >= 4, hasMt = pattern == 1 || pattern >= 3, hasTl = pattern == 2 || pattern == 3 || pattern == 5;
  int ptLower = static_cast<int>(rng.uniformInt(4, 5));
  int mtUpper = hasPt ? ptLower : static_cast<int>(rng.uniformInt(4, 6));
  int mtLower = static_cast<int>(rng.uniformInt(10, 12));
  int tlUpper = hasMt ? mtLower : static_cast<int>(rng.uniformInt(9, 11));
  int tlLower = static_cast<int>(rng.uniformInt(std::max(14, tlUpper + 4), 16));
  double cPt = 0, cMt = 0, cTl = 0;
  if (pattern == 1) cMt = mainCobb;
  if (pattern == 2) cTl = mainCobb;
  if (pattern == 3) {
    cMt = mainCobb;
    cTl = mainCobb * rng.uniform(0.6, 1.1);
  }
  if (pattern == 4) {
    cMt = mainCobb;
    cPt = mainCobb * rng.uniform(0.3, 0.8);
  }
  if (pattern == 5) {
    cMt = mainCobb;
    cPt = mainCobb * rng.uniform(0.3, 0.7);
    cTl = mainCobb * rng.uniform(0.5, 1.0);
  }
  // A middle curve smaller than both neighbours would merge them into one larger Cobb angle.
  if (hasPt && hasTl) cMt = std::max(cMt, std::min(cPt, cTl));
  if (hasPt) p.curves.push_back(makeCurve("PT", cPt, 0, ptLower, -mtDir));
  if (hasMt) p.curves.push_back(makeCurve("MT", cMt, mtUpper, mtLower, mtDir));
  if (hasTl) p.curves.push_back(makeCurve("TL", cTl, tlUpper, tlLower, hasMt ? -mtDir : (rng.bernoulli(0.6) ? -1 : 1)));

  const double mtCobb = hasMt ? cMt : 0.0;
  p.kyphosisDeg = std::clamp(rng.normal(40.0, 9.0) - 0.15 * mtCobb, 10.0, 70.0);
  p.lordosisDeg = std::clamp(rng.normal(52.0, 9.0), 28.0, 75.0);
  p.sacralSlopeDeg = std::clamp(0.65 * p.lordosisDeg + rng.normal(4.0, 4.0), 22.0, 55.0);
  p.proximalKyphosisDeg = rng.uniform(4.0, 14.0);

  if (rng.bernoulli(adult ? 0.3 : 0.06)) {
    p.fractureLevel = static_cast<int>(rng.weightedIndex({0, 0, 0, 0, 0, 0.5, 0.6, 0.8, 1, 1.2, 1.6, 2.5, 2.5, 1.2, 0.8, 0.5, 0}));
    p.fractureHeightLoss = rng.uniform(0.15, 0.45);
  }
  if (rng.bernoulli(adult ? 0.2 : 0.08)) {
    p.listhesisLevel = rng.bernoulli(0.6) ? 16 : 15;
    p.listhesisGrade = static_cast<int>(rng.weightedIndex({0, 0.7, 0.22, 0.08}));
    p.listhesisPercent = std::round(rng.uniform(25.0 * (p.listhesisGrade - 1) + 4.0, 25.0 * p.listhesisGrade) * 10) / 10;
  }
  return p;
}

SpineModel buildSpineModel(const SpineParams& params, Random& rng) {
  SpineModel model;
  model.params = params;
  const double s = params.scale;
  std::array<Morph, 18> mo;
  for (int i = 0; i < 18; ++i) mo[static_cast<std::size_t>(i)] = morphology(i, s);
  if (params.fractureLevel >= 0 && params.fractureLevel < 17) {
    auto& m = mo[static_cast<std::size_t>(params.fractureLevel)];
    m.hA *= 1.0 - params.fractureHeightLoss;
    m.hP *= 1.0 - 0.25 * params.fractureHeightLoss;
  }

  // Arc length of each vertebra centre above the S1 superior endplate (s = 0), going up.
  std::array<double, 18> sc{};
  sc[17] = -0.5 * (mo[17].hA + mo[17].hP) / 2;
  double arc = 0.0;
  for (int i = 16; i >= 0; --i) {
    const auto& m = mo[static_cast<std::size_t>(i)];
    arc += m.disc;  // disc below vertebra i
    const double h = 0.5 * (m.hA + m.hP);
    sc[static_cast<std::size_t>(i)] = arc + h / 2;
    arc += h;
  }
  const double topArc = arc;

  // Coronal tilt: cumulative cosine ramps between end-vertebra centres (exact Cobb per curve).
  auto coronal = [&](double sArc, double alpha0) {
    double a = alpha0;
    for (const auto& c : params.curves) {
      const double sLow = sc[static_cast<std::size_t>(c.lowerEnd)], sUp = sc[static_cast<std::size_t>(c.upperEnd)];
      const double v = std::clamp((sArc - sLow) / (sUp - sLow), 0.0, 1.0);
      a += c.convexity * rad(c.cobbDeg) * 0.5 * (1.0 - std::cos(kPi * v));
    }
    return a;
  };
  auto axial = [&](double sArc) {
    double phi = 0.0;
    for (const auto& c : params.curves) {
      const double sLow = sc[static_cast<std::size_t>(c.lowerEnd)], sUp = sc[static_cast<std::size_t>(c.upperEnd)];
      const double v = std::clamp((sArc - sLow) / (sUp - sLow), 0.0, 1.0);
      const double w = std::sin(kPi * v);
      phi += -c.convexity * rad(c.apicalRotationDeg) * w * w * w;
    }
    return phi;
  };
  // Sagittal tangent angle (positive = leaning anteriorly), knots at endplates.
  const double sL1sup = sc[12] + 0.5 * (mo[12].hA + mo[12].hP) / 2;
  const double sT12inf = sc[11] - 0.5 * (mo[11].hA + mo[11].hP) / 2;
  const double sT4sup = sc[3] + 0.5 * (mo[3].hA + mo[3].hP) / 2;
  const double ss = rad(params.sacralSlopeDeg), pk = rad(params.proximalKyphosisDeg);
  double ll = rad(params.lordosisDeg), tk = rad(params.kyphosisDeg);
  auto sagittal = [&](double sArc) {
    double b = ss;
    b -= ll * smoothstep(sArc / sL1sup);
    b += tk * smoothstep((sArc - sT12inf) / (sT4sup - sT12inf));
    b += pk * smoothstep((sArc - sT4sup) / (topArc - sT4sup));
    return b;
  };

  auto build = [&](double alpha0) {
    std::vector<VertebraPose> v(18);
    for (int i = 0; i < 18; ++i) {
      auto& p = v[static_cast<std::size_t>(i)];
      const auto& m = mo[static_cast<std::size_t>(i)];
      p.name = vertebraName(i);
      const double a = coronal(i == 17 ? 0.0 : sc[static_cast<std::size_t>(i)], alpha0);
      const double b = i == 17 ? ss : sagittal(sc[static_cast<std::size_t>(i)]);
      const double phi = i == 17 ? 0.0 : axial(sc[static_cast<std::size_t>(i)]);
      p.frame = rotY(a) * rotX(b) * rotZ(phi);
      p.coronalTiltDeg = deg(a);
      p.sagittalTiltDeg = deg(b);
      p.axialRotationDeg = deg(phi);
      p.halfWidth = m.hw;
      p.halfDepth = m.hd;
      p.heightAnterior = m.hA;
      p.heightPosterior = m.hP;
    }
    // S1 superior endplate centre at the origin; stack upwards through the discs.
    auto& s1 = v[17];
    s1.centre = -s1.frame.col(2) * (0.5 * (mo[17].hA + mo[17].hP) / 2);
    for (int i = 16; i >= 0; --i) {
      const auto& below = v[static_cast<std::size_t>(i + 1)];
      auto& cur = v[static_cast<std::size_t>(i)];
      const auto& mb = mo[static_cast<std::size_t>(i + 1)];
      const auto& m = mo[static_cast<std::size_t>(i)];
      Eigen::Vector3d p = below.centre + below.frame.col(2) * (0.5 * (mb.hA + mb.hP) / 2);
      const Eigen::Vector3d discDir = (below.frame.col(2) + cur.frame.col(2)).normalized();
      p += discDir * m.disc;
      if (i == params.listhesisLevel) {
        cur.anteriorShift = params.listhesisPercent / 100.0 * 2.0 * mb.hd;
        p -= below.frame.col(1) * cur.anteriorShift;
      }
      cur.centre = p + cur.frame.col(2) * (0.5 * (m.hA + m.hP) / 2);
    }
    return v;
  };

  // Balance: a constant coronal tilt so that T1 sits (nearly) above S1; it leaves every Cobb angle unchanged.
  std::vector<VertebraPose> v = build(0.0);
  double alpha0 = 0.0;
  for (int it = 0; it < 3; ++it) {
    const Eigen::Vector3d d = v[0].centre - v[17].centre;
    alpha0 -= std::atan2(d.x(), d.z());
    v = build(alpha0);
  }
  // Vertebral body wedging adds to the sagittal angles measured on endplates: correct the centreline ramps
  // so that the endplate kyphosis (T4–T12) and lordosis (L1–S1) equal the sampled values.
  auto endplateNormal = [&](const std::vector<VertebraPose>& vs, int i, bool superior) {
    const auto& m = mo[static_cast<std::size_t>(i)];
    const double c1 = (m.hP - m.hA) / (4.0 * m.hd);
    return Eigen::Vector3d(vs[static_cast<std::size_t>(i)].frame *
                           Eigen::Vector3d(0, superior ? -c1 : c1, 1).normalized());
  };
  for (int it = 0; it < 3; ++it) {
    const double k = sagittalAngle(endplateNormal(v, 3, true), endplateNormal(v, 11, false));
    const double l = sagittalAngle(endplateNormal(v, 17, true), endplateNormal(v, 12, true));
    tk += rad(params.kyphosisDeg - k);
    ll += rad(params.lordosisDeg - l);
    v = build(alpha0);
    const Eigen::Vector3d d = v[0].centre - v[17].centre;
    alpha0 -= std::atan2(d.x(), d.z());
    v = build(alpha0);
  }
  model.params.trunkShiftDeg = deg(alpha0);

  // Corners and the body solids.
  auto& prims = model.primitives;
  const float dCort = Tissue::kCortical - Tissue::kSoft;
  const float canc = Tissue::kSoft + (Tissue::kCancellous - Tissue::kSoft) * static_cast<float>(params.boneDensity);
  const float dCanc = canc - Tissue::kCortical;
  const float dDisc = Tissue::kDisc - Tissue::kSoft;
  const float dProc = 0.35f * Tissue::kCortical + 0.65f * canc - Tissue::kSoft;
  for (int i = 0; i < 18; ++i) {
    auto& p = v[static_cast<std::size_t>(i)];
    const auto& m = mo[static_cast<std::size_t>(i)];
    const double c0 = (m.hA + m.hP) / 4.0, c1 = (m.hP - m.hA) / (4.0 * m.hd);
    const double yPost = 0.85 * m.hd;
    auto local = [&](double x, double y, double z) { return Eigen::Vector3d(p.centre + p.frame * Eigen::Vector3d(x, y, z)); };
    p.apCorners = {local(-m.hw, 0, c0), local(m.hw, 0, c0), local(-m.hw, 0, -c0), local(m.hw, 0, -c0)};
    p.lateralCorners = {local(0, -m.hd, m.hA / 2), local(0, yPost, c0 + c1 * yPost), local(0, -m.hd, -m.hA / 2),
                        local(0, yPost, -(c0 + c1 * yPost))};
    const int label = SpineLabels::vertebra(i);
    const double capDepth = (i == params.fractureLevel ? 3.5 : 2.0) * s;
    const Eigen::Vector3d bound(m.hw, m.hd, c0 + std::abs(c1) * m.hd + 0.5);
    for (int layer = 0; layer < 2; ++layer) {
      const double t = layer == 0 ? 0.0 : 1.4 * s, te = layer == 0 ? 0.0 : 1.1 * s;
      Primitive b = basePrimitive(Primitive::Shape::Cylinder, p.centre, p.frame, {m.hw - t, m.hd - t, 0},
                                  layer == 0 ? dCort : dCanc, label, bound);
      const double nlen = std::sqrt(1.0 + c1 * c1);
      addPlane(b, {0, -c1, 1}, c0 - te * nlen);
      addPlane(b, {0, -c1, -1}, c0 - te * nlen);
      addPlane(b, {0, 1, 0}, yPost - t);
      const Eigen::Vector3d capAxes(0.78 * m.hw, 0.75 * m.hd, capDepth);
      addCut(b, {0, 0, c0 - te}, capAxes);
      addCut(b, {0, 0, -c0 + te}, capAxes);
      b.cutMu = layer == 0 ? dDisc : 0.0f;
      prims.push_back(b);
    }
    if (i == 17) continue;
    // Posterior elements in the vertebra frame.
    const double pedX = m.canalHw + 0.5 * m.pw, pedZ = 0.12 * m.hP;
    const double yLam = yPost + m.canalDepth;
    for (int side = -1; side <= 1; side += 2) {
      const Eigen::Vector3d a0 = local(side * pedX, yPost, pedZ), a1 = local(side * pedX, yLam + 2.0, pedZ);
      addChain(prims, {a0, a1}, p.frame.col(0), 0.5 * m.pw, 0.5 * m.ph, 1.2, dCort, dCanc, label);
      // Articular processes.
      prims.push_back(ellipsoid(local(side * (pedX + 1.0), yLam, pedZ + 0.5 * m.hP + 3.0 * s), p.frame,
                                Eigen::Vector3d(4.5, 5, 8) * s, dProc, label));
      prims.push_back(ellipsoid(local(side * (pedX - 1.0), yLam + 3.0 * s, pedZ - 0.5 * m.hP - 3.0 * s), p.frame,
                                Eigen::Vector3d(4.5, 5, 8) * s, dProc, label));
      // Transverse process.
      const double back = rad(m.tpBack);
      const Eigen::Vector3d dir = p.frame * Eigen::Vector3d(side * std::cos(back), std::sin(back), 0.15);
      const Eigen::Vector3d t0 = local(side * (pedX + 0.3 * m.pw), yPost + 0.6 * m.canalDepth, pedZ);
      addChain(prims, {t0, t0 + dir.normalized() * m.tpLen}, p.frame.col(2), (i < 12 ? 5.0 : 4.5) * s,
               (i < 12 ? 4.5 : 3.0) * s, 0.0, dProc, 0.0, label);
    }
    // Lamina and spinous process.
    prims.push_back(ellipsoid(local(0, yLam + 3.0 * s, pedZ - 0.1 * m.hP), p.frame,
                              Eigen::Vector3d(pedX + 0.4 * m.pw, 3.2 * s, 0.45 * m.hP), dProc, label));
    const double down = rad(m.spDown);
    const Eigen::Vector3d sp0 = local(0, yLam + 4.0 * s, pedZ - 0.1 * m.hP);
    const Eigen::Vector3d sp1 = sp0 + p.frame * Eigen::Vector3d(0, std::cos(down), -std::sin(down)) * m.spLen;
    addChain(prims, {sp0, sp1}, p.frame.col(2), m.spHh, 2.6 * s, 0.9, dCort, dCanc, label);
    prims.push_back(ellipsoid(sp1, p.frame, Eigen::Vector3d(3.5, 3.5, 0.8 * m.spHh) * s, dProc, label));
  }

  // Discs: elliptic cylinders between the endplate planes of adjacent bodies (filling the rim gap).
  for (int i = 0; i < 17; ++i) {
    const auto& up = v[static_cast<std::size_t>(i)];
    const auto& lo = v[static_cast<std::size_t>(i + 1)];
    const auto& mu = mo[static_cast<std::size_t>(i)];
    const auto& ml = mo[static_cast<std::size_t>(i + 1)];
    const Eigen::Vector3d top = up.centre - up.frame.col(2) * ((mu.hA + mu.hP) / 4.0);
    const Eigen::Vector3d bot = lo.centre + lo.frame.col(2) * ((ml.hA + ml.hP) / 4.0);
    Eigen::Matrix3d f = frameFromAxis(top - bot, up.frame.col(0) + lo.frame.col(0));
    const double hw = 0.5 * (mu.hw + ml.hw) * 0.98, hd = 0.5 * (mu.hd + ml.hd) * 0.98;
    Primitive d = basePrimitive(Primitive::Shape::Cylinder, 0.5 * (top + bot), f, {hw, hd, 0}, dDisc,
                                SpineLabels::discBelow(i),
                                Eigen::Vector3d(hw, hd, 0.5 * (top - bot).norm() + 0.35 * std::max(hw, hd) + 2.0));
    // Outside the upper body's inferior plane and the lower body's superior plane.
    const double c1u = (mu.hP - mu.hA) / (4.0 * mu.hd), c1l = (ml.hP - ml.hA) / (4.0 * ml.hd);
    addWorldPlane(d, -(up.frame * Eigen::Vector3d(0, -c1u, -1)), top);
    addWorldPlane(d, -(lo.frame * Eigen::Vector3d(0, -c1l, 1)), bot);
    addPlane(d, {0, 1, 0}, 0.85 * hd);
    prims.push_back(d);
  }

  // Sacrum below S1 (curved, narrowing) with alae.
  {
    const auto& s1 = v[17];
    const auto& m = mo[17];
    // Sacrum: a wedge (inverted triangle on AP, tapering plate on the lateral view) hanging from S1 along
    // the sacral axis, which is tilted with the sacral kyphosis. Local x lateral, y down the sacrum,
    // z through its thickness (an elliptic cylinder along z clipped by five planes).
    const Eigen::Vector3d top = s1.centre - s1.frame.col(2) * (0.5 * (m.hA + m.hP) / 2);
    const Eigen::Vector3d down = (rotX(rad(-10.0)) * -s1.frame.col(2)).normalized();
    Eigen::Matrix3d sf;
    sf.col(0) = s1.frame.col(0);
    sf.col(1) = (down - down.dot(sf.col(0)) * sf.col(0)).normalized();
    sf.col(2) = sf.col(0).cross(sf.col(1));
    const double w = 48.0 * s, len = 105.0 * s, th = 17.0 * s;
    for (int layer = 0; layer < 2; ++layer) {
      const double t = layer == 0 ? 0.0 : 1.6 * s;
      Primitive sac = basePrimitive(Primitive::Shape::Cylinder, top, sf, {w * 1.05 - t, len - t, 0},
                                    layer == 0 ? dCort : dCanc, SpineLabels::vertebra(17),
                                    Eigen::Vector3d(w, len, th + 1.0));
      addPlane(sac, {0, -1, 0}, -t);                      // below the S1 body
      addPlane(sac, {len, w, 0}, len * w - t * std::hypot(len, w));   // right side of the V
      addPlane(sac, {-len, w, 0}, len * w - t * std::hypot(len, w));  // left side
      addPlane(sac, {0, 0.09, 1}, th - t);                // thickness tapering towards the tip
      addPlane(sac, {0, 0.09, -1}, th - t);
      prims.push_back(sac);
    }
    for (int side = -1; side <= 1; side += 2) {
      prims.push_back(ellipsoid(s1.centre + s1.frame * Eigen::Vector3d(side * 40.0 * s, 6.0 * s, -4.0 * s), s1.frame,
                                Eigen::Vector3d(22, 16, 16) * s, dCort, SpineLabels::vertebra(17)));
      prims.back().cutMu = 0.0f;
      Primitive core = ellipsoid(s1.centre + s1.frame * Eigen::Vector3d(side * 40.0 * s, 6.0 * s, -4.0 * s), s1.frame,
                                 Eigen::Vector3d(20.5, 14.5, 14.5) * s, dCanc, SpineLabels::vertebra(17));
      prims.push_back(core);
    }
  }

  // Pelvis: iliac wings as hollow half-ellipsoid bowls, pubic/ischial rami, femoral heads and necks.
  const auto& s1 = v[17];
  const Eigen::Vector3d sCentre = s1.centre;
  const double zS1 = s1.centre.z();
  const double pelvisYaw = rad(38.0);
  for (int side = -1; side <= 1; side += 2) {
    const Eigen::Vector3d wingCentre = sCentre + Eigen::Vector3d(side * 68.0 * s, -8.0 * s, 28.0 * s);
    // Local z = wing normal (lateral-posterior), x = along the wing (anterolateral), y = vertical-ish.
    const Eigen::Matrix3d wf = rotZ(side * pelvisYaw) * rotY(side * rad(12.0)) *
                               (Eigen::Matrix3d() << 0, 0, side, -1, 0, 0, 0, 1, 0).finished();
    Primitive wing = basePrimitive(Primitive::Shape::Ellipsoid, wingCentre, wf, Eigen::Vector3d(66, 58, 22) * s, dCort,
                                   SpineLabels::kPelvis, Eigen::Vector3d(66, 58, 22) * s);
    addCut(wing, {0, 0, -0.6 * s}, Eigen::Vector3d(64.5, 56.5, 20.2) * s);
    addPlane(wing, {0, 0, -1}, 0.0);  // keep the medial half: a bowl
    addPlane(wing, {0, -1, 0}, 30.0 * s);
    prims.push_back(wing);
    const Eigen::Vector3d acet = sCentre + Eigen::Vector3d(side * 88.0 * s, -52.0 * s, -78.0 * s);
    const Eigen::Vector3d sym = sCentre + Eigen::Vector3d(side * 12.0 * s, -105.0 * s, -100.0 * s);
    const Eigen::Vector3d isch = sCentre + Eigen::Vector3d(side * 55.0 * s, -42.0 * s, -135.0 * s);
    const Eigen::Vector3d si = sCentre + Eigen::Vector3d(side * 52.0 * s, 5.0 * s, -12.0 * s);
    addChain(prims, {si, sCentre + Eigen::Vector3d(side * 70.0 * s, -20.0 * s, -45.0 * s), acet},
             Eigen::Vector3d(0, 1, 0), 9.0 * s, 6.5 * s, 1.3, dCort, dCanc, SpineLabels::kPelvis);
    addChain(prims, {acet, 0.5 * (acet + sym) + Eigen::Vector3d(0, 0, -6 * s), sym}, Eigen::Vector3d(0, 0, 1), 5.5 * s,
             4.5 * s, 1.1, dCort, dCanc, SpineLabels::kPelvis);
    addChain(prims, {sym, sym + Eigen::Vector3d(side * 20 * s, 20 * s, -28 * s), isch, acet + Eigen::Vector3d(0, 8 * s, -12 * s)},
             Eigen::Vector3d(0, 1, 0), 5.0 * s, 4.5 * s, 1.1, dCort, dCanc, SpineLabels::kPelvis);
    const Eigen::Vector3d head = acet + Eigen::Vector3d(side * 6.0 * s, 0, -4.0 * s);
    prims.push_back(ellipsoid(head, Eigen::Matrix3d::Identity(), Eigen::Vector3d::Constant(23.0 * s), dCort,
                              SpineLabels::kFemur));
    prims.push_back(ellipsoid(head, Eigen::Matrix3d::Identity(), Eigen::Vector3d::Constant(21.0 * s), dCanc,
                              SpineLabels::kFemur));
    const Eigen::Vector3d troch = head + Eigen::Vector3d(side * 52.0 * s, 10.0 * s, -30.0 * s);
    addChain(prims, {head + (troch - head).normalized() * 21.5 * s, troch, troch + Eigen::Vector3d(-side * 8 * s, 0, -140 * s)},
             Eigen::Vector3d(0, 1, 0), 15.0 * s, 14.0 * s, 3.5, dCort, dCanc, SpineLabels::kFemur);
  }

  // Pelvic brim (iliopectineal line): a thin cortical ring in the inlet plane from the sacral promontory to
  // the top of the symphysis; it gives the oval outline of the true pelvis on AP views.
  {
    const auto& m = mo[17];
    const Eigen::Vector3d prom = s1.centre + s1.frame * Eigen::Vector3d(0, -m.hd, (m.hA + m.hP) / 4.0);
    const Eigen::Vector3d sym = sCentre + Eigen::Vector3d(0, -105.0 * s, -92.0 * s);
    const Eigen::Vector3d ic = 0.5 * (prom + sym);
    const Eigen::Vector3d u = (sym - prom).normalized();
    const Eigen::Vector3d x(1, 0, 0);
    const Eigen::Vector3d nrm = u.cross(x).normalized();
    const double half = 0.5 * (sym - prom).norm();
    std::vector<Eigen::Vector3d> ring;
    for (int k = 0; k <= 28; ++k) {
      const double t = 0.35 + (2.0 * kPi - 0.7) * k / 28.0;  // open at the promontory (sacrum is there)
      ring.push_back(ic - u * (half * std::cos(t)) + x * (62.0 * s * std::sin(t)));
    }
    addChain(prims, ring, nrm, 3.5 * s, 2.5 * s, 0.0, 0.8f * dCort, 0.0, SpineLabels::kPelvis);
  }

  // Ribs T1..T12 following the (rotated) cage ellipse, descending anteriorly.
  const double cageHalfWidth = params.torsoHalfWidth * 0.82;
  const double cageHalfDepth = params.torsoHalfDepth * 0.86;
  for (int i = 0; i < 12; ++i) {
    const auto& p = v[static_cast<std::size_t>(i)];
    const auto& m = mo[static_cast<std::size_t>(i)];
    const double f = std::sin(kPi * std::min(1.0, (i + 1.6) / 9.0) / 2.0);  // upper cage is narrower
    const double rx = cageHalfWidth * (0.45 + 0.55 * f) * (i >= 10 ? 0.97 : 1.0);
    const double ry = cageHalfDepth * (0.55 + 0.45 * f);
    const double yc = 0.85 * m.hd + 24.0 * s - ry;  // posterior angle of the rib lies ~2 cm behind the body
    const Eigen::Matrix3d rf = rotZ(p.axialRotationDeg * kPi / 180.0 * 0.8);
    const double psiEnd = rad(i < 7 ? 150.0 : (i < 10 ? 135.0 - 6.0 * (i - 7) : 95.0 - 12.0 * (i - 10)));
    const double drop = (i < 10 ? 45.0 + 5.0 * i : 30.0) * s;
    const double lift = 6.0 * s;
    for (int side = -1; side <= 1; side += 2) {
      std::vector<Eigen::Vector3d> pts;
      const Eigen::Vector3d headPos = p.centre + rf * Eigen::Vector3d(side * 0.85 * m.hw, 0.55 * m.hd, 0.2 * m.hP);
      pts.push_back(headPos);
      const double psi0 = std::asin(std::min(0.9, (m.canalHw + m.pw + 0.6 * m.tpLen) / rx));
      const int n = 13;
      for (int k = 0; k <= n; ++k) {
        const double u = static_cast<double>(k) / n;
        const double psi = psi0 + u * (psiEnd - psi0);
        const double z = 0.2 * m.hP + lift * std::sin(kPi * std::min(1.0, u * 3.0)) - drop * std::pow(u, 1.4);
        pts.push_back(p.centre + rf * Eigen::Vector3d(side * rx * std::sin(psi), yc + ry * std::cos(psi), z));
      }
      // Posterior and lateral shaft at full size; the anterior third is thinner and less dense (towards
      // the costal cartilage), which is why anterior ribs look fainter on radiographs.
      const double ribA = (i == 0 ? 7.0 : 6.0) * s, ribB = 3.2 * s;
      const std::size_t split = pts.size() * 2 / 3;
      const std::vector<Eigen::Vector3d> post(pts.begin(), pts.begin() + static_cast<std::ptrdiff_t>(split + 1));
      const std::vector<Eigen::Vector3d> ant(pts.begin() + static_cast<std::ptrdiff_t>(split), pts.end());
      addChain(prims, post, Eigen::Vector3d(0, 0, 1), ribA, ribB, 1.1, dCort, dCanc, SpineLabels::kRib);
      addChain(prims, ant, Eigen::Vector3d(0, 0, 1), 0.75 * ribA, 0.75 * ribB, 0.8, 0.7f * dCort, dCanc,
               SpineLabels::kRib);
    }
  }
  // Clavicles at the top of the thorax.
  {
    const auto& t1 = v[0];
    for (int side = -1; side <= 1; side += 2) {
      const Eigen::Vector3d a = t1.centre + Eigen::Vector3d(side * 15 * s, -55 * s, -5 * s);
      const Eigen::Vector3d b = t1.centre + Eigen::Vector3d(side * 80 * s, -40 * s, 8 * s);
      const Eigen::Vector3d c = t1.centre + Eigen::Vector3d(side * 140 * s, -5 * s, 20 * s);
      addChain(prims, {a, b, c}, Eigen::Vector3d(0, 0, 1), 8.0 * s, 6.0 * s, 1.5, dCort, dCanc, SpineLabels::kRib);
    }
  }

  // Soft tissue: torso (fat shell over muscle/organs), lungs with diaphragm domes, trachea, bowel gas.
  const Eigen::Vector3d mid = 0.5 * (v[0].centre + v[17].centre);
  const double torsoY = 0.5 * (v[6].centre.y() + v[14].centre.y()) + 0.85 * mo[10].hd + 85.0 * s - params.torsoHalfDepth;
  const Eigen::Vector3d torsoC(mid.x(), torsoY, mid.z() - 20.0 * s);
  const double torsoH = 520.0 * s;
  model.skinCentre = torsoC;
  model.skinHalfDepth = params.torsoHalfDepth;
  model.skinHalfWidth = params.torsoHalfWidth;
  prims.push_back(ellipsoid(torsoC, Eigen::Matrix3d::Identity(),
                            {params.torsoHalfWidth, params.torsoHalfDepth, torsoH}, Tissue::kFat, 0));
  prims.push_back(ellipsoid(torsoC, Eigen::Matrix3d::Identity(),
                            {params.torsoHalfWidth - 14.0 * s, params.torsoHalfDepth - 12.0 * s, torsoH - 10.0},
                            Tissue::kSoft - Tissue::kFat, 0));
  {
    const double apexZ = v[0].centre.z() + 25.0 * s;
    const double baseZ = v[10].centre.z();
    const double hz = 0.5 * (apexZ - baseZ) + 12.0 * s;
    const Eigen::Vector3d cageC(mid.x(), v[6].centre.y() + 0.85 * mo[6].hd + 24.0 * s - cageHalfDepth, 0);
    for (int side = -1; side <= 1; side += 2) {
      const double lw = cageHalfWidth * (side > 0 ? 0.40 : 0.44);
      const Eigen::Vector3d lc(cageC.x() + side * (0.50 * cageHalfWidth), cageC.y() + 8.0 * s,
                               0.5 * (apexZ + baseZ) - 6.0 * s + (side < 0 ? 8.0 * s : 0.0));
      Primitive lung = basePrimitive(Primitive::Shape::Ellipsoid, lc, Eigen::Matrix3d::Identity(),
                                     {lw, cageHalfDepth * 0.8, hz}, Tissue::kLung - Tissue::kSoft, SpineLabels::kLung,
                                     {lw, cageHalfDepth * 0.8, hz});
      // Diaphragm dome pushes up into the lung base (higher on the right).
      const double domeTop = baseZ + (side < 0 ? 38.0 : 28.0) * s - lc.z();
      addCut(lung, {side * -0.1 * lw, -10.0 * s, domeTop - 80.0 * s}, {lw * 1.25, cageHalfDepth * 0.75, 80.0 * s});
      lung.cutMu = 0.0f;
      prims.push_back(lung);
    }
    // Trachea from above T1 to the carina at T4/T5.
    const Eigen::Vector3d tTop = v[0].centre + Eigen::Vector3d(0, -0.85 * mo[0].hd - 22.0 * s, 60.0 * s);
    const Eigen::Vector3d tBot = v[4].centre + Eigen::Vector3d(0, -mo[4].hd - 28.0 * s, 0);
    addChain(prims, {tTop, tBot}, Eigen::Vector3d(1, 0, 0), 8.0 * s, 7.0 * s, 0.0, Tissue::kAir - Tissue::kSoft, 0, 0);
  }
  {
    // Bowel gas: clusters of small flattened pockets along random colon-like paths (not isolated balls).
    const int clusters = static_cast<int>(std::round(2 + 3 * params.bowelGas));
    const double zTop = v[12].centre.z(), zBot = v[17].centre.z() - 40.0 * s;
    for (int k = 0; k < clusters; ++k) {
      Eigen::Vector3d c(mid.x() + rng.uniform(-0.7, 0.7) * params.torsoHalfWidth,
                        torsoY + rng.uniform(-0.7, 0.0) * params.torsoHalfDepth, rng.uniform(zBot, zTop));
      Eigen::Vector3d step(rng.uniform(-1, 1), rng.uniform(-0.3, 0.3), rng.uniform(-1, 1));
      const int pockets = static_cast<int>(rng.uniformInt(2, 6));
      for (int q = 0; q < pockets; ++q) {
        const Eigen::Vector3d ax(rng.uniform(5, 16) * s, rng.uniform(4, 12) * s, rng.uniform(4, 12) * s);
        prims.push_back(ellipsoid(c, rotZ(rng.uniform(0, kPi)) * rotX(rng.uniform(-0.5, 0.5)), ax,
                                  (Tissue::kAir - Tissue::kSoft) * static_cast<float>(rng.uniform(0.5, 1.0)), 0));
        step = (step + Eigen::Vector3d(rng.uniform(-0.6, 0.6), rng.uniform(-0.2, 0.2), rng.uniform(-0.6, 0.6))).normalized();
        c += step * (ax.maxCoeff() * 1.9);
      }
    }
  }

  model.topZ = v[0].centre.z() + 40.0 * s;
  model.bottomZ = zS1 - 90.0 * s;
  // Realised sagittal angles from the endplates (positive = kyphosis for T4–T12, lordosis for L1–S1).
  model.realisedKyphosisDeg = sagittalAngle(endplateNormal(v, 3, true), endplateNormal(v, 11, false));
  model.realisedLordosisDeg = sagittalAngle(endplateNormal(v, 17, true), endplateNormal(v, 12, true));
  model.vertebrae = std::move(v);
  return model;
}

}  // namespace openrad::phantom
