#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"

#include "openrad/core/Format.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <memory>
#include <mutex>
#include <cmath>
#include <stdexcept>

namespace openrad::modules::ct_hemorrhage {

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kTissueHu = -300, kBoneHu = 300;
constexpr int kRays = 24, kRaysForRing = 22;
constexpr double kMinInnerTableMm = 30, kMaxRayMm = 160, kMinRingRadiusMm = 40;

/// One examined slice's ring: enclosed area (mm², from the mean inner-table distance), centre (LPS) and mean radius.
struct Ring {
  double area = 0, radius = 0;
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();
};

}  // namespace

const std::vector<std::string>& hemorrhageClassNames() {
  static const std::vector<std::string> names = {"background", "hematoma", "edema", "extra-axial"};
  return names;
}

std::vector<core::LabelInfo> hemorrhageLabelTable() {
  return {{1, "hematoma", {230, 40, 40}}, {2, "edema", {250, 220, 60}}, {3, "extra-axial", {60, 120, 250}}};
}

HeadSurvey surveyHead(const core::Image& ct) {
  const auto& g = ct.geometry();
  HeadSurvey s;
  const std::int64_t nx = g.size[0], ny = g.size[1], nz = g.size[2];
  s.slicesExamined = static_cast<int>(std::min<std::int64_t>(nz, 64));
  // At most ~256 samples per side for the tissue's centre and extent.
  const std::int64_t stride = std::max<std::int64_t>(1, std::max(nx, ny) / 256);
  std::vector<Ring> rings;
  for (int e = 0; e < s.slicesExamined; ++e) {
    const std::int64_t k = s.slicesExamined > 1 ? e * (nz - 1) / (s.slicesExamined - 1) : 0;
    double si = 0, sj = 0, n = 0;
    std::int64_t i0 = nx, i1 = -1, j0 = ny, j1 = -1;
    for (std::int64_t j = 0; j < ny; j += stride)
      for (std::int64_t i = 0; i < nx; i += stride)
        if (ct.value(i, j, k) > kTissueHu) {
          si += static_cast<double>(i), sj += static_cast<double>(j), ++n;
          i0 = std::min(i0, i), i1 = std::max(i1, i), j0 = std::min(j0, j), j1 = std::max(j1, j);
        }
    if (n == 0) continue;
    s.tissueExtentMm = std::max({s.tissueExtentMm, static_cast<double>(i1 - i0 + stride) * g.spacing.x(),
                                 static_cast<double>(j1 - j0 + stride) * g.spacing.y()});
    // Rays from the middle of the tissue, in mm along the slice's (orthonormal) i and j axes.
    const double ci = si / n, cj = sj / n;
    int hits = 0;
    double sumRadius = 0;
    Eigen::Vector2d sumHit = Eigen::Vector2d::Zero();
    for (int r = 0; r < kRays; ++r) {
      const double a = 2 * kPi * r / kRays, di = std::cos(a) / g.spacing.x(), dj = std::sin(a) / g.spacing.y();
      for (double t = 0.5; t <= kMaxRayMm; t += 0.5) {
        const auto i = static_cast<std::int64_t>(std::lround(ci + t * di)),
                   j = static_cast<std::int64_t>(std::lround(cj + t * dj));
        if (i < 0 || j < 0 || i >= nx || j >= ny) break;
        if (ct.value(i, j, k) < kBoneHu) continue;
        if (t >= kMinInnerTableMm) {  // bone nearer the middle (skull base, a calcification) is no inner table
          ++hits;
          sumRadius += t;
          sumHit += Eigen::Vector2d(ci + t * di, cj + t * dj);
        }
        break;
      }
    }
    if (hits < kRaysForRing) continue;
    Ring ring;
    ring.radius = sumRadius / hits;
    ring.area = kPi * ring.radius * ring.radius;
    const Eigen::Vector2d c = sumHit / hits;
    ring.centre = g.indexToPhysical(Eigen::Vector3d(c.x(), c.y(), static_cast<double>(k)));
    rings.push_back(ring);
  }
  s.ringSlices = static_cast<int>(rings.size());
  if (rings.empty()) return s;
  std::vector<double> radii;
  double largest = 0;
  Eigen::Vector3d sum = Eigen::Vector3d::Zero();
  for (const Ring& r : rings) {
    radii.push_back(r.radius);
    largest = std::max(largest, r.area);
    sum += r.centre;
  }
  std::nth_element(radii.begin(), radii.begin() + static_cast<std::ptrdiff_t>(radii.size() / 2), radii.end());
  s.ringRadiusMm = radii[radii.size() / 2];
  s.centre = sum / static_cast<double>(rings.size());
  double zSum = 0, zCount = 0;
  for (const Ring& r : rings)
    if (r.area >= 0.95 * largest) zSum += r.centre.z(), ++zCount;
  s.centre.z() = zSum / zCount;
  return s;
}

