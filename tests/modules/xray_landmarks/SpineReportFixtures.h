#pragma once

#include "TestUtil.h"
#include "openrad/measure/SpineLandmarks.h"
#include "openrad/modules/Module.h"
#include "openrad/modules/xray_landmarks/SpineRules.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
#include "openrad/report/Report.h"

#include "../../measure/SpineFixtures.h"

#include <QtGlobal>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace openrad::modules::xray_landmarks::test {

inline constexpr double kSpacing = 0.5;  ///< mm per pixel of the synthetic radiograph
inline constexpr int kColumns = 400, kRows = 560;
/// The corner moved by hand in editedInput() and the low-confidence corner of every input.
inline constexpr int kEditedCorner = 6 * 4 + measure::TopLeft;           // T7.tl
inline constexpr int kLowConfidenceCorner = 13 * 4 + measure::TopRight;  // L2.tr
inline constexpr const char* kModelNote =
    "xray-landmarks 0.1.0, trained on synthetic phantoms only (no real radiographs); not for diagnostic use";
inline constexpr const char* kLowConfidenceWarning = "1 corners below confidence 0.3: review them";
inline constexpr const char* kLoaderWarning = "image DX #1: rescale slope missing, 1 assumed";

/// Qt's offscreen platform for every test of this executable (no display on CI), then the application.
inline void useOffscreenQt() {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  report::ensureGuiApplication();
}

/// The report presentations of the built-in modules (the spine section and layer among them).
inline const report::Presentations& presentations() {
  static const report::Presentations p = Registry::builtIn().presentations();
  return p;
}

/// S-shaped spine: T1..T4 tilt up to +10°, T4→T10 to −20°, T10→L5 back to +5° (Cobb PT 10°, MT 30°, TL/L 25°),
/// with the lateral shift of such a spine: apex T2 to the image right, T7 to the image left, L2 to the image right.
inline measure::ApCorners sCurveCorners() {
  const double tilts[17] = {0, 3, 6, 10, 5, 0, -5, -10, -15, -20, -12, -6, -2, 0, 2, 4, 5};
  const double shift[17] = {0, 4, 3, 0, -5, -9, -12, -10, -5, 0, 4, 7, 8, 9, 6, 3, 0};  // px, per vertebra
  measure::ApCorners c = measure::test::tiltEach(measure::test::straightSpine(20.0, 10.0, 180.0, 40.0), tilts);
  for (std::size_t k = 0; k < c.size(); ++k) c[k].x() += shift[k / 4];
  return c;
}

/// A straight upright spine at the same place (no curve in any region).
inline measure::ApCorners straightCorners() { return measure::test::straightSpine(20.0, 10.0, 180.0, 40.0); }

/// A uint16 radiograph: dark background, brighter vertebral bodies.
inline std::shared_ptr<core::Image> radiograph(const measure::ApCorners& corners) {
  core::Geometry g;
  g.size = {kColumns, kRows, 1};
  g.spacing = {kSpacing, kSpacing, 1.0};
  auto image = std::make_shared<core::Image>(g, core::PixelType::UInt16);
  for (int j = 0; j < kRows; ++j)
    for (int i = 0; i < kColumns; ++i) image->setValue(i, j, 0, 400.0 + j);
  for (int v = 0; v < measure::kApVertebrae; ++v) {
    double x0 = 1e9, x1 = -1e9, y0 = 1e9, y1 = -1e9;
    for (int c = 0; c < 4; ++c) {
      const auto& p = corners[static_cast<std::size_t>(4 * v + c)];
      x0 = std::min(x0, p.x()), x1 = std::max(x1, p.x()), y0 = std::min(y0, p.y()), y1 = std::max(y1, p.y());
    }
    for (int j = static_cast<int>(y0); j <= static_cast<int>(y1); ++j)
      for (int i = static_cast<int>(x0); i <= static_cast<int>(x1); ++i) image->setValue(i, j, 0, 3000.0);
  }
  return image;
}

