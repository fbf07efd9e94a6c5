#include "SeriesPlanner.h"
#include "openrad/core/ImageStatistics.h"

#include "openrad/io/DicomWriter.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <limits>
#include <map>
#include <set>
#include <sstream>
#include <tuple>

namespace openrad::io::detail {
namespace {

namespace fs = std::filesystem;
using Vec3 = Eigen::Vector3d;
using Sev = core::LoadIssue::Severity;

struct Group {
  core::PatientInfo patient;
  std::vector<int> files;
};

std::string mm(double v) {
  std::ostringstream s;
  s.precision(3);
  s << v;
  return s.str();
}

bool fitsInteger(double v) { return std::abs(v - std::round(v)) < 1e-6; }

// Output pixel type from what the stored values can become after rescale.
}  // namespace

void choosePixelType(SeriesPlan& plan, const std::vector<const ImageHeader*>& headers) {
  const ImageHeader& h0 = *headers[plan.slices.front().file];
  plan.mayOverflow = true;
  if (h0.decoder == Decoder::FloatData || h0.bitsAllocated == 32) {
    plan.type = core::PixelType::Float32;
    plan.mayOverflow = false;
    return;
  }
  if (h0.samples == 3) {
    plan.type = h0.bitsAllocated == 8 ? core::PixelType::UInt8 : core::PixelType::UInt16;
    plan.mayOverflow = false;
    return;
  }
  if (h0.photometric == "PALETTE COLOR" || h0.hasModalityLut) {
    plan.type = core::PixelType::UInt16;  // LUT output; re-read as float if it does not fit
    plan.mayOverflow = true;
    return;
  }
  bool integral = true;
  double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
  for (const auto& s : plan.slices) {
    const ImageHeader& h = *headers[s.file];
    const FrameHeader& f = h.frameHeaders[s.frame];
    integral &= fitsInteger(f.slope) && fitsInteger(f.intercept);
    const int bits = std::clamp(h.bitsStored, 1, h.bitsAllocated > 0 ? h.bitsAllocated : 16);
    const double sMin = h.isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
    const double sMax = h.isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
    const double a = sMin * f.slope + f.intercept, b = sMax * f.slope + f.intercept;
    lo = std::min({lo, a, b});
    hi = std::max({hi, a, b});
  }
  if (!integral) {
    plan.type = core::PixelType::Float32;
    plan.mayOverflow = false;
    return;
  }
  const bool ct = h0.modality == "CT";
  auto pick = [&](core::PixelType t, bool fits) {
    plan.type = t;
    plan.mayOverflow = !fits || h0.decoder == Decoder::DicomImage || (!h0.isSigned && h0.bitsStored < h0.bitsAllocated);
  };
  if (ct && lo >= -32768 && hi <= 32767)
    pick(core::PixelType::Int16, true);
  else if (lo >= 0 && hi <= 255 && h0.bitsAllocated <= 8)
    pick(core::PixelType::UInt8, true);
  else if (lo >= 0 && hi <= 65535)
    pick(core::PixelType::UInt16, true);
  else if (lo >= -32768 && hi <= 32767)
    pick(core::PixelType::Int16, true);
  else if (lo < 0)
    pick(core::PixelType::Int16, false);  // real data nearly always fits; re-read as float if not
  else
    pick(core::PixelType::UInt16, false);
}

// A volume is written once, page by page, by the decoding threads: with 4 KiB pages the page faults
// cost about as much as the copy itself (measured: ~30% of a 157 MB CT load). Transparent huge pages

namespace {

class Planner {
 public:
  explicit Planner(const std::vector<const ImageHeader*>& headers) : m_headers(headers) {}

  PlanResult run() {
    planAll();
    return std::move(m_result);
  }

 private:
  void issue(Sev severity, const std::string& file, const std::string& message) {
    m_result.issues.push_back(core::LoadIssue{severity, file, message});
  }

  /// Headers come from the header reader, which checks all of this; the planner does not trust it anyway.
  bool consistent(const ImageHeader& h) const {
    return h.rows > 0 && h.cols > 0 && h.frames > 0 && h.samples > 0 &&
           h.frameHeaders.size() == static_cast<std::size_t>(h.frames);
  }