std::string unsuitableHeadCt(const core::Series& series) {
  if (!series.image) return "it has no image";
  const auto& g = series.image->geometry();
  const std::string& modality = series.info.modality;
  const bool untyped = modality.empty() || (series.info.sourceFormat == "NIfTI" && modality == "OT");
  if (!untyped && modality != "CT") return "its modality is " + modality + ": the module analyses CT series";
  if (g.is2D() || g.size[2] < 3)
    return "it has " + std::to_string(g.size[2]) + (g.size[2] == 1 ? " slice" : " slices") +
           ": the module needs an axial stack of at least 3 slices";
  if (untyped) {
    const double lo = series.image->range().first;
    if (lo > -500)
      return "it records no modality and its values go down to " + core::fixed(lo, 0) +
             " only: a CT in HU reaches air (about -1000)";
  }
  const Eigen::Vector3d normal = g.direction.col(0).cross(g.direction.col(1)).normalized();
  const double tilt = std::acos(std::min(1.0, std::abs(normal.z()))) * 180.0 / kPi;
  if (tilt > 30)
    return "its slices are " + core::fixed(tilt, 0) + " degrees from axial (at most 30): it reads axial head CT";
  const double pixel = std::max(g.spacing.x(), g.spacing.y());
  if (pixel > 2.0) return "its in-plane pixels are " + core::fixed(pixel, 2) + " mm: too coarse (at most 2 mm)";
  const HeadSurvey s = surveyHead(*series.image);
  if (s.tissueExtentMm > 300)
    return "the tissue in view is " + core::fixed(s.tissueExtentMm, 0) + " mm across: not a head (at most 300 mm)";
  if (s.ringSlices < 3 || s.ringSlices * 5 < s.slicesExamined || s.ringRadiusMm < kMinRingRadiusMm)
    return "no skull: " + std::to_string(s.ringSlices) + " of " + std::to_string(s.slicesExamined) +
           " slices examined are enclosed by a ring of bone (>= 300 HU)" +
           (s.ringSlices > 0 ? " of median radius " + core::fixed(s.ringRadiusMm, 0) + " mm" : "") +
           "; a head CT shows the skull around the brain on most slices";
  return {};
}

