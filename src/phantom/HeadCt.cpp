#include "openrad/phantom/HeadCt.h"

#include "MriCtNoise.h"
#include "openrad/core/ConnectedParts.h"
#include "openrad/phantom/Random.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <array>
#include <cmath>

namespace openrad::phantom {
namespace {

using V3 = Eigen::Vector3d;
constexpr double kPi = 3.14159265358979323846;

double ellipsoid(const V3& p, const V3& c, const V3& r) {
  return ((p - c).cwiseQuotient(r)).squaredNorm();
}

// Ellipsoid turned by `yaw` radians about the superior axis (for structures that diverge backwards).
double ellipsoidYaw(const V3& p, const V3& c, const V3& r, double yaw) {
  const V3 d = p - c;
  const double cs = std::cos(yaw), sn = std::sin(yaw);
  const V3 local(cs * d.x() + sn * d.y(), -sn * d.x() + cs * d.y(), d.z());
  return local.cwiseQuotient(r).squaredNorm();
}

// Tissue HU values of the template.
// The septum pellucidum of the template between the frontal horns, at the level of the foramina of Monro.
const V3 kSeptumTemplate(0, -8, 14);
// Typical depth of the inner table under the skin (6.5 mm of scalp, 6-7.5 mm of bone).
constexpr double kInnerTableDepthMm = 13.0;

constexpr double kAir = -1000, kFat = -90, kScalp = 35, kBone = 1450, kDiploe = 650, kCsf = 5, kGrey = 38,
                 kWhite = 27, kFalx = 75;

struct Lesion {
  const HeadCtHematoma* h;
  Eigen::Matrix3d invAxes;  // scales head-frame offsets into the unit shape
  double scale;
};

class HeadModel {
public:
  explicit HeadModel(const HeadCtParams& p) : m_p(p) {
    m_tex = Random::mixSeed(p.anatomySeed, 0x48435458ULL);
    m_noiseTex = Random::mixSeed(p.seed, 0x4E4F4953ULL);
    for (const auto& h : p.hematomas) {
      Lesion l;
      l.h = &h;
      l.invAxes = h.axes.cwiseInverse().asDiagonal();
      l.scale = h.radiusMm;
      m_lesions.push_back(l);
    }
    // Mass effect: lateral push toward the opposite side, strongest at the lesion's level.
    double volume = 0, side = 0, y = 0, z = 0;
    for (const auto& h : p.hematomas) {
      const double v = 4.0 / 3.0 * kPi * h.axes.prod() * std::pow(h.radiusMm, 3) / 1000.0;
      const double ve = 4.0 / 3.0 * kPi * h.axes.prod() * (std::pow(h.radiusMm + h.edemaMm, 3) - std::pow(h.radiusMm, 3)) / 1000.0;
      const double w = v + 0.6 * ve;
      volume += w;
      side += w * (h.centre.x() >= 0 ? 1.0 : -1.0);
      y += w * h.centre.y();
      z += w * h.centre.z();
    }
    if (!p.extraAxial.type.empty()) {
      const double w = 0.9 * p.extraAxial.thicknessMm * 70 * 60 / 1000.0 * (p.extraAxial.type == "epidural" ? 0.6 : 1.0);
      volume += w;
      side += w * p.extraAxial.side;
      y += w * p.extraAxial.centreYz.x();
      z += w * p.extraAxial.centreYz.y();
    }
    if (volume > 0) {
      m_pushSide = side >= 0 ? 1.0 : -1.0;
      m_pushY = y / volume;
      m_pushZ = std::clamp(z / volume, -10.0, 45.0);
      m_pushPeak = std::min(14.0, 0.12 * std::pow(volume, 0.92));
    }
  }

  // Displacement of the brain template at head point q (mm).
  V3 displacement(const V3& q) const {
    if (m_pushPeak <= 0) return V3::Zero();
    const double dy = (q.y() - m_pushY) / 55.0, dz = (q.z() - m_pushZ) / 40.0;
    // Largest at the midline, fading toward the skull and nothing at the inner table: the skull does not move, and
    // the falx stays attached to it, so the line through its attachments is the ideal midline a reader measures from.
    const double lateral = std::exp(-0.5 * (q.x() / 38.0) * (q.x() / 38.0));
    double r, R;
    radial(q, r, R);
    const double tether = std::clamp((R - r - kInnerTableDepthMm) / 18.0, 0.0, 1.0);
    return V3(-m_pushSide * m_pushPeak * std::exp(-0.5 * (dy * dy + dz * dz)) * lateral * tether, 0, 0);
  }