  void planAll() {
    // Group by patient, study and series; keep the scan order inside a group.
    std::map<std::string, Group> groups;
    std::vector<std::string> order;
    for (std::size_t i = 0; i < m_headers.size(); ++i) {
      const auto& h = m_headers[i];
      if (!h) continue;
      if (!consistent(*h)) {
        issue(Sev::Error, h->path, "image header without a consistent size and frame list; file skipped");
        m_result.droppedFiles.push_back(static_cast<int>(i));
        continue;
      }
      std::string series = h->seriesUid.empty() ? "folder:" + fs::path(h->path).parent_path().string() : h->seriesUid;
      const std::string key = h->patient.id + '\x1f' + h->patient.name + '\x1f' + h->study.studyUid + '\x1f' + series;
      auto [it, fresh] = groups.try_emplace(key);
      if (fresh) order.push_back(key);
      it->second.files.push_back(static_cast<int>(i));
    }
    for (const auto& key : order) planGroup(groups[key].files);
  }

  void planGroup(std::vector<int> files) {
    // Dominant image size (by frame count); files of another size cannot share the volume.
    std::map<std::tuple<int, int, int>, int> sizes;
    for (int f : files) sizes[{m_headers[f]->rows, m_headers[f]->cols, m_headers[f]->samples}] += m_headers[f]->frames;
    const auto dominant = std::max_element(sizes.begin(), sizes.end(), [](const auto& a, const auto& b) {
                            return a.second < b.second;
                          })->first;
    std::vector<int> kept;
    for (int f : files) {
      const auto& h = *m_headers[f];
      if (std::make_tuple(h.rows, h.cols, h.samples) != dominant) {
        issue(Sev::Error, h.path,
              "image size " + std::to_string(h.cols) + "x" + std::to_string(h.rows) + " differs from the " +
                  std::to_string(std::get<1>(dominant)) + "x" + std::to_string(std::get<0>(dominant)) +
                  " of the rest of " + (h.seriesUid.empty() ? std::string("its series") : "series " + h.seriesUid) +
                  "; file skipped");
        m_result.droppedFiles.push_back(f);
        continue;
      }
      kept.push_back(f);
    }
    files = std::move(kept);

    std::vector<SliceRef> positioned, unpositioned;
    for (int f : files)
      for (int k = 0; k < m_headers[f]->frames; ++k) {
        const auto& fh = m_headers[f]->frameHeaders[k];
        (fh.hasIpp && fh.hasIop ? positioned : unpositioned).push_back(SliceRef{f, k, 0.0});
      }
    if (!positioned.empty()) {
      std::set<int> skipped;
      for (const auto& s : unpositioned) skipped.insert(s.file);
      for (int f : skipped)
        issue(Sev::Warning, m_headers[f]->path,
              "no ImagePositionPatient/ImageOrientationPatient unlike the rest of its series; skipped");
      planPositioned(std::move(positioned));
      return;
    }
    // No spatial positions: each file is its own image (radiographs, secondary captures, cine loops).
    std::sort(files.begin(), files.end(), [&](int a, int b) {
      return std::make_pair(m_headers[a]->instanceNumber, m_headers[a]->path) <
             std::make_pair(m_headers[b]->instanceNumber, m_headers[b]->path);
    });
    for (std::size_t i = 0; i < files.size(); ++i) planUnpositioned(files[i], i, files.size());
  }

  void fillInfo(SeriesPlan& plan, const ImageHeader& h) {
    plan.patient = h.patient;
    plan.study = h.study;
    auto& info = plan.info;
    info.seriesUid = h.seriesUid;
    info.studyUid = h.study.studyUid;
    info.frameOfReferenceUid = h.frameOfReferenceUid;
    info.sopClassUid = h.sopClassUid;
    info.modality = h.modality;
    info.description = h.seriesDescription;
    info.bodyPart = h.bodyPart;
    info.patientPosition = h.patientPosition;
    info.viewPosition = h.viewPosition;
    info.date = h.seriesDate;
    info.time = h.seriesTime;
    info.seriesNumber = h.seriesNumber;
    info.pixelSpacingSource = h.spacingSource;
    info.distanceSourceToDetector = h.distanceSourceToDetector;
    info.distanceSourceToPatient = h.distanceSourceToPatient;
    info.sourceFormat = "DICOM";
    if (h.modality == "CT" || h.rescaleType == "HU") info.units = "HU";
    const FrameHeader& f = h.frameHeaders[plan.slices.front().frame];
    info.windowCenter = f.windowCenter;
    info.windowWidth = f.windowWidth;
    std::set<std::string> seen;
    for (const auto& s : plan.slices) {
      const auto& hs = *m_headers[s.file];
      if (seen.insert(hs.path).second) {
        info.files.push_back(hs.path);
        info.sopInstanceUids.push_back(hs.sopInstanceUid);
      }
    }
    if (h.decoder == Decoder::Gdcm || h.decoder == Decoder::DicomImage || h.samples == 3) {
      if (h.samples == 3 || h.photometric == "PALETTE COLOR")
        info.problems.push_back("colour image (" + h.photometric + ") shown as greyscale luminance");
    }
    if (!h.study.studyUid.empty() && h.seriesUid.empty()) info.problems.push_back("SeriesInstanceUID missing");
  }