/// The loaded series of the synthetic radiograph: a PA DICOM film with PixelSpacing.
inline std::shared_ptr<const core::Series> spineSeries(std::shared_ptr<const core::Image> image) {
  auto s = std::make_shared<core::Series>();
  s->info.seriesUid = "2.25.5678";
  s->info.studyUid = "2.25.1234";
  s->info.modality = "DX";
  s->info.viewPosition = "PA";
  s->info.seriesNumber = 1;
  s->info.description = "AP spine";
  s->info.pixelSpacingSource = "PixelSpacing";
  s->info.sourceFormat = "DICOM";
  s->info.sopInstanceUids = {"2.25.5678.1"};
  s->image = std::move(image);
  return s;
}

/// The analysed series of a report input.
inline report::ReportSeries& spine(report::ReportInput& in) { return in.series.front(); }
inline const report::ReportSeries& spine(const report::ReportInput& in) { return in.series.front(); }
/// Its AP corner set and measurements.
inline const core::LandmarkSet& cornerSet(const report::ReportInput& in) {
  return spine(in).annotations.landmarkSets.at(ai::kApCornerSetName);
}
inline const std::map<std::string, core::Measurement>& measurements(const report::ReportInput& in) {
  return spine(in).annotations.measurements;
}

/// Recomputes the spine measurements as the Document's rule does after a command: the rule's outputs ("cobb.",
/// "height.") are replaced by ai::spineMeasurements of the series, which reads the previous values.
inline void remeasure(report::ReportSeries& s) {
  auto& ms = s.annotations.measurements;
  const std::map<std::string, core::Measurement> previous = ms;
  for (auto it = ms.begin(); it != ms.end();)
    it = it->first.rfind("cobb.", 0) == 0 || it->first.rfind("height.", 0) == 0 ? ms.erase(it) : std::next(it);
  for (auto& m : ai::spineMeasurements(s.annotations.landmarkSets.at(ai::kApCornerSetName), *s.series, &previous))
    ms[m.id] = std::move(m);
}

/// AI output on a synthetic radiograph of `corners`, as the xray-landmarks module would report it (one corner with
/// low confidence and its warning), with patient, study, series, the model note and a loader warning filled in.
inline report::ReportInput spineInput(const measure::ApCorners& corners) {
  report::ReportInput in;
  in.patient = {"PID-4711", "Testperson^Anna", "19900214", "F"};
  in.study.studyUid = "2.25.1234";
  in.study.accessionNumber = "ACC-77";
  in.study.description = "Spine AP standing";
  in.study.date = "20260315";
  in.study.time = "101500";
  report::ReportSeries s;
  s.series = spineSeries(radiograph(corners));
  std::vector<double> confidence(measure::kApCorners, 0.9);
  confidence[kLowConfidenceCorner] = 0.1;
  s.annotations.landmarkSets[ai::kApCornerSetName] =
      measure::apLandmarkSet(corners, ai::kApCornerSetName, {ai::kXrayLandmarksId, "0.1.0"}, confidence);
  s.annotations.warnings[ai::kXrayLandmarksId] = {kLowConfidenceWarning};
  remeasure(s);
  in.series.push_back(std::move(s));
  in.modelNotes[ai::kXrayLandmarksId] = kModelNote;
  in.warnings = {kLoaderWarning};
  return in;
}

/// The AI's findings on the S-shaped spine.
inline report::ReportInput aiInput() { return spineInput(sCurveCorners()); }

/// aiInput() after corner T7.tl was moved by hand (3, 2) px and the measurements recomputed.
inline report::ReportInput editedInput() {
  report::ReportInput in = aiInput();
  auto& p = spine(in).annotations.landmarkSets.at(ai::kApCornerSetName).points[kEditedCorner];
  p.position += Eigen::Vector3d(3.0, 2.0, 0.0);
  p.edited = true;
  remeasure(spine(in));
  return in;
}

}  // namespace openrad::modules::xray_landmarks::test
