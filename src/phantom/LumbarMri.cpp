#include "openrad/phantom/LumbarMri.h"

#include "MriCtNoise.h"
#include "openrad/phantom/Random.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <map>

namespace openrad::phantom {
namespace {

using V2 = Eigen::Vector2d;  // sagittal plane: x() = LPS y (posterior +), y() = LPS z (superior +)
constexpr double kPi = 3.14159265358979323846;
double deg(double d) { return d * kPi / 180.0; }

// Tissues of the sagittal model; each has a T1 and a T2 signal.
enum Tissue : int {
  Air, Fat, Skin, Muscle, Ligament, Cortex, Marrow, Annulus, Nucleus, Herniation, Csf, Cord, Roots, Vessel,
  Bowel, Urine, FacetFluid, NerveRoot, SacralRemnant, TissueCount
};

// A vertebral body or sacral segment. Frame of the inferior endplate: t points anterior, n superior.
struct Body {
  int label = 0;
  bool lumbarOrThoracic = true;  // posterior elements of the mobile spine
  V2 pi, ps, as, ai;             // corners: posterior/anterior, inferior/superior
  V2 t, n;                       // inferior endplate frame
  V2 tSup, nSup;                 // superior endplate frame
  double depth = 35, hPost = 25, hAnt = 25, halfWidth = 22, concavity = 1.2;