  void finishPlan(SeriesPlan plan) {
    choosePixelType(plan, m_headers);
    const ImageHeader& h0 = *m_headers[plan.slices.front().file];
    if (h0.photometric == "MONOCHROME1" && plan.info.windowCenter && h0.decoder != Decoder::DicomImage) {
      // The window was given for the stored (inverted) values; mirror it with the values.
      const FrameHeader& f = h0.frameHeaders[plan.slices.front().frame];
      const int bits = std::clamp(h0.bitsStored, 1, 32);
      const double sMin = h0.isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
      const double sMax = h0.isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
      plan.info.windowCenter = (sMin + sMax) * f.slope + 2 * f.intercept - *plan.info.windowCenter;
    }
    if (plan.info.seriesUid.empty())
      plan.info.seriesUid = uidFromText("series-without-uid:" + fs::path(h0.path).parent_path().string());
    if (plan.info.studyUid.empty()) {
      plan.info.studyUid = uidFromText("study-without-uid:" + plan.info.seriesUid);
      plan.study.studyUid = plan.info.studyUid;
    }
    m_result.plans.push_back(std::move(plan));
  }

  void planPositioned(std::vector<SliceRef> slices) {
    // Keep the dominant orientation; other orientations (scouts) cannot share the volume.
    const FrameHeader& ref = frame(slices.front());
    std::vector<SliceRef> same, other;
    for (const auto& s : slices) {
      const FrameHeader& f = frame(s);
      (f.row.dot(ref.row) > 0.9999 && f.col.dot(ref.col) > 0.9999 ? same : other).push_back(s);
    }
    if (other.size() > same.size()) std::swap(same, other);
    std::set<int> otherFiles;
    for (const auto& s : other) otherFiles.insert(s.file);
    for (int f : otherFiles)
      issue(Sev::Warning, m_headers[f]->path, "image orientation differs from the rest of its series; skipped");
    slices = std::move(same);

    const FrameHeader& f0 = frame(slices.front());
    const Vec3 normal = f0.row.cross(f0.col).normalized();
    for (auto& s : slices) s.distance = frame(s).ipp.dot(normal);
    std::sort(slices.begin(), slices.end(), [&](const SliceRef& a, const SliceRef& b) {
      if (std::abs(a.distance - b.distance) > 1e-4) return a.distance < b.distance;
      const auto ka =
          std::make_tuple(frame(a).order, m_headers[a.file]->instanceNumber, m_headers[a.file]->path, a.frame);
      const auto kb =
          std::make_tuple(frame(b).order, m_headers[b.file]->instanceNumber, m_headers[b.file]->path, b.frame);
      return ka < kb;
    });

    SeriesPlan plan;
    std::vector<std::string> problems;
    // Several frames at one position (echoes, phases, b-values): keep the first at each position.
    std::vector<SliceRef> unique;
    for (const auto& s : slices)
      if (unique.empty() || std::abs(s.distance - unique.back().distance) > 1e-3) unique.push_back(s);
    if (unique.size() < slices.size()) {
      problems.push_back(std::to_string(slices.size() - unique.size()) + " of " + std::to_string(slices.size()) +
                         " images share a slice position with another (several echoes, phases or time points?); "
                         "only the first image at each position is shown");
    }
    slices = std::move(unique);
    plan.slices = slices;

    core::Geometry& g = plan.geometry;
    const ImageHeader& h0 = *m_headers[slices.front().file];
    g.size = {h0.cols, h0.rows, static_cast<std::int64_t>(slices.size())};
    g.origin = frame(slices.front()).ipp;
    g.direction.col(0) = f0.row;
    g.direction.col(1) = f0.col;
    g.direction.col(2) = normal;
    const FrameHeader& first = frame(slices.front());
    g.spacingKnown = first.hasSpacing;
    g.spacing = Vec3(first.colSpacing, first.rowSpacing, 1.0);
    for (const auto& s : slices) {
      const FrameHeader& f = frame(s);
      if (std::abs(f.rowSpacing - first.rowSpacing) > 1e-4 || std::abs(f.colSpacing - first.colSpacing) > 1e-4) {
        problems.push_back("pixel spacing differs between slices; the first slice's spacing is used");
        break;
      }
    }
    if (slices.size() >= 2) {
      std::vector<double> gaps;
      for (std::size_t i = 1; i < slices.size(); ++i) gaps.push_back(slices[i].distance - slices[i - 1].distance);
      const double step = core::median(gaps);
      g.spacing.z() = step > 1e-6 ? step : 1.0;
      double minGap = *std::min_element(gaps.begin(), gaps.end()), maxGap = *std::max_element(gaps.begin(), gaps.end());
      int missing = 0;
      for (double gap : gaps)
        if (gap > 1.5 * step) missing += static_cast<int>(std::lround(gap / step)) - 1;
      if (missing > 0)
        problems.push_back("missing slices: about " + std::to_string(missing) + " slice(s) absent (largest gap " +
                           mm(maxGap) + " mm, usual spacing " + mm(step) + " mm)");
      const double tolerance = std::max(0.01, 0.01 * step);
      if (maxGap - step > tolerance || step - minGap > tolerance)
        problems.push_back("uneven slice spacing: gaps from " + mm(minGap) + " to " + mm(maxGap) +
                           " mm; the volume uses " + mm(step) + " mm, so positions along the stack are approximate");
      const Vec3 span = frame(slices.back()).ipp - frame(slices.front()).ipp;
      const double along = span.dot(normal);
      const Vec3 across = span - along * normal;
      if (across.norm() > 0.01 + 1e-3 * std::abs(along)) {
        const double angle = std::atan2(across.norm(), std::abs(along)) * 180.0 / M_PI;
        problems.push_back("gantry tilt / sheared stack: slices shift " + mm(across.norm()) +
                           " mm sideways over the stack (" + mm(angle) + " degrees" +
                           (h0.gantryTilt != 0.0 ? ", GantryDetectorTilt " + mm(h0.gantryTilt) : std::string()) +
                           "); the volume is not de-sheared, so 3D positions are off by up to that amount");
      }
    } else {
      const double t = h0.spacingBetweenSlices > 0 ? h0.spacingBetweenSlices : first.thickness;
      g.spacing.z() = t > 0 ? t : 1.0;
    }
    if (h0.framePositionsDerived)
      problems.push_back("frame positions derived from the first frame and SpacingBetweenSlices");
    fillInfo(plan, h0);
    if (!g.spacingKnown) {
      plan.info.pixelSpacingSource = "none";
      problems.push_back("no pixel spacing in the file: sizes are in pixels");
    }
    for (auto& p : problems) plan.info.problems.push_back(std::move(p));
    finishPlan(std::move(plan));
  }

