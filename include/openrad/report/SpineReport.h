#pragma once

#include "openrad/core/Annotations.h"
#include "openrad/core/Image.h"
#include "openrad/core/Study.h"

#include <QImage>

#include <memory>
#include <string>
#include <vector>

namespace openrad::report {

/// Everything an AP spine report is made of: who, which series, the image, the (possibly hand-corrected)
/// annotations and what the user must know about the model.
struct ReportInput {
  core::PatientInfo patient;
  core::StudyInfo study;
  core::SeriesInfo series;
  std::shared_ptr<const core::Image> image;  ///< the radiograph (2D); bigger value = brighter
  core::SeriesAnnotations annotations;       ///< landmark sets and measurements ("cobb.*", "height.*")
  std::string landmarkSet = "ap-corners";    ///< the AP corner set to draw and list
  /// e.g. "xray-landmarks 0.1.0, trained on synthetic phantoms only (no real radiographs); not for diagnostic use"
  std::string modelNote;
  std::vector<std::string> warnings;  ///< module warnings, loader problems: printed in every report
  std::string institution;            ///< printed in the PDF header when not empty
};

/// Creates a QGuiApplication on the "offscreen" platform (unless QT_QPA_PLATFORM says otherwise) when the
/// process has none; fonts, QPdfWriter and text on images need one. Call from the main thread. Throws
/// std::logic_error when a non-GUI QCoreApplication already exists.
void ensureGuiApplication();

/// Measurements in clinical order: Cobb PT, MT, TL, max; spinal, thoracic height; body heights T1..L5;
/// disc heights T1-T2..L4-L5; then any other in id order.
std::vector<const core::Measurement*> orderedMeasurements(const core::SeriesAnnotations& annotations);

/// A value as the report prints it: "23.4°", "412.3 mm", "57.0 px".
std::string formatValue(const core::Measurement& m);

/// "T5–T11": a Cobb angle's end vertebrae (vertebrae of its first and fifth input); empty when the inputs do
/// not name two different vertebrae (no curve in that region).
std::string endVertebrae(const core::Measurement& m);

/// One row per measurement: id,name,value,unit,edited,source,model_version,inputs (';'-joined), UTF-8,
/// RFC 4180 quoting. Written to a temporary file beside `path`, then renamed; throws io::IoError naming the
/// file on failure (as do all writers below).
void writeMeasurementsCsv(const ReportInput& input, const std::string& path);

/// One row per landmark of `input.landmarkSet`: name,x_px,y_px,confidence,edited (position = continuous
/// pixel index, (0,0) = centre of the top-left pixel).
void writeLandmarksCsv(const ReportInput& input, const std::string& path);

/// Patient/study/series identifiers, image grid, measurements with provenance and edited flags, landmarks,
/// hand corrections, model note, warnings, generator "OpenRad <version>" and UTC creation time.
void writeFindingsJson(const ReportInput& input, const std::string& path);

/// The radiograph windowed to its 0.5–99.5 % percentiles, pixel aspect kept from the pixel spacing,
/// scaled to `maxHeight` rows, with paintSpineOverlay on top. RGB32.
QImage renderKeyImage(const ReportInput& input, int maxHeight = 1400);

/// renderKeyImage saved as PNG.
void writeKeyImagePng(const ReportInput& input, const std::string& path, int maxHeight = 1400);

/// A4 PDF (two pages): header with patient and study, the key image with overlays, Cobb angles and heights
/// with a "corrected by hand" column, the list of hand corrections, model note, warnings and generation time.
/// All text is real PDF text.
void writePdfReport(const ReportInput& input, const std::string& path);

/// "OpenRad 0.1.0".
std::string generatorName();

}  // namespace openrad::report