  void finish() {
    ps = pi + hPost * n;
    ai = pi + depth * t;
    as = ai + hAnt * n;
    tSup = (as - ps).normalized();
    nSup = V2(-tSup.y(), tSup.x());  // rotate +90°: anterior (-x) → superior (+y)
    if (nSup.y() < 0) nSup = -nSup;
  }
  // (v, u): distance anterior of the posterior wall, height above the inferior endplate.
  V2 local(const V2& p) const { return {(p - pi).dot(t), (p - pi).dot(n)}; }
  double bottom(double v) const { return concavity * std::sin(kPi * std::clamp(v / depth, 0.0, 1.0)); }
  double top(double v) const { return hPost + (hAnt - hPost) * v / depth - bottom(v); }
  // Half-width (left-right) of the kidney-shaped cross-section at AP position v.
  double lateralHalfWidth(double v) const {
    const double q = (v - 0.42 * depth) / (0.62 * depth);
    return q * q >= 1 ? 0.0 : halfWidth * std::sqrt(1 - q * q);
  }
  // In-plane depth inside the body outline (mm, < 0 outside).
  double inPlaneDepth(const V2& p) const {
    const V2 vu = local(p);
    const double v = vu.x(), u = vu.y();
    const double h = hPost + (hAnt - hPost) * std::clamp(v / depth, 0.0, 1.0);
    const double waist = 1.2 * std::sin(kPi * std::clamp(u / std::max(h, 1.0), 0.0, 1.0));
    const double dv = std::min(v, depth - waist - v);
    const double du = std::min(u - bottom(v), top(v) - u);
    const double r = 2.5;
    if (dv < r && du < r && dv > -r && du > -r) return r - std::hypot(r - dv, r - du);
    return std::min(dv, du);
  }
};

// Posterior wall polyline of the spine with attributes interpolated along it.
struct WallPoint {
  V2 p;
  double depth;      // AP depth of the vertebral column here
  double sacDepth;   // thecal sac AP diameter (0 below its end)
  double epidural;   // anterior epidural gap
  double bonyCanal;  // bony canal AP depth
};

struct WallHit {
  double dpost = 0;  // signed distance, + = posterior of the wall
  double arc = 0;    // arc length from the top
  WallPoint attr{};
};

class Wall {
public:
  explicit Wall(std::vector<WallPoint> pts) : m_pts(std::move(pts)) {
    m_arc.resize(m_pts.size(), 0.0);
    for (std::size_t i = 1; i < m_pts.size(); ++i) m_arc[i] = m_arc[i - 1] + (m_pts[i].p - m_pts[i - 1].p).norm();
  }
  WallHit hit(const V2& q) const {
    WallHit best;
    double bestAbs = 1e300;
    for (std::size_t i = 0; i + 1 < m_pts.size(); ++i) {
      const V2 a = m_pts[i].p, b = m_pts[i + 1].p, d = b - a;
      const double len2 = d.squaredNorm();
      double s = (q - a).dot(d) / len2;
      // The end segments extend to infinity so every pixel has a position along the spine.
      if (i > 0) s = std::max(s, 0.0);
      if (i + 2 < m_pts.size()) s = std::min(s, 1.0);
      const V2 c = a + s * d;
      const double dist = (q - c).norm();
      if (dist < bestAbs) {
        bestAbs = dist;
        const V2 nrm = V2(-d.y(), d.x()).normalized();  // wall runs downwards: this points posterior
        best.dpost = (q - c).dot(nrm) >= 0 ? dist : -dist;
        const double sc = std::clamp(s, 0.0, 1.0);
        best.arc = m_arc[i] + s * std::sqrt(len2);
        const auto& A = m_pts[i];
        const auto& B = m_pts[i + 1];
        best.attr.p = c;
        best.attr.depth = A.depth + sc * (B.depth - A.depth);
        best.attr.sacDepth = A.sacDepth + sc * (B.sacDepth - A.sacDepth);
        best.attr.epidural = A.epidural + sc * (B.epidural - A.epidural);
        best.attr.bonyCanal = A.bonyCanal + sc * (B.bonyCanal - A.bonyCanal);
      }
    }
    return best;
  }

private:
  std::vector<WallPoint> m_pts;
  std::vector<double> m_arc;
};

// The whole sagittal model of one case.
struct Model {
  const LumbarMriParams* params = nullptr;
  std::vector<Body> bodies;     // top (T10) to bottom (S5)
  int firstLumbar = 0;          // index of L1
  int s1 = 0;                   // index of S1
  std::unique_ptr<Wall> wall;
  double conusArc = 0;          // cord ends here
  double sacEndArc = 0;         // thecal sac ends here
  double aortaEndArc = 0;       // aortic bifurcation
  V2 bladderCentre;
  std::uint64_t texSeed = 0;
  struct HerniationShape {
    const DiscHerniation* h;
    V2 origin, tAnt, nSup;  // posterior disc margin centre and the disc frame
    double discHeight;
  };
  std::vector<HerniationShape> herniations;
};

struct Signal {
  double t1, t2;
};

// T1 / T2 signals, fat ≈ 1000 on T1 (fast spin echo: fat bright on both).
Signal baseSignal(int tissue, double marrowFat) {
  switch (tissue) {
    case Air: return {0, 0};
    case Fat: return {1000, 820};
    case Skin: return {520, 420};
    case Muscle: return {380, 240};
    case Ligament: return {90, 70};
    case Cortex: return {70, 60};
    case Marrow: return {430 + 420 * marrowFat, 380 + 300 * marrowFat};
    case Annulus: return {330, 170};
    case Nucleus: return {400, 930};
    case Herniation: return {360, 600};
    case Csf: return {170, 1150};
    case Cord: return {460, 430};
    case Roots: return {330, 700};
    case Vessel: return {60, 50};
    case Bowel: return {360, 420};
    case Urine: return {140, 1250};
    case FacetFluid: return {220, 800};
    case NerveRoot: return {420, 320};
    case SacralRemnant: return {360, 330};
    default: return {0, 0};
  }
}

// Per-pixel in-plane facts, shared by the sub-samples across the slice thickness.
struct PlaneInfo {
  V2 p;
  WallHit wall;
  int body = -1;       // body index whose outline contains p
  double bodyDepth = 0;
  V2 bodyVu;
  int disc = -1;       // disc index (between bodies[disc] and bodies[disc + 1])
  double discW = 0, discTau = 0, discDepth = 0;
  bool sacralGap = false;
  double sacralTau = 0;
};

PlaneInfo planeInfo(const Model& m, const V2& p) {
  PlaneInfo info;
  info.p = p;
  info.wall = m.wall->hit(p);
  for (std::size_t b = 0; b < m.bodies.size(); ++b) {
    const double d = m.bodies[b].inPlaneDepth(p);
    if (d >= 0) {
      info.body = static_cast<int>(b);
      info.bodyDepth = d;
      info.bodyVu = m.bodies[b].local(p);
      return info;
    }
  }
  // Discs (and fused sacral gaps) between consecutive bodies.
  for (std::size_t b = 0; b + 1 < m.bodies.size(); ++b) {
    const Body& U = m.bodies[b];
    const Body& L = m.bodies[b + 1];
    const V2 vuL = L.local(p), vuU = U.local(p);
    const double dL = vuL.y() - L.top(vuL.x());
    const double dU = U.bottom(vuU.x()) - vuU.y();
    if (dL < -0.5 || dU < -0.5) continue;
    const double tau = std::clamp(dL / std::max(dL + dU, 1e-6), 0.0, 1.0);
    const V2 P = L.ps + tau * (U.pi - L.ps), A = L.as + tau * (U.ai - L.as);
    const double len = (A - P).norm();
    const double w = (p - P).dot((A - P) / len);
    const bool sacral = static_cast<int>(b) >= m.s1;
    const int lumbarDisc = static_cast<int>(b) - m.firstLumbar;
    const double deg = lumbarDisc >= 0 && lumbarDisc < kLumbarDiscCount
                           ? m.params->degeneration[static_cast<std::size_t>(lumbarDisc)]
                           : 0.1;
    const double bulgeP = sacral ? 0.0 : (0.6 + 2.2 * deg) * std::sin(kPi * tau);
    const double bulgeA = sacral ? 0.0 : 1.2 * std::sin(kPi * tau);
    if (w < -bulgeP || w > len + bulgeA) continue;
    if (sacral) {
      info.sacralGap = true;
      info.sacralTau = tau;
      info.discW = w / len;
      return info;
    }
    info.disc = static_cast<int>(b);
    info.discW = w / len;
    info.discTau = tau;
    info.discDepth = std::min({w + bulgeP, len + bulgeA - w, dL + 0.5, dU + 0.5});
    return info;
  }
  return info;
}

// Herniation membership in 3D (x = lateral mm, + left); returns the herniation index or -1.
int herniationAt(const Model& m, const V2& p, double x) {
  for (std::size_t i = 0; i < m.herniations.size(); ++i) {
    const auto& hs = m.herniations[i];
    const DiscHerniation& h = *hs.h;
    const V2 d = p - hs.origin;
    const double q = -d.dot(hs.tAnt);  // posterior distance from the disc margin
    const double r = d.dot(hs.nSup);
    if (q < -1.5 || q > h.depthMm + 2 || std::abs(r) > h.heightMm + std::abs(h.migrationMm) + 4) continue;
    const double lat = (x - h.lateralMm) / (0.5 * h.widthMm);
    // Irregular outline: a per-slice term (so the lateral tips stay attached to the disc) plus bumps
    // that fade toward the lateral tips.
    const double irregular = 0.12 * detail::valueNoise(x / 3.0, 0.5, 0.5, m.texSeed + 77 + i) +
                             0.12 * std::max(0.0, 1 - lat * lat) *
                                 detail::valueNoise(q / 2.5, r / 2.5, x / 3.0, m.texSeed + 78 + i);
    double e;
    if (h.type == "extrusion") {
      // A narrow neck through the annulus and a larger, possibly migrated fragment in the canal.
      const double qc = 0.55 * h.depthMm;
      const double frac = std::clamp(q / h.depthMm, 0.0, 1.0);
      const double rc = h.migrationMm * detail::smoothStep(0.2, 1.0, frac);
      const double halfH = 0.5 * h.heightMm * (0.45 + 0.55 * detail::smoothStep(0.0, 0.6, frac));
      const double fragment = std::pow((q - qc) / (0.55 * h.depthMm + 1.0), 2) + std::pow((r - rc) / halfH, 2) + lat * lat;
      // The neck through the annulus has the fragment's width, so every slice of it touches the disc.
      const double neck = std::pow(std::max(q, 0.0) / (0.5 * h.depthMm), 2) + std::pow(r / (0.28 * h.heightMm), 2) + lat * lat;
      e = std::min(fragment, neck);
    } else {
      // A broad-based dome: its base on the disc margin is wider than its depth.
      const double halfH = 0.5 * h.heightMm;
      e = std::pow(std::max(q, 0.0) / h.depthMm, 2) + std::pow(r / halfH, 2) + lat * lat;
    }
    if (e <= 1.0 + irregular) return static_cast<int>(i);
  }
  return -1;
}

struct Sample {
  int tissue;
  int label;
  int herniation;  // index or -1
  double nucleusT2 = 0;  // for nucleus / herniation: T2 signal depending on degeneration
};

Sample classify(const Model& m, const PlaneInfo& pi, double x) {
  const LumbarMriParams& P = *m.params;
  const double ax = std::abs(x);
  // Vertebral bodies.
  if (pi.body >= 0) {
    const Body& b = m.bodies[static_cast<std::size_t>(pi.body)];
    const double hw = b.lateralHalfWidth(pi.bodyVu.x());
    if (ax < hw) {
      const double d = std::min(pi.bodyDepth, hw - ax);
      if (d < 1.1) return {Cortex, b.label, -1};
      // Basivertebral vein entering the posterior wall at mid-height.
      const double vv = pi.bodyVu.x(), uu = pi.bodyVu.y() - 0.5 * b.hPost;
      if (b.lumbarOrThoracic && vv < 7.0 && std::abs(uu) < 1.6 + 0.25 * (7.0 - vv) && ax < 3.0)
        return {FacetFluid, b.label, -1};
      return {Marrow, b.label, -1};
    }
  }
  // Discs.
  if (pi.disc >= 0) {
    const Body& U = m.bodies[static_cast<std::size_t>(pi.disc)];
    const Body& L = m.bodies[static_cast<std::size_t>(pi.disc) + 1];
    const double hw = 0.5 * (U.lateralHalfWidth(pi.discW * U.depth) + L.lateralHalfWidth(pi.discW * L.depth)) + 1.0;
    if (ax < hw) {
      const int lumbarDisc = pi.disc - m.firstLumbar;
      const double deg = lumbarDisc >= 0 ? P.degeneration[static_cast<std::size_t>(lumbarDisc)] : 0.15;
      const int label = lumbarDisc >= 0 ? kMriDiscL1L2 + lumbarDisc : 0;
      const double rx = (pi.discW - 0.55) / (0.30 * (1 - 0.35 * deg));
      const double ry = (pi.discTau - 0.5) / (0.36 * (1 - 0.3 * deg));
      const double rz = x / (0.62 * hw);
      const double e = rx * rx + ry * ry + rz * rz;
      double nucT2 = 930 * (1 - deg) + 210 * deg;
      if (std::abs(pi.discTau - 0.5) < 0.06 && deg > 0.15) nucT2 *= 0.7;  // intranuclear cleft
      if (e < 1.0) return {Nucleus, label, -1, nucT2};
      // Annulus: the transition zone is brighter near the nucleus.
      return {Annulus, label, -1, e < 1.6 ? 0.5 * (nucT2 + 170) : 170.0};
    }
  }
  if (pi.sacralGap) {
    const double hw = 0.7 * P.bodyHalfWidthMm;
    if (ax < hw) return {std::abs(pi.sacralTau - 0.5) < 0.22 ? SacralRemnant : Marrow, 0, -1};
  }
  const int h = herniationAt(m, pi.p, x);
  if (h >= 0) {
    const int disc = m.herniations[static_cast<std::size_t>(h)].h->disc;
    const double deg = P.degeneration[static_cast<std::size_t>(disc)];
    return {Herniation, kMriHerniation, h, 0.75 * (930 * (1 - deg) + 260 * deg) + 120};
  }

  const WallHit& w = pi.wall;
  const double dpost = w.dpost;
  const double bony = w.attr.bonyCanal;
  // Posterior elements of the mobile spine, in the frame of each vertebra.
  if (dpost > 0) {
    for (std::size_t bi = 0; bi < m.bodies.size(); ++bi) {
      const Body& b = m.bodies[bi];
      if (!b.lumbarOrThoracic) continue;
      const V2 vu = b.local(pi.p);
      const double back = -vu.x();  // posterior distance from the body's posterior wall
      const double u = vu.y();
      const double H = b.hPost;
      const double slope = 0.35;     // processes point caudally
      const double beyond = std::max(back - bony, 0.0);
      if (ax < 12.0) {
        // Lamina behind the canal, then the spinous process in the midline (rounded superellipses).
        auto superEllipse = [](double a, double b) { return a * a * a * a + b * b * b * b; };
        const double lamC = bony + 4.0, lamU = 0.22 * H - slope * 4.0;
        const double eLam = superEllipse((back - lamC) / 4.6, (u - lamU) / (0.44 * H));
        if (eLam < 1.0 && ax < 12.0) {
          const double d = std::min((1.0 - eLam) * 4.6 / 4.0, 12.0 - ax);
          return {d < 1.0 ? Cortex : Marrow, 0, -1};
        }
        const double spW = 3.0 + 1.6 * std::max(0.0, 1 - beyond / 12.0);
        const double len = 28.0 + 0.1 * H;
        const double spC = bony + 1.0 + 0.5 * len;
        const double spU = 0.2 * H - slope * (0.5 * len + 3.0);
        const double along = (back - spC) / (0.5 * len);
        // The process is taller at its tip (a club shape) and slopes caudally.
        const double halfH = 0.3 * H * (0.85 + 0.25 * along * along);
        const double eSp = superEllipse(along, (u - spU + slope * (back - spC)) / halfH);
        if (ax < spW && eSp < 1.0) {
          const double d = std::min((1.0 - eSp) * 0.25 * std::min(0.5 * len, halfH), spW - ax);
          return {d < 1.1 ? Cortex : Marrow, 0, -1};
        }
        // Ligamentum flavum between laminae.
        if (back > bony - 1.0 && back < bony + 4.0 && u > 0.55 * H - 2 - slope * beyond && u < 1.05 * H + 6 &&
            ax < 11.0 && b.label != 0)
          return {Ligament, 0, -1};
      } else {
        // Pedicle from the upper body to the articular pillar; the pillar itself; facet joint gaps.
        if (back > -0.5 && back < 15.0 && u > 0.45 * H && u < 0.95 * H && ax < P.bodyHalfWidthMm + 4) {
          const double d = std::min({back + 0.5, u - 0.45 * H, 0.95 * H - u});
          return {d < 1.3 ? Cortex : Marrow, 0, -1};
        }
        if (back >= 13.0 && back < 29.0 && ax < P.bodyHalfWidthMm + 8) {
          const double uLo = -0.28 * H + 0.15 * (back - 13), uHi = 1.02 * H + 0.15 * (back - 13);
          if (u > uLo - 1.6 && u <= uLo) return {FacetFluid, 0, -1};
          if (u > uLo && u < uHi - 1.6) {
            const double d = std::min({u - uLo, uHi - 1.6 - u, back - 13.0, 29.0 - back});
            return {d < 1.2 ? Cortex : Marrow, 0, -1};
          }
        }
      }
    }
  }

  // Thecal sac: CSF, cord above the conus, cauda equina below.
  if (w.attr.sacDepth > 0.5) {
    const double c0 = w.attr.epidural, dc = w.attr.sacDepth;
    const double taper = std::clamp((m.sacEndArc - w.arc) / 25.0, 0.0, 1.0);
    const double halfAp = 0.5 * dc * std::sqrt(taper), halfLat = 10.5 * std::sqrt(taper) + 0.01;
    const double qa = (dpost - (c0 + 0.5 * dc)) / std::max(halfAp, 0.01), ql = x / halfLat;
    if (qa * qa + ql * ql < 1.0 && w.arc < m.sacEndArc) {
      if (w.arc < m.conusArc + 12) {
        const double cone = std::clamp((m.conusArc + 12 - w.arc) / 30.0, 0.0, 1.0);
        const double ca = (dpost - (c0 + 0.48 * dc)) / (3.8 * cone + 0.01), cl = x / (4.8 * cone + 0.01);
        if (ca * ca + cl * cl < 1.0) return {Cord, kMriCanal, -1};
      }
      if (w.arc > m.conusArc) {
        // Roots lie dependent (posterior, patient supine) and run along the canal.
        const double stripes = detail::valueNoise(x / 1.1, w.arc / 22.0, dpost / 1.6, m.texSeed + 5);
        if (qa > 0.15 && stripes > 0.35) return {Roots, kMriCanal, -1};
      }
      return {Csf, kMriCanal, -1};
    }
  }
  // Posterior longitudinal ligament, epidural fat, foramina.
  if (dpost >= 0 && dpost < 1.0 && ax < 12) return {Ligament, 0, -1};
  if (dpost > 0 && dpost < bony && ax < 12.0) return {Fat, 0, -1};
  if (dpost > 0 && dpost < 15 && ax >= 12.0 && ax < P.bodyHalfWidthMm + 8) {
    // Neural foramen: fat around the exiting root just below the pedicle.
    for (std::size_t bi = 0; bi < m.bodies.size(); ++bi) {
      const Body& b = m.bodies[bi];
      if (!b.lumbarOrThoracic) continue;
      const V2 vu = b.local(pi.p);
      const double qa = (-vu.x() - 8.0) / 3.2, qs = (vu.y() - (0.2 * b.hPost)) / 3.6;
      if (qa * qa + qs * qs < 1.0) return {NerveRoot, 0, -1};
    }
    return {Fat, 0, -1};
  }
  // Soft tissue of the back.
  const double muscleEnd = bony + 5 + P.muscleMm * (0.85 + 0.15 * detail::valueNoise(w.arc / 80.0, 0.5, 0.5, m.texSeed + 9));
  const double fatEnd = muscleEnd + P.subcutaneousFatMm;
  if (dpost > 0) {
    if (dpost < muscleEnd - 1.2) return {Muscle, 0, -1};
    if (dpost < muscleEnd) return {Ligament, 0, -1};  // thoracolumbar fascia
    if (dpost < fatEnd) return {Fat, 0, -1};
    if (dpost < fatEnd + 2.0) return {Skin, 0, -1};
    return {Air, 0, -1};
  }
  // Anterior: prevertebral vessels, retroperitoneal fat, bowel, bladder, abdominal wall.
  const double front = -dpost - w.attr.depth;  // distance anterior of the vertebral column
  if (front < 0) return {Fat, 0, -1};           // beside the column (lateral slices)
  if (w.arc < m.aortaEndArc) {
    const double qa = (front - 12.0) / 10.5, ql = (x - 9.0) / 10.5;
    if (qa * qa + ql * ql < 1.0) return {Vessel, 0, -1};
    const double va = (front - 10.0) / 9.0, vl = (x + 20.0) / 11.0;  // IVC on the right
    if (va * va + vl * vl < 1.0) return {Vessel, 0, -1};
  }
  if (std::abs(x) > 18 && front < 30 && w.arc > m.conusArc) return {Muscle, 0, -1};  // psoas
  const V2 bq = pi.p - m.bladderCentre;
  const double bladderWobble = 0.12 * detail::valueNoise(bq.x() / 15.0, bq.y() / 15.0, x / 15.0, m.texSeed + 13);
  if (std::pow(bq.x() / 32.0, 2) + std::pow(bq.y() / 22.0, 2) + std::pow(x / 35.0, 2) < 1.0 + bladderWobble)
    return {Urine, 0, -1};
  const double abdomen = 125.0 + 20.0 * P.subcutaneousFatMm / 18.0;
  if (front > abdomen + 14 + P.subcutaneousFatMm) return {Air, 0, -1};
  if (front > abdomen + 14 + P.subcutaneousFatMm - 2) return {Skin, 0, -1};
  if (front > abdomen + 14) return {Fat, 0, -1};
  if (front > abdomen) return {Muscle, 0, -1};
  if (front < 4) return {Fat, 0, -1};
  const double loops = detail::fractalNoise(pi.p.x() / 30.0, pi.p.y() / 30.0, x / 30.0, m.texSeed + 11, 2);
  if (std::abs(loops + 0.3) < 0.035) return {Muscle, 0, -1};  // bowel wall
  return {loops > -0.3 ? Bowel : Fat, 0, -1};
}

Model buildModel(const LumbarMriParams& P) {
  Model m;
  m.params = &P;
  m.texSeed = Random::mixSeed(P.seed, 0x7E47);
  // S1 first (its superior endplate fixes the sacral slope), then upwards L5..L1, T12..T10.
  std::vector<Body> up;  // built bottom-up: S1, L5, ..., L1, T12, T11, T10
  Body s1;
  s1.label = kMriS1;
  s1.lumbarOrThoracic = false;
  s1.depth = P.bodyDepthMm[5];
  s1.hPost = P.bodyHeightMm[5];
  s1.hAnt = s1.hPost - 2.0;
  s1.halfWidth = P.bodyHalfWidthMm + 3;
  {
    const double phi = -deg(P.sacralSlopeDeg);
    // The superior endplate has angle -SS; the inferior one is rotated by the S1 wedge.
    const double wedge = std::atan((s1.hAnt - s1.hPost) / s1.depth);
    const double phiInf = phi - wedge;
    s1.t = V2(-std::cos(phiInf), std::sin(phiInf));
    s1.n = V2(std::sin(phiInf), std::cos(phiInf));
    s1.pi = V2(0, 0) - s1.hPost * s1.n;  // posterior-superior corner at the origin
    s1.finish();
  }
  up.push_back(s1);
  const double thoracicDepth[3] = {31, 29, 28}, thoracicHeight[3] = {24, 23, 22};
  for (int level = 4; level >= -3; --level) {  // discs L5-S1 (4) .. L1-L2 (0), then T12-L1 (-1) ..
    const Body& lower = up.back();
    Body b;
    double angle, height, shift = 0;
    if (level >= 0) {
      angle = P.discAngleDeg[static_cast<std::size_t>(level)];
      height = P.discHeightMm[static_cast<std::size_t>(level)];
      shift = P.listhesisPercent[static_cast<std::size_t>(level)] / 100.0 * lower.depth;
      b.label = kMriL1 + level;
      b.depth = P.bodyDepthMm[static_cast<std::size_t>(level)];
      b.hPost = P.bodyHeightMm[static_cast<std::size_t>(level)];
      const double wedge[5] = {-1.6, -0.8, 0.2, 1.4, 3.0};  // anterior minus posterior height, L1..L5
      b.hAnt = b.hPost + wedge[level];
      b.halfWidth = P.bodyHalfWidthMm + 0.6 * level;
    } else {
      const int t = -level - 1;  // 0 = T12
      angle = -2.5;
      height = 5.0;
      b.label = 0;
      b.depth = thoracicDepth[t];
      b.hPost = thoracicHeight[t];
      b.hAnt = b.hPost - 1.5;
      b.halfWidth = P.bodyHalfWidthMm - 2 - t;
    }
    const double phiSupLower = std::atan2(lower.tSup.y(), -lower.tSup.x());
    const double phiInf = phiSupLower + deg(angle);
    b.t = V2(-std::cos(phiInf), std::sin(phiInf));
    b.n = V2(std::sin(phiInf), std::cos(phiInf));
    b.pi = lower.ps + height * lower.nSup + shift * lower.tSup;
    b.finish();
    up.push_back(b);
  }
  // Sacral segments S2..S5 below S1, curving so that the lower sacrum points down and forward.
  std::vector<Body> down;
  {
    const double depths[4] = {0.72, 0.56, 0.42, 0.32}, heights[4] = {0.8, 0.66, 0.55, 0.45};
    Body upper = s1;
    for (int i = 0; i < 4; ++i) {
      Body b;
      b.label = 0;
      b.lumbarOrThoracic = false;
      b.depth = s1.depth * depths[i];
      b.hPost = b.hAnt = s1.hPost * heights[i];
      b.halfWidth = s1.halfWidth * (0.75 - 0.12 * i);
      b.concavity = 0.3;
      const double phiInfUpper = std::atan2(upper.t.y(), -upper.t.x());
      const double phi = phiInfUpper + deg(16.0);
      b.t = V2(-std::cos(phi), std::sin(phi));
      b.n = V2(std::sin(phi), std::cos(phi));
      // Hinge on the anterior corners: the posterior gap opens (sacral kyphosis), filled by fused bone.
      const V2 as = upper.ai - 1.5 * upper.n;
      b.pi = as - b.depth * b.t - b.hAnt * b.n;
      b.finish();
      down.push_back(b);
      upper = b;
    }
  }
  for (auto it = up.rbegin(); it != up.rend(); ++it) m.bodies.push_back(*it);
  for (const auto& b : down) m.bodies.push_back(b);
  m.firstLumbar = 3;
  m.s1 = 8;
  // Supine: the column from T12 to S1 lies about along the table (rotate about the S1 corner).
  {
    const V2 axis = m.bodies[2].pi - m.bodies[static_cast<std::size_t>(m.s1)].ps;
    const double current = std::atan2(axis.x(), axis.y());  // lean of the column from vertical
    const double rot = current - deg(P.columnTiltDeg);
    const Eigen::Rotation2Dd R(rot);
    for (auto& b : m.bodies) {
      b.pi = R * b.pi;
      b.t = R * b.t;
      b.n = R * b.n;
      b.finish();
    }
  }

  // Posterior wall polyline with canal attributes, extended beyond both ends.
  std::vector<WallPoint> pts;
  for (std::size_t i = 0; i < m.bodies.size(); ++i) {
    const Body& b = m.bodies[i];
    const int idx = static_cast<int>(i);
    const double levelFrac = std::clamp((idx - m.firstLumbar) / 5.0, 0.0, 1.0);  // 0 at L1, 1 at S1
    const double sac = idx <= m.s1 ? P.canalDepthMm * (1.0 - 0.15 * levelFrac) : 0.0;
    const double epi = 0.8 + 2.5 * levelFrac * levelFrac;
    const double bonyCanal = epi + (idx <= m.s1 ? sac : 6.0) + 3.0;
    pts.push_back({b.ps, b.depth, sac, epi, bonyCanal});
    pts.push_back({b.pi, b.depth, sac, epi, bonyCanal});
  }
  {
    const V2 d0 = (pts[0].p - pts[1].p).normalized();
    WallPoint top = pts[0];
    top.p = pts[0].p + 200.0 * d0;
    pts.insert(pts.begin(), top);
    const V2 d1 = (pts.back().p - pts[pts.size() - 2].p).normalized();
    WallPoint bot = pts.back();
    bot.p = pts.back().p + 200.0 * d1;
    pts.push_back(bot);
  }
  m.wall = std::make_unique<Wall>(pts);
  // Landmarks along the canal: conus at L1-L2, sac end at S2, aortic bifurcation at L4.
  auto arcAt = [&](const V2& p) { return m.wall->hit(p).arc; };
  const Body& l1 = m.bodies[static_cast<std::size_t>(m.firstLumbar)];
  const Body& l4 = m.bodies[static_cast<std::size_t>(m.firstLumbar + 3)];
  m.conusArc = arcAt(l1.pi) + P.discHeightMm[0] * 0.5;
  m.sacEndArc = arcAt(m.bodies[static_cast<std::size_t>(m.s1 + 1)].ps);
  m.aortaEndArc = arcAt(0.5 * (l4.pi + l4.ps));
  const Body& s3 = m.bodies[static_cast<std::size_t>(m.s1 + 2)];
  m.bladderCentre = s3.ai + V2(-65.0, -5.0);

  // Herniations: anchored at the posterior margin of their disc.
  for (const auto& h : P.herniations) {
    const Body& U = m.bodies[static_cast<std::size_t>(m.firstLumbar + h.disc)];
    const Body& L = m.bodies[static_cast<std::size_t>(m.firstLumbar + h.disc + 1)];
    Model::HerniationShape hs;
    hs.h = &h;
    hs.origin = 0.5 * (U.pi + L.ps);
    hs.tAnt = (0.5 * (U.ai + L.as) - hs.origin).normalized();
    hs.nSup = V2(-hs.tAnt.y(), hs.tAnt.x());
    if (hs.nSup.y() < 0) hs.nSup = -hs.nSup;
    hs.discHeight = (U.pi - L.ps).norm();
    m.herniations.push_back(hs);
  }
  return m;
}

}  // namespace

const std::array<const char*, kLumbarDiscCount>& lumbarDiscLevelNames() {
  static const std::array<const char*, kLumbarDiscCount> names{"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"};
  return names;
}

std::string lumbarMriLabelName(int label) {
  if (label >= kMriL1 && label <= kMriL1 + 4) return "L" + std::to_string(label);
  if (label == kMriS1) return "S1";
  if (label >= kMriDiscL1L2 && label <= kMriDiscL5S1)
    return std::string("disc ") + lumbarDiscLevelNames()[static_cast<std::size_t>(label - kMriDiscL1L2)];
  if (label == kMriCanal) return "canal";
  if (label == kMriHerniation) return "herniation";
  return label == 0 ? "background" : "";
}

LumbarMriParams sampleLumbarMriParams(std::uint64_t seed, std::uint64_t index) {
  Random rng(seed, 0x4C4D5249ULL + index);  // "LMRI"
  LumbarMriParams p;
  p.seed = Random::mixSeed(seed, index);
  p.slices = static_cast<int>(rng.uniformInt(4, 7)) * 2 + 1;
  p.sliceThicknessMm = rng.choice(std::vector<double>{3.0, 3.5, 4.0});
  p.pixelMm = rng.choice(std::vector<double>{0.9, 0.9375, 1.0, 1.05});
  p.midlineOffsetMm = rng.uniform(-2.0, 2.0);
  const double age = rng.uniform(22, 78);
  const double ageF = std::clamp((age - 25) / 50.0, 0.0, 1.0);
  p.sacralSlopeDeg = rng.truncatedNormal(39, 6, 28, 52);
  const double lordosisScale = rng.truncatedNormal(1.0, 0.15, 0.65, 1.35);
  const double baseAngle[5] = {3.5, 5.5, 7.5, 9.5, 12.0};
  const double baseDisc[5] = {7.0, 7.8, 8.3, 8.8, 7.5};
  const double degWeight[5] = {0.35, 0.45, 0.6, 1.0, 0.95};
  const double size = rng.truncatedNormal(1.0, 0.06, 0.86, 1.14);
  for (int i = 0; i < 5; ++i) {
    const auto k = static_cast<std::size_t>(i);
    p.degeneration[k] = std::clamp(rng.normal(ageF * degWeight[i] * 0.8, 0.18), 0.0, 1.0);
    p.discAngleDeg[k] = baseAngle[i] * lordosisScale + rng.normal(0, 1.0);
    p.discHeightMm[k] = size * baseDisc[i] * (1.0 - 0.5 * p.degeneration[k]) * rng.uniform(0.92, 1.08);
    p.bodyHeightMm[k] = size * (26.0 + 0.5 * i) * rng.uniform(0.95, 1.05);
    p.bodyDepthMm[k] = size * (32.0 + 1.4 * i) * rng.uniform(0.95, 1.05);
  }
  p.bodyHeightMm[5] = size * 27.0 * rng.uniform(0.95, 1.05);
  p.bodyDepthMm[5] = size * 40.0 * rng.uniform(0.95, 1.05);
  p.bodyHalfWidthMm = size * rng.uniform(20.0, 24.0);
  p.canalDepthMm = rng.uniform(13.0, 17.0);
  p.subcutaneousFatMm = rng.uniform(8.0, 35.0);
  p.muscleMm = rng.uniform(45.0, 62.0);
  p.marrowFat = std::clamp(0.25 + 0.6 * ageF + rng.normal(0, 0.1), 0.1, 0.95);
  p.noiseSigma = rng.uniform(0.012, 0.03);
  p.biasStrength = rng.uniform(0.25, 0.45);
  p.patientShiftMm[0] = rng.uniform(-8, 8);
  p.columnTiltDeg = rng.normal(0.0, 3.0);
  p.patientShiftMm[1] = rng.uniform(-10, 10);

  if (rng.bernoulli(0.3)) {
    const std::size_t level = rng.weightedIndex({0.03, 0.05, 0.12, 0.55, 0.25});
    p.listhesisPercent[level] = rng.uniform(6.0, 32.0);
    p.degeneration[level] = std::max(p.degeneration[level], 0.5);
  }
  const int herniations = rng.bernoulli(0.7) ? (rng.bernoulli(0.25) ? 2 : 1) : 0;
  for (int i = 0; i < herniations; ++i) {
    DiscHerniation h;
    do {
      h.disc = static_cast<int>(rng.weightedIndex({0.04, 0.06, 0.15, 0.4, 0.35}));
    } while (!p.herniations.empty() && p.herniations.front().disc == h.disc);
    const double sideDraw = rng.uniform();
    h.side = sideDraw < 0.34 ? "central" : (sideDraw < 0.67 ? "left" : "right");
    h.type = rng.bernoulli(0.35) ? "extrusion" : "protrusion";
    const double lateral = h.side == "central" ? rng.normal(0, 1.2) : rng.uniform(4.5, 9.0);
    h.lateralMm = h.side == "right" ? -lateral : lateral;  // LPS +x = patient left
    const double discH = p.discHeightMm[static_cast<std::size_t>(h.disc)];
    if (h.type == "protrusion") {
      h.depthMm = rng.uniform(2.5, 5.5);
      h.widthMm = rng.uniform(11.0, 20.0);
      h.heightMm = std::max(4.0, discH * rng.uniform(0.75, 1.0));
    } else {
      h.depthMm = rng.uniform(5.0, 9.0);
      h.widthMm = rng.uniform(9.0, 14.0);
      h.heightMm = rng.uniform(9.0, 15.0);
      h.migrationMm = rng.bernoulli(0.5) ? rng.uniform(-8.0, 8.0) : 0.0;
    }
    p.degeneration[static_cast<std::size_t>(h.disc)] = std::max(p.degeneration[static_cast<std::size_t>(h.disc)], 0.45);
    p.discHeightMm[static_cast<std::size_t>(h.disc)] =
        std::min(p.discHeightMm[static_cast<std::size_t>(h.disc)], size * baseDisc[h.disc] * 0.8);
    p.herniations.push_back(h);
  }
  return p;
}

LumbarMriCase renderLumbarMri(const LumbarMriParams& params) {
  LumbarMriCase out;
  out.params = params;
  const LumbarMriParams& P = out.params;
  Model m = buildModel(P);

  // Field of view: centred between T12 and S1, the spine a little right of centre.
  const Body& l1 = m.bodies[static_cast<std::size_t>(m.firstLumbar)];
  const Body& s1 = m.bodies[static_cast<std::size_t>(m.s1)];
  const double sCentre = 0.5 * (l1.ps.y() + s1.pi.y()) - 18.0 + P.patientShiftMm[1];
  const double aCentre = 0.5 * (l1.ps.x() + s1.ps.x()) - 12.0 + P.patientShiftMm[0];
  core::Geometry g;
  g.size = {P.columns, P.rows, P.slices};
  g.spacing = Eigen::Vector3d(P.pixelMm, P.pixelMm, P.sliceThicknessMm);
  g.direction << 0, 0, -1,  //
      1, 0, 0,              //
      0, -1, 0;
  const double x0 = 0.5 * (P.slices - 1) * P.sliceThicknessMm;
  g.origin = Eigen::Vector3d(x0, aCentre - 0.5 * (P.columns - 1) * P.pixelMm, sCentre + 0.5 * (P.rows - 1) * P.pixelMm);

  out.t1 = std::make_shared<core::Image>(g, core::PixelType::UInt16);
  out.t2 = std::make_shared<core::Image>(g, core::PixelType::UInt16);
  out.labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  auto* t1 = out.t1->as<std::uint16_t>();
  auto* t2 = out.t2->as<std::uint16_t>();
  auto* lab = out.labels->as<std::uint8_t>();

  const int W = P.columns, Hh = P.rows, K = P.slices;
  const std::size_t plane = static_cast<std::size_t>(W) * static_cast<std::size_t>(Hh);
  std::vector<PlaneInfo> infos(plane);
  detail::parallelSlices(Hh, [&](int j) {
    for (int i = 0; i < W; ++i) {
      const V2 p(g.origin.y() + i * P.pixelMm, g.origin.z() - j * P.pixelMm);
      infos[static_cast<std::size_t>(j) * W + i] = planeInfo(m, p);
    }
  });

  constexpr int kSub = 3;  // sub-samples across the slice thickness (partial volume)
  const double fatSkin = P.subcutaneousFatMm;
  // Slices are independent (own noise stream), so they render in parallel with identical results.
  std::vector<std::vector<HerniationBox>> boxesPerSlice(static_cast<std::size_t>(K));
  auto renderSlice = [&](int k) {
    std::vector<float> s1buf(plane), s2buf(plane), tmp1(plane), tmp2(plane);
    std::vector<std::int16_t> hern(plane);
    const double xc = x0 - k * P.sliceThicknessMm - P.midlineOffsetMm;  // model lateral position
    for (std::size_t idx = 0; idx < plane; ++idx) {
      const PlaneInfo& pi = infos[idx];
      double a1 = 0, a2 = 0;
      int label = 0, hIdx = -1;
      for (int s = 0; s < kSub; ++s) {
        const double x = xc + (s - (kSub - 1) * 0.5) * P.sliceThicknessMm / kSub;
        const Sample smp = classify(m, pi, x);
        Signal sig = baseSignal(smp.tissue, P.marrowFat);
        if (smp.tissue == Nucleus || smp.tissue == Herniation || smp.tissue == Annulus) sig.t2 = smp.nucleusT2;
        if (s == kSub / 2) {
          label = smp.label;
          hIdx = smp.herniation;
        }
        // Texture: marrow heterogeneity, muscle marbling, bowel content.
        const V2& p = pi.p;
        if (smp.tissue == Marrow) {
          const double n = detail::fractalNoise(p.x() / 3.0, p.y() / 3.0, x / 3.0, m.texSeed + 21, 3);
          const double focal = detail::valueNoise(p.x() / 9.0, p.y() / 9.0, x / 9.0, m.texSeed + 22);
          const double fatty = focal > 0.6 ? 0.25 : 0.0;  // focal fatty marrow: brighter on T1 and T2
          sig.t1 *= 1 + 0.14 * n + fatty;
          sig.t2 *= 1 + 0.12 * n + 0.6 * fatty;
        } else if (smp.tissue == Muscle) {
          const double n = detail::valueNoise(p.x() / 1.5, p.y() / 9.0, x / 3.0, m.texSeed + 23);
          if (n > 0.55) sig = {0.6 * sig.t1 + 0.4 * 1000, 0.6 * sig.t2 + 0.4 * 820};
          sig.t1 *= 1 + 0.05 * n;
          sig.t2 *= 1 + 0.05 * n;
        } else if (smp.tissue == Bowel) {
          const double n = detail::fractalNoise(p.x() / 14.0, p.y() / 14.0, x / 14.0, m.texSeed + 29, 2);
          if (n < -0.55) sig = {30, 30};  // gas
          else sig = {sig.t1 * (1 + 0.3 * n), sig.t2 * (1 + 0.9 * n)};
        } else if (smp.tissue == Fat) {
          sig.t1 *= 1 + 0.03 * detail::valueNoise(p.x() / 3.0, p.y() / 3.0, x / 3.0, m.texSeed + 31);
        }
        a1 += sig.t1;
        a2 += sig.t2;
      }
      s1buf[idx] = static_cast<float>(a1 / kSub);
      s2buf[idx] = static_cast<float>(a2 / kSub);
      lab[static_cast<std::size_t>(k) * plane + idx] = static_cast<std::uint8_t>(label);
      hern[idx] = static_cast<std::int16_t>(hIdx);
    }
    // Finite k-space resolution: a light 3×3 blur before noise.
    auto blur = [&](std::vector<float>& src, std::vector<float>& dst) {
      for (int j = 0; j < Hh; ++j)
        for (int i = 0; i < W; ++i) {
          double acc = 0, wsum = 0;
          for (int dj = -1; dj <= 1; ++dj)
            for (int di = -1; di <= 1; ++di) {
              const int ii = std::clamp(i + di, 0, W - 1), jj = std::clamp(j + dj, 0, Hh - 1);
              const double wgt = (di == 0 ? 2.0 : 1.0) * (dj == 0 ? 2.0 : 1.0);
              acc += wgt * src[static_cast<std::size_t>(jj) * W + ii];
              wsum += wgt;
            }
          dst[static_cast<std::size_t>(j) * W + i] = static_cast<float>(acc / wsum);
        }
    };
    blur(s1buf, tmp1);
    blur(s2buf, tmp2);
    // Bias (posterior surface coil plus a smooth random field), then Rician noise.
    Random noise(P.seed, 0x4E4F4953ULL + static_cast<std::uint64_t>(k));
    const double sigma = P.noiseSigma * 1000.0;
    for (std::size_t idx = 0; idx < plane; ++idx) {
      const PlaneInfo& pi = infos[idx];
      const double skin = pi.wall.attr.bonyCanal + 5 + P.muscleMm + fatSkin;
      const double depthFromCoil = std::max(0.0, skin - pi.wall.dpost);
      const double smooth = detail::valueNoise(pi.p.x() / 140.0, pi.p.y() / 140.0, xc / 140.0, m.texSeed + 41);
      const double bias = (1 - P.biasStrength + P.biasStrength * std::exp(-depthFromCoil / 110.0)) * (1 + 0.1 * smooth);
      auto rician = [&](double v) {
        const double re = v * bias + sigma * noise.normal(), im = sigma * noise.normal();
        return std::clamp(std::round(1.6 * std::sqrt(re * re + im * im)), 0.0, 4095.0);
      };
      t1[static_cast<std::size_t>(k) * plane + idx] = static_cast<std::uint16_t>(rician(tmp1[idx]));
      t2[static_cast<std::size_t>(k) * plane + idx] = static_cast<std::uint16_t>(rician(tmp2[idx]));
    }
    // Herniation boxes on this slice, one per herniation.
    for (std::size_t h = 0; h < P.herniations.size(); ++h) {
      int x0b = W, y0b = Hh, x1b = -1, y1b = -1;
      for (int j = 0; j < Hh; ++j)
        for (int i = 0; i < W; ++i)
          if (hern[static_cast<std::size_t>(j) * W + i] == static_cast<int>(h)) {
            x0b = std::min(x0b, i);
            x1b = std::max(x1b, i);
            y0b = std::min(y0b, j);
            y1b = std::max(y1b, j);
          }
      if (x1b < 0) continue;
      const auto& hp = P.herniations[h];
      boxesPerSlice[static_cast<std::size_t>(k)].push_back(
          {k, x0b, y0b, x1b, y1b, lumbarDiscLevelNames()[static_cast<std::size_t>(hp.disc)], hp.side, hp.type});
    }
  };
  detail::parallelSlices(K, renderSlice);
  for (const auto& b : boxesPerSlice) out.herniationBoxes.insert(out.herniationBoxes.end(), b.begin(), b.end());
  for (int d = 0; d < kLumbarDiscCount; ++d) {
    ListhesisTruth lt;
    lt.level = lumbarDiscLevelNames()[static_cast<std::size_t>(d)];
    lt.percent = P.listhesisPercent[static_cast<std::size_t>(d)];
    const double a = std::abs(lt.percent);
    lt.grade = a < 1 ? 0 : (a <= 25 ? 1 : (a <= 50 ? 2 : (a <= 75 ? 3 : 4)));
    out.listhesis.push_back(lt);
  }
  return out;
}

}  // namespace openrad::phantom