  void planUnpositioned(int file, std::size_t index, std::size_t count) {
    const ImageHeader& h = *m_headers[file];
    SeriesPlan plan;
    for (int k = 0; k < h.frames; ++k) plan.slices.push_back(SliceRef{file, k, 0.0});
    core::Geometry& g = plan.geometry;
    const FrameHeader& f = h.frameHeaders.front();
    g.size = {h.cols, h.rows, h.frames};
    g.spacingKnown = f.hasSpacing;
    g.spacing = Vec3(f.colSpacing, f.rowSpacing, 1.0);
    if (f.hasIop) {
      g.direction.col(0) = f.row;
      g.direction.col(1) = f.col;
      g.direction.col(2) = f.row.cross(f.col);
    } else if (h.orientationFromLetters) {
      g.direction = *h.orientationFromLetters;
    }
    if (f.hasIpp) g.origin = f.ipp;
    fillInfo(plan, h);
    if (h.frames > 1) {
      const double t = h.spacingBetweenSlices > 0 ? h.spacingBetweenSlices : f.thickness;
      g.spacing.z() = t > 0 ? t : 1.0;
      plan.info.problems.push_back(std::to_string(h.frames) +
                                   " frames without spatial positions (cine or time series?); stacked in frame order");
    }
    if (!g.spacingKnown) plan.info.pixelSpacingSource = "none";
    if (count > 1 && index > 0) {
      // One series holding several separate 2D images: each becomes its own series entry, keyed by
      // its SOP Instance UID so that annotations stay attached to the right image.
      plan.info.problems.push_back("series " + h.seriesUid + " holds " + std::to_string(count) +
                                   " separate images; this one is listed under its SOP Instance UID");
      plan.info.seriesUid = h.sopInstanceUid.empty() ? uidFromText("image:" + h.path) : h.sopInstanceUid;
    }
    finishPlan(std::move(plan));
  }

  const FrameHeader& frame(const SliceRef& s) const { return m_headers[s.file]->frameHeaders[s.frame]; }

  const std::vector<const ImageHeader*>& m_headers;
  PlanResult m_result;
};

}  // namespace

PlanResult planSeries(const std::vector<const ImageHeader*>& headers) { return Planner(headers).run(); }

}  // namespace openrad::io::detail