  // Head-frame septum pellucidum at the level of the foramina of Monro, after the shift.
  V3 septum() const { return kSeptumTemplate + V3(septumShift(), 0, 0); }

  // Where the ideal midline (head x = 0) meets the inner table at the septum's height, anteriorly (dir -1) or
  // posteriorly (+1): the falx attachments.
  V3 falxAttachment(int dir) const {
    V3 h = kSeptumTemplate;
    h.x() = 0;
    for (int step = 0; step < 1200; ++step, h.y() += 0.1 * dir) {
      double r, R;
      radial(h, r, R);
      if (R - r <= 6.5 + skullThickness(h)) return h;
    }
    return h;
  }

  // Midline shift: where the septum pellucidum (template x = 0) ends up, by fixed-point iteration.
  double septumShift() const {
    V3 h = kSeptumTemplate;
    for (int i = 0; i < 60; ++i) h = kSeptumTemplate + displacement(h);
    return h.x();
  }

  // Normalised radial coordinate of the head outline and the head's local radius along that ray.
  void radial(const V3& h, double& r, double& R) const {
    const V3 c(0, 6, 0);
    const V3 d = h - c;
    const double az = d.z() >= 0 ? 92.0 : 62.0;
    const V3 s = m_p.headScale;
    const double ax = 74.0 * s.x(), ay = (d.y() < 0 ? 94.0 : 98.0) * s.y();
    // Flattened base and a slightly squarer forehead: a superellipsoid with exponent 2.3.
    const double e = 2.3;
    const double rho = std::pow(std::pow(std::abs(d.x()) / ax, e) + std::pow(std::abs(d.y()) / ay, e) +
                                    std::pow(std::abs(d.z()) / (az * s.z()), e),
                                1.0 / e);
    r = d.norm();
    const V3 dir = r > 1e-9 ? V3(d / r) : V3(0, 0, 1);
    const double wobble = 1.0 + 0.02 * detail::valueNoise(dir.x() * 2.0, dir.y() * 2.0, dir.z() * 2.0, m_tex + 3);
    R = rho > 1e-9 ? r / rho * wobble : 1e9;
  }

  // Bone between the outer and the inner table (mm), 6.5 mm under the skin.
  double skullThickness(const V3& h) const {
    return 6.0 + 1.5 * detail::valueNoise(h.x() / 25, h.y() / 25, h.z() / 25, m_tex + 5);
  }

  struct Sample {
    double hu;
    int label;
  };

