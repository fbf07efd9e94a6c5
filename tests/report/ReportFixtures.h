#pragma once

#include "openrad/ai/SpineFindings.h"
#include "openrad/measure/PixelScale.h"
#include "openrad/measure/SpineLandmarks.h"
#include "openrad/report/SpineReport.h"

#include "../measure/SpineFixtures.h"

#include <QtGlobal>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace openrad::report::test {

inline constexpr double kSpacing = 0.5;  ///< mm per pixel of the synthetic radiograph
inline constexpr int kColumns = 400, kRows = 560;
/// The corner moved by hand in editedInput() and the low-confidence corner of every input.
inline constexpr int kEditedCorner = 6 * 4 + measure::TopLeft;    // T7.tl
inline constexpr int kLowConfidenceCorner = 13 * 4 + measure::TopRight;  // L2.tr

/// Qt's offscreen platform for every test of this executable (no display on CI), then the application.
inline void useOffscreenQt() {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  ensureGuiApplication();
}

/// S-shaped spine: T1..T4 tilt up to +10°, T4→T10 to −20°, T10→L5 back to +5° (Cobb PT, MT and TL > 0).
inline measure::ApCorners sCurveCorners() {
  const double tilts[17] = {0, 3, 6, 10, 5, 0, -5, -10, -15, -20, -12, -6, -2, 0, 2, 4, 5};
  return measure::test::tiltEach(measure::test::straightSpine(20.0, 10.0, 180.0, 40.0), tilts);
}

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

/// Recomputes every spine measurement of the "ap-corners" set, as the Document's updater does.
inline void remeasure(ReportInput& in) {
  const auto& set = in.annotations.landmarkSets.at("ap-corners");
  in.annotations.measurements.clear();
  const measure::PixelScale scale = measure::pixelScale(in.image->geometry(), in.series);
  for (auto& m : ai::spineMeasurements(set, scale, kRows)) in.annotations.measurements[m.id] = std::move(m);
}

/// AI output on the synthetic radiograph, as the xray-landmarks module would report it (one corner with low
/// confidence), with patient, study and series filled in.
inline ReportInput aiInput() {
  ReportInput in;
  in.patient = {"PID-4711", "Testperson^Anna", "19900214", "F"};
  in.study.studyUid = "2.25.1234";
  in.study.accessionNumber = "ACC-77";
  in.study.description = "Spine AP standing";
  in.study.date = "20260315";
  in.study.time = "101500";
  in.series.seriesUid = "2.25.5678";
  in.series.modality = "DX";
  in.series.viewPosition = "PA";
  in.series.seriesNumber = 1;
  in.series.description = "AP spine";
  in.series.pixelSpacingSource = "PixelSpacing";
  in.series.sourceFormat = "DICOM";
  const measure::ApCorners corners = sCurveCorners();
  in.image = radiograph(corners);
  std::vector<double> confidence(measure::kApCorners, 0.9);
  confidence[kLowConfidenceCorner] = 0.1;
  in.annotations.landmarkSets["ap-corners"] =
      measure::apLandmarkSet(corners, "ap-corners", {"xray-landmarks", "0.1.0"}, confidence);
  in.modelNote = "xray-landmarks 0.1.0, trained on synthetic phantoms only (no real radiographs); not for diagnostic use";
  in.warnings = {"1 corners below confidence 0.3: review them"};
  remeasure(in);
  return in;
}

/// aiInput() after corner T7.tl was moved by hand (3, 2) px and the measurements recomputed.
inline ReportInput editedInput() {
  ReportInput in = aiInput();
  auto& p = in.annotations.landmarkSets.at("ap-corners").points[kEditedCorner];
  p.position += Eigen::Vector3d(3.0, 2.0, 0.0);
  p.edited = true;
  remeasure(in);
  return in;
}

/// Whole file as a string ("" when missing).
inline std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

/// Runs a shell command; returns its exit status and its stdout (+ stderr unless `stderrToo` is false).
inline int runCommand(const std::string& command, std::string& output, bool stderrToo = true) {
  output.clear();
  FILE* pipe = ::popen((command + (stderrToo ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// True when `program` is on PATH.
inline bool haveProgram(const std::string& program) {
  std::string out;
  return runCommand("command -v " + program, out) == 0;
}

/// Fields of one CSV line (RFC 4180 quoting).
inline std::vector<std::string> csvFields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

/// True when `text` holds `what`.
inline bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

/// Lines of a text file without the trailing newline.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  for (std::string line; std::getline(s, line);) out.push_back(line);
  return out;
}

}  // namespace openrad::report::test