LesionRules lesionRulesFor(const core::Image& ct, std::string* how, const MidlineLandmarks* midline) {
  LesionRules rules;
  const HeadSurvey s = surveyHead(ct);
  if (s.ringSlices == 0) {
    if (how) *how = "no skull found: the patient coordinates are taken as the head frame";
    return rules;
  }
  rules.midsagittal.point = s.centre;
  rules.midsagittal.normal = Eigen::Vector3d::UnitX();
  rules.head.origin = s.centre;
  if (midline && midline->found) {
    // The falx line turns the frame with the head: y along it (toward posterior), z the slices' normal.
    Eigen::Vector3d ey = (midline->falxPosterior - midline->falxAnterior).normalized();
    Eigen::Vector3d ez = ct.geometry().direction.col(2).normalized();
    if (ez.z() < 0) ez = -ez;
    ey = (ey - ey.dot(ez) * ez).normalized();
    const Eigen::Vector3d ex = ey.cross(ez);
    rules.head.rotation.col(0) = ex;
    rules.head.rotation.col(1) = ey;
    rules.head.rotation.col(2) = ez;
    rules.midsagittal.point = midline->falxAnterior;
    rules.midsagittal.normal = ex;
    // The origin on the ideal midline, at the survey's height.
    rules.head.origin = s.centre - (s.centre - midline->falxAnterior).dot(ex) * ex;
    if (how)
      *how = "head frame from the skull: midsagittal plane through the falx attachments (" + midline->how +
             "), origin at the cranium's widest section (z = " + core::fixed(s.centre.z(), 1) + " mm)";
    return rules;
  }
  if (how)
    *how = "head frame from the skull: midsagittal plane at x = " + core::fixed(s.centre.x(), 1) +
           " mm through the centre of the inner table (" + std::to_string(s.ringSlices) +
           " slices), origin at the cranium's widest section (z = " + core::fixed(s.centre.z(), 1) +
           " mm); not turned for the head's yaw or pitch (no midline found: " +
           (midline ? midline->reason : std::string("not searched")) + ")";
  return rules;
}

MidlineLandmarks midlineOf(const std::shared_ptr<const core::Image>& ct) {
  // The landmarks depend on the CT alone, while the rule runs after every brush stroke: keep the last study's.
  static std::mutex mutex;
  static std::weak_ptr<const core::Image> lastImage;
  static MidlineLandmarks last;
  std::lock_guard<std::mutex> lock(mutex);
  if (!ct) return {};
  if (lastImage.lock() != ct) {
    last = findMidline(*ct);
    lastImage = ct;
  }
  return last;
}