  Sample sample(const V3& h) const {
    double r, R;
    radial(h, r, R);
    const double depth = R - r;  // mm inside the skin
    if (depth < 0) return {kAir, 0};
    if (depth < 2.0) return {kScalp, 0};
    if (depth < 4.5) return {kFat + 60 * detail::valueNoise(h.x() / 2, h.y() / 2, h.z() / 2, m_tex + 4), 0};
    if (depth < 6.5) return {kScalp, 0};
    const double skull = skullThickness(h);
    const double inner = 6.5 + skull;
    if (depth < inner) {
      const double t = (depth - 6.5) / skull;
      if (t < 0.28 || t > 0.75) return {kBone + 150 * detail::valueNoise(h.x() / 3, h.y() / 3, h.z() / 3, m_tex + 7), 0};
      return {kDiploe + 250 * detail::valueNoise(h.x() / 1.5, h.y() / 1.5, h.z() / 1.5, m_tex + 9), 0};
    }
    // Skull base: sphenoid body with its sinus and the clivus in the midline, petrous ridges running
    // obliquely from the clivus to the side, orbital roofs under the frontal lobes.
    if (h.z() < -14 && h.y() > -34 && h.y() < 6 && std::abs(h.x()) < 13 - 0.3 * std::max(0.0, h.y())) {
      if (ellipsoid(h, V3(0, -20, -30), V3(10, 11, 9)) < 1) return {kAir, 0};
      return {kDiploe + 250 * detail::valueNoise(h.x() / 2, h.y() / 2, h.z() / 2, m_tex + 8), 0};
    }
    if (h.z() < -20 && h.y() > -8 && h.y() < 40 && std::abs(h.x()) > 12) {
      const double ridge = std::abs((h.y() - 2) - 0.85 * (std::abs(h.x()) - 14));
      if (ridge < 2.5 + 0.15 * (-20 - h.z())) return {kBone, 0};
    }
    if (h.y() < -40 && h.z() < -24 + 0.12 * (-40 - h.y()) && h.z() > -34 + 0.12 * (-40 - h.y()))
      return {kBone - 300, 0};  // orbital roof
    const double dIn = depth - inner;  // distance inside the inner table
    // Extra-axial collection between the inner table and the brain.
    const auto& ea = m_p.extraAxial;
    if (!ea.type.empty() && h.x() * ea.side > 5) {
      const double dy = (h.y() - ea.centreYz.x()) / 60.0, dz = (h.z() - ea.centreYz.y()) / 45.0;
      const double f = dy * dy + dz * dz;
      const double thick = ea.type == "epidural" ? ea.thicknessMm * std::max(0.0, 1 - f / 0.45)
                                                 : ea.thicknessMm * std::max(0.0, 1 - f * f);
      if (dIn < thick) {
        const double hu = ea.meanHu + 4 * detail::valueNoise(h.x() / 4, h.y() / 4, h.z() / 4, m_noiseTex + 11);
        return {hu, kCtExtraAxial};
      }
    }
    // Intraparenchymal hematoma and oedema are placed in image space; the brain around them is displaced.
    int edemaOf = -1;
    for (std::size_t i = 0; i < m_lesions.size(); ++i) {
      const Lesion& l = m_lesions[i];
      const V3 d = l.invAxes * (h - l.h->centre);
      const double n = d.norm();
      if (n > 1.45 * l.scale + 1.5 * l.h->edemaMm / l.h->axes.minCoeff() + 1.0) continue;  // beyond any bump
      const V3 dir = n > 1e-9 ? V3(d / n) : V3(0, 0, 1);
      const std::uint64_t s = l.h->shapeSeed;
      const double shape = 1.0 + 0.28 * detail::valueNoise(dir.x() * 1.6 + 7, dir.y() * 1.6, dir.z() * 1.6, s) +
                           0.12 * detail::valueNoise(dir.x() * 4.0, dir.y() * 4.0 + 3, dir.z() * 4.0, s + 1);
      const double rad = l.scale * shape;
      if (n < rad) {
        // Heterogeneous clot, slightly denser centrally, a fluid-fluid-like fall-off at the rim.
        const double core = 1.0 - 0.15 * (n / rad) * (n / rad);
        const double hu = l.h->meanHu * (0.93 + 0.1 * core) +
                          5.0 * detail::valueNoise(h.x() / 2.2, h.y() / 2.2, h.z() / 2.2, m_noiseTex + 13 + i);
        return {hu, kCtHematoma};
      }
      const double edema = l.h->edemaMm * (1.0 + 0.45 * detail::valueNoise(dir.x() * 3 + 1, dir.y() * 3, dir.z() * 3 - 2, s + 2));
      const double outside = (n - rad) * l.h->axes.minCoeff();  // roughly mm outside the clot
      if (outside < edema && edemaOf < 0) edemaOf = static_cast<int>(i);
    }
    // Brain template, sampled at the displaced position.
    const V3 q = h - displacement(h);
    const Sample b = brain(q, dIn);
    if (edemaOf >= 0 && (b.hu > 15 && b.hu < 50)) {
      const auto& hm = *m_lesions[static_cast<std::size_t>(edemaOf)].h;
      return {hm.edemaHu + 3 * detail::valueNoise(h.x() / 3, h.y() / 3, h.z() / 3, m_noiseTex + 17), kCtEdema};
    }
    return b;
  }

private:
  // Brain template at (displaced) head point q; dIn = distance inside the inner table.
  Sample brain(const V3& q, double dIn) const {
    const double at = m_p.atrophy;
    if (dIn < 0.8 + 1.5 * at) return {kCsf, 0};
    // Falx and interhemispheric fissure above the corpus callosum.
    const double ax = std::abs(q.x());
    if (q.z() > 28 || std::abs(q.y()) > 45) {
      if (ax < 0.6 && q.z() > -5) return {kFalx, 0};
      if (ax < 1.6 + 1.5 * at && q.z() > 0) return {kCsf, 0};
    }
    // Septum pellucidum: the two leaflets between the frontal horns (checked first: the horns abut it).
    if (ax < 1.0 && q.y() > -34 && q.y() < 4 && q.z() > 8 && q.z() < 24) return {kWhite + 3, 0};
    // Ventricles (compressed on the side of the mass).
    const double compress = std::clamp(m_pushPeak / 14.0, 0.0, 0.6);
    for (int s = -1; s <= 1; s += 2) {
      const double sq = (s == m_pushSide ? 1.0 - compress : 1.0) * (1.0 + 0.9 * at);
      const V3 grow(sq, 1.0 + 0.2 * at, 1.0 + 0.6 * at);
      // Frontal horns against the septum (their medial wall reaches it however wide or compressed the horn is),
      // bodies diverging backwards to the atria.
      const double hornX = 0.5 + 5.5 * grow.x();
      if (ellipsoidYaw(q, V3(s * hornX, -18, 14), V3(5.5, 14, 8).cwiseProduct(grow), s * 0.12) < 1 ||  // frontal horn
          ellipsoidYaw(q, V3(s * 11.5, 6, 19), V3(4.5, 19, 5.5).cwiseProduct(grow), -s * 0.2) < 1 ||  // body
          ellipsoid(q, V3(s * 17.0, 28, 11), V3(6, 10, 9).cwiseProduct(grow)) < 1 ||     // atrium
          ellipsoid(q, V3(s * 24.0, 10, -14), V3(3, 12, 4).cwiseProduct(grow)) < 1)      // temporal horn
        return {kCsf, 0};
    }
    if (ellipsoid(q, V3(0, 2, 2), V3(2.0 + 2 * at, 13, 9)) < 1) return {kCsf, 0};   // third ventricle
    if (ellipsoid(q, V3(0, 38, -32), V3(5, 4, 7)) < 1) return {kCsf, 0};            // fourth ventricle
    // Deep grey: caudate heads, thalami, lentiform nuclei.
    for (int s = -1; s <= 1; s += 2) {
      if (ellipsoid(q, V3(s * 14.5, -12, 12), V3(4.5, 8, 8)) < 1 || ellipsoid(q, V3(s * 10.5, 10, 4), V3(7.5, 12, 9)) < 1 ||
          ellipsoid(q, V3(s * 23.0, -3, 4), V3(5.5, 13, 9)) < 1)
        return {kGrey - 1.5, 0};
    }
    // Sylvian fissures.
    if (q.z() > -12 && q.z() < 14 &&
        ellipsoid(V3(ax, q.y(), q.z()), V3(48, -6, 2), V3(10 + 3 * at, 17, 1.8 + 2.0 * at)) < 1)
      return {kCsf, 0};
    // Cortex with sulci: a gyral pattern from band-limited noise near the brain surface.
    const double g = detail::fractalNoise(q.x() / 13.0, q.y() / 13.0, q.z() / 13.0, m_tex + 19, 2);
    const double sulcusWidth = 0.06 + 0.08 * at;
    const double sulcalDepth = 15.0 + 6.0 * at;
    if (dIn < sulcalDepth && std::abs(g) < sulcusWidth * (1 - dIn / (sulcalDepth + 4))) return {kCsf, 0};
    if (dIn < 3.0 || (dIn < sulcalDepth + 4 && std::abs(g) < sulcusWidth + 0.17)) return {kGrey, 0};
    return {kWhite, 0};
  }