std::vector<core::Measurement> hemorrhageMeasurements(const core::Image& labels, const core::Series& series,
                                                      const core::Provenance& provenance) {
  if (!series.image) throw std::invalid_argument("ct-hemorrhage: the series has no image");
  if (!labels.geometry().sameGrid(series.image->geometry(), 1e-3))
    throw std::invalid_argument("ct-hemorrhage: the label map is not on the series' grid");
  std::string frameHow;
  const MidlineLandmarks midline = midlineOf(series.image);
  const LesionRules rules = lesionRulesFor(*series.image, &frameHow, &midline);
  const Volumes v = volumes(labels);
  const std::vector<Lesion> found = lesions(labels, *series.image, rules);
  const AbcSummary abc = abcOverTwo(labels, rules);
  const auto& g = labels.geometry();
  std::vector<core::Measurement> out;
  int order = 0;
  const auto add = [&](const std::string& id, const std::string& name, double value, const std::string& unit,
                       const std::string& group, std::vector<std::string> inputs) -> core::Measurement& {
    core::Measurement m;
    m.id = "hemorrhage." + id;
    m.name = name;
    m.value = value;
    m.unit = unit;
    m.inputs = std::move(inputs);
    m.provenance = provenance;
    m.attributes["group"] = group;
    m.attributes["order"] = std::to_string(order++);
    out.push_back(std::move(m));
    return out.back();
  };
  add("hematoma_ml", "Hematoma volume", v.hematomaMl, "mL", "Volumes", {"hematoma"});
  add("edema_ml", "Perihematomal edema volume", v.edemaMl, "mL", "Volumes", {"edema"});
  add("extra_axial_ml", "Extra-axial collection volume", v.extraAxialMl, "mL", "Volumes", {"extra-axial"});
  if (std::isfinite(v.relativeEdema))
    add("relative_edema", "Relative edema (edema / hematoma)", v.relativeEdema, "", "Volumes", {"hematoma", "edema"});
  auto& count = add("lesion_count", "Hematoma lesions", static_cast<double>(found.size()), "", "Volumes", {"hematoma"});
  count.attributes["definition"] =
      "26-connected hematoma components of at least " + core::fixed(rules.minVolumeMl, 1) + " mL";
  count.attributes["head_frame"] = frameHow;
  for (std::size_t n = 0; n < found.size(); ++n) {
    const Lesion& l = found[n];
    const Abc& a = abc.lesions[n];
    const std::string id = "lesion." + std::to_string(n + 1) + ".", name = "Lesion " + std::to_string(n + 1);
    auto& m = add(id + "volume_ml", name + " volume", l.volumeMl, "mL", "Lesions", {"hematoma"});
    m.attributes["side"] = l.side;
    m.attributes["compartment"] = l.compartment;
    m.attributes["location"] = l.location;
    m.attributes["how"] = l.how;
    m.attributes["lateral_mm"] = core::fixed(l.lateralMm, 1);
    // Where the viewer puts the lesion's badge: its centroid in-plane on the slice ABC/2 was measured on.
    const Eigen::Vector3d c = g.physicalToIndex(l.centroidLps);
    m.attributes["badge_index"] = core::fixed(c.x(), 1) + " " + core::fixed(c.y(), 1) + " " + std::to_string(a.slice);
    add(id + "mean_hu", name + " mean density", l.meanHu, "HU", "Lesions", {"hematoma"});
    auto& e = add(id + "abc2_ml", name + " ABC/2 estimate", a.estimateMl, "mL", "ABC/2", {"hematoma"});
    e.attributes["a_mm"] = core::fixed(a.aMm, 1);
    e.attributes["b_mm"] = core::fixed(a.bMm, 1);
    e.attributes["c_mm"] = core::fixed(a.cMm, 1);
    e.attributes["slice"] = std::to_string(a.slice + 1);
    e.attributes["segmented_ml"] = core::fixed(a.segmentedMl, 2);
    e.attributes["difference_ml"] = core::fixed(a.differenceMl, 2);
  }
  if (midline.found) {
    const MidlineShift shift = midlineShift(midline.septum, midline.falxAnterior, midline.falxPosterior);
    auto& m = add("midline_shift_mm", "Midline shift (septum pellucidum)", shift.shiftMm, "mm", "Midline", {});
    m.attributes["toward"] = shift.toward;
    m.attributes["slice"] = std::to_string(midline.slice + 1);
    m.attributes["how"] = midline.how;
    // The three points, as voxel indices, so that a reader can check them on the slice.
    const auto index = [&](const Eigen::Vector3d& p) {
      const Eigen::Vector3d i = g.physicalToIndex(p);
      return core::fixed(i.x(), 1) + " " + core::fixed(i.y(), 1) + " " + core::fixed(i.z(), 1);
    };
    m.attributes["septum_index"] = index(midline.septum);
    m.attributes["falx_anterior_index"] = index(midline.falxAnterior);
    m.attributes["falx_posterior_index"] = index(midline.falxPosterior);
  }
  add("abc2.estimate_ml", "ABC/2 estimate, all lesions", abc.estimateMl, "mL", "ABC/2", {"hematoma"})
      .attributes["definition"] = "Kothari A x B x C / 2: A and B on the slice of largest area, C = slices x spacing";
  add("abc2.segmented_ml", "Segmented volume of the same lesions", abc.segmentedMl, "mL", "ABC/2", {"hematoma"});
  add("abc2.difference_ml", "ABC/2 minus segmented", abc.differenceMl, "mL", "ABC/2", {"hematoma"});
  return out;
}

core::MeasurementRule hemorrhageRule() {
  core::MeasurementRule r;
  r.id = std::string(kModuleId) + "/volumes";
  r.labelMaps = {kLabelMap};
  r.outputPrefixes = {"hemorrhage."};
  r.compute = [](const core::Series& series, const core::SeriesAnnotations& a) {
    const auto it = a.labelMaps.find(kLabelMap);
    if (it == a.labelMaps.end() || !it->second.labels) throw std::invalid_argument("no ct-hemorrhage label map");
    return hemorrhageMeasurements(*it->second.labels, series, it->second.provenance);
  };
  return r;
}

}  // namespace openrad::modules::ct_hemorrhage