  const HeadCtParams& m_p;
  std::uint64_t m_tex = 0, m_noiseTex = 0;
  std::vector<Lesion> m_lesions;
  double m_pushSide = 1, m_pushY = 0, m_pushZ = 0, m_pushPeak = 0;
};

}  // namespace

HeadCtPatientPlan sampleHeadCtPatient(std::uint64_t seed, std::uint64_t index) {
  Random rng(seed, 0x48454144ULL + index);  // "HEAD"
  HeadCtPatientPlan plan;
  HeadCtParams base;
  base.anatomySeed = Random::mixSeed(seed, 0xA0A0 + index);
  base.atrophy = std::clamp(rng.normal(0.3, 0.2), 0.0, 0.9);
  base.headScale = V3(rng.uniform(0.93, 1.06), rng.uniform(0.93, 1.06), rng.uniform(0.95, 1.05));
  base.noiseHu = rng.uniform(3.0, 5.5);
  base.slices = 28;
  base.zFirstMm = -38 + rng.uniform(-4, 4);

  const int count = rng.bernoulli(0.15) ? 2 : 1;
  const int side = rng.bernoulli(0.5) ? 1 : -1;
  for (int i = 0; i < count; ++i) {
    HeadCtHematoma h;
    const int s = i == 0 ? side : -side;
    const double draw = rng.uniform();
    if (i == 0 && draw < 0.45) {
      h.location = "basal ganglia";
      h.centre = V3(s * rng.uniform(20, 27), rng.uniform(-8, 6), rng.uniform(0, 10));
    } else if (i == 0 && draw < 0.65) {
      h.location = "thalamus";
      h.centre = V3(s * rng.uniform(10, 15), rng.uniform(6, 14), rng.uniform(2, 10));
    } else {
      h.location = "lobar";
      const double az = rng.uniform(-0.9, 0.9) + (rng.bernoulli(0.5) ? 0.0 : kPi);
      h.centre = V3(s * rng.uniform(30, 42), 45 * std::sin(az), rng.uniform(20, 50));
      h.centre.y() = std::clamp(h.centre.y(), -50.0, 55.0);
    }
    const double volumeMl = i == 0 ? std::exp(rng.uniform(std::log(8.0), std::log(55.0))) : rng.uniform(3.0, 10.0);
    h.axes = V3(rng.uniform(0.7, 1.0), rng.uniform(0.9, 1.3), rng.uniform(0.75, 1.1));
    // The irregular surface adds about 10 % volume on average; the label map is the truth anyway.
    h.radiusMm = std::cbrt(volumeMl * 1000.0 / (4.0 / 3.0 * kPi * h.axes.prod()) / 1.08);
    h.shapeSeed = rng.nextU64();
    h.meanHu = rng.uniform(62, 80);
    h.edemaMm = rng.uniform(2.5, 5.0);
    h.edemaHu = rng.uniform(16, 21);
    base.hematomas.push_back(h);
  }
  const double ea = rng.uniform();
  if (ea < 0.25) {
    base.extraAxial.type = ea < 0.07 ? "epidural" : "subdural";
    base.extraAxial.side = rng.bernoulli(0.7) ? side : -side;
    base.extraAxial.thicknessMm = base.extraAxial.type == "epidural" ? rng.uniform(8, 16) : rng.uniform(4, 10);
    base.extraAxial.meanHu = rng.uniform(55, 75);
    base.extraAxial.centreYz = Eigen::Vector2d(rng.uniform(-35, 35), rng.uniform(20, 50));
  }

  plan.trend = rng.bernoulli(0.35) ? "growing" : "shrinking";
  const int followUps = rng.bernoulli(0.5) ? 2 : 1;
  std::vector<std::array<double, 4>> steps;  // day, volume factor, HU shift, oedema factor
  if (plan.trend == "growing") {
    steps.push_back({double(rng.uniformInt(1, 2)), rng.uniform(1.35, 1.9), rng.uniform(-2, 2), rng.uniform(1.15, 1.35)});
    steps.push_back({double(rng.uniformInt(4, 6)), steps[0][1] * rng.uniform(1.1, 1.3), rng.uniform(-8, -4),
                     rng.uniform(1.4, 1.7)});
  } else {
    steps.push_back({double(rng.uniformInt(3, 5)), rng.uniform(0.7, 0.85), rng.uniform(-12, -7), rng.uniform(1.3, 1.5)});
    steps.push_back({double(rng.uniformInt(10, 16)), rng.uniform(0.4, 0.6), rng.uniform(-25, -18), rng.uniform(1.1, 1.3)});
  }
  plan.studies.push_back(base);
  for (int f = 0; f < followUps; ++f) {
    HeadCtParams p = base;
    p.day = static_cast<int>(steps[static_cast<std::size_t>(f)][0]);
    for (auto& h : p.hematomas) {
      h.radiusMm *= std::cbrt(steps[static_cast<std::size_t>(f)][1]);
      h.meanHu += steps[static_cast<std::size_t>(f)][2];
      h.edemaMm *= steps[static_cast<std::size_t>(f)][3];
      h.edemaHu -= 1.5 * f;
    }
    if (!p.extraAxial.type.empty()) {
      p.extraAxial.thicknessMm *= plan.trend == "growing" ? 1.2 : 0.8;
      p.extraAxial.meanHu -= plan.trend == "growing" ? 3 : 15;
    }
    plan.studies.push_back(p);
  }
  // Each study: its own noise and pose in the scanner.
  for (std::size_t i = 0; i < plan.studies.size(); ++i) {
    auto& p = plan.studies[i];
    p.seed = Random::mixSeed(seed, (index << 8) + i + 1);
    p.yawDeg = rng.uniform(-5, 5);
    p.pitchDeg = rng.uniform(-6, 6);
    p.shiftMm = V3(rng.uniform(-4, 4), rng.uniform(-6, 6), rng.uniform(-3, 3));
  }
  return plan;
}

HeadCtCase renderHeadCt(const HeadCtParams& params) {
  HeadCtCase out;
  out.params = params;
  const HeadCtParams& P = out.params;
  HeadModel model(P);

  core::Geometry g;
  g.size = {P.columns, P.rows, P.slices};
  g.spacing = V3(P.pixelMm, P.pixelMm, P.sliceMm);
  g.direction.setIdentity();
  g.origin = V3(-0.5 * (P.columns - 1) * P.pixelMm, -0.5 * (P.rows - 1) * P.pixelMm + 6, P.zFirstMm);
  out.ct = std::make_shared<core::Image>(g, core::PixelType::Int16);
  out.labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  auto* ct = out.ct->as<std::int16_t>();
  auto* lab = out.labels->as<std::uint8_t>();

  // Scanner (LPS) to head frame: p = R h + t  →  h = Rᵀ (p − t).
  const Eigen::Matrix3d R = (Eigen::AngleAxisd(P.yawDeg * kPi / 180, V3::UnitZ()) *
                             Eigen::AngleAxisd(P.pitchDeg * kPi / 180, V3::UnitX()))
                                .toRotationMatrix();
  const V3 t = P.shiftMm;
  const int W = P.columns, H = P.rows;
  const std::size_t plane = static_cast<std::size_t>(W) * static_cast<std::size_t>(H);
  constexpr int kSub = 3;  // sub-samples across the 5 mm slice (partial volume)
  // Slices are independent (own noise stream), so they render in parallel with identical results.
  auto renderSlice = [&](int k) {
    std::vector<float> hu(plane), blurred(plane), white(plane), whiteBlur(plane);
    for (int j = 0; j < H; ++j)
      for (int i = 0; i < W; ++i) {
        const std::size_t idx = static_cast<std::size_t>(j) * W + i;
        double acc = 0;
        int label = 0;
        for (int s = 0; s < kSub; ++s) {
          const double dz = (s - (kSub - 1) * 0.5) * P.sliceMm / kSub;
          const V3 p = g.origin + V3(i * P.pixelMm, j * P.pixelMm, k * P.sliceMm + dz);
          const auto smp = model.sample(R.transpose() * (p - t));
          acc += smp.hu;
          if (s == kSub / 2) label = smp.label;
        }
        hu[idx] = static_cast<float>(acc / kSub);
        lab[static_cast<std::size_t>(k) * plane + idx] = static_cast<std::uint8_t>(label);
      }
    // Scanner resolution and correlated quantum noise.
    Random rng(P.seed, 0x534C4943ULL + static_cast<std::uint64_t>(k));
    for (auto& w : white) w = static_cast<float>(rng.normal());
    auto blur = [&](const std::vector<float>& src, std::vector<float>& dst) {
      for (int j = 0; j < H; ++j)
        for (int i = 0; i < W; ++i) {
          double a = 0, ws = 0;
          for (int dj = -1; dj <= 1; ++dj)
            for (int di = -1; di <= 1; ++di) {
              const int ii = std::clamp(i + di, 0, W - 1), jj = std::clamp(j + dj, 0, H - 1);
              const double w = (di == 0 ? 2.0 : 1.0) * (dj == 0 ? 2.0 : 1.0);
              a += w * src[static_cast<std::size_t>(jj) * W + ii];
              ws += w;
            }
          dst[static_cast<std::size_t>(j) * W + i] = static_cast<float>(a / ws);
        }
    };
    blur(hu, blurred);
    blur(white, whiteBlur);
    // 3×3 binomial blur keeps sum(w²)/sum(w)² = 0.1406 of the variance: rescale to noiseHu.
    const double gain = P.noiseHu / std::sqrt(0.140625);
    for (std::size_t idx = 0; idx < plane; ++idx) {
      const double v = blurred[idx] > -900 ? blurred[idx] + gain * whiteBlur[idx] : blurred[idx] + 0.3 * gain * whiteBlur[idx];
      ct[static_cast<std::size_t>(k) * plane + idx] = static_cast<std::int16_t>(std::clamp(std::round(v), -1024.0, 3071.0));
    }
  };
  detail::parallelSlices(P.slices, renderSlice);

  // Ground truth from the label map: volumes, connected hematomas, centroids.
  const double voxelMl = P.pixelMm * P.pixelMm * P.sliceMm / 1000.0;
  const std::size_t n = plane * static_cast<std::size_t>(P.slices);
  std::size_t counts[4] = {0, 0, 0, 0};
  for (std::size_t idx = 0; idx < n; ++idx) ++counts[std::min<std::size_t>(lab[idx], 3)];
  out.hematomaMl = counts[kCtHematoma] * voxelMl;
  out.edemaMl = counts[kCtEdema] * voxelMl;
  out.extraAxialMl = counts[kCtExtraAxial] * voxelMl;
  std::vector<std::int32_t> comp;
  const std::vector<std::int64_t> voxels = core::connectedParts(
      lab, g.size, kCtHematoma, core::Connectivity::Full26, comp);
  std::vector<V3> sums(voxels.size(), V3(0, 0, 0));
  std::vector<double> huSums(voxels.size(), 0.0);
  for (std::size_t idx = 0; idx < n; ++idx) {
    const std::int32_t c = comp[idx];
    if (c < 0) continue;
    sums[static_cast<std::size_t>(c)] += V3(static_cast<double>(idx % W), static_cast<double>((idx % plane) / W), static_cast<double>(idx / plane));
    huSums[static_cast<std::size_t>(c)] += ct[idx];
  }
  for (std::size_t c = 0; c < voxels.size(); ++c) {
    HeadCtLesion lesion;
    const auto count = static_cast<double>(voxels[c]);
    lesion.volumeMl = count * voxelMl;
    lesion.centroidLps = g.indexToPhysical(sums[c] / count);
    lesion.meanHu = huSums[c] / count;
    out.lesions.push_back(lesion);
  }
  std::stable_sort(out.lesions.begin(), out.lesions.end(),
                   [](const HeadCtLesion& a, const HeadCtLesion& b) { return a.volumeMl > b.volumeMl; });
  const auto toPatient = [&](const V3& h) { return V3(R * h + t); };
  out.septumLps = toPatient(model.septum());
  out.falxAnteriorLps = toPatient(model.falxAttachment(-1));
  out.falxPosteriorLps = toPatient(model.falxAttachment(+1));
  const double shift = model.septumShift();
  out.midlineShiftMm = std::abs(shift);
  out.midlineShiftToward = out.midlineShiftMm < 0.05 ? "none" : (shift > 0 ? "left" : "right");
  return out;
}

}  // namespace openrad::phantom
