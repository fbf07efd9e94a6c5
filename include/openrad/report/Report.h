#pragma once

#include "openrad/core/Annotations.h"
#include "openrad/core/Image.h"
#include "openrad/core/Study.h"
#include "openrad/report/Overlay.h"

#include <QImage>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace openrad::report {

/// One analysed series of a report: what it is, its image and its (possibly hand-corrected) annotations.
struct ReportSeries {
  std::shared_ptr<const core::Series> series;
  core::SeriesAnnotations annotations;
};

/// Everything a findings report is made of: who, which series, their annotations, study-level results, and what
/// the user must know about each model.
struct ReportInput {
  core::PatientInfo patient;
  core::StudyInfo study;
  std::vector<ReportSeries> series;  ///< the analysed series (at least one with an image)
  core::SeriesAnnotations studyResults;          ///< tables and meshes of the study (core::studyKey)
  std::map<std::string, std::string> modelNotes;  ///< by module id: "<id> <version>, trained on ...; not for diagnostic use"
  std::vector<std::string> warnings;              ///< loader problems and anything else printed in every report
  std::string institution;                        ///< printed in the PDF header when not empty

  /// Modules that produced something in this input (provenance sources), sorted.
  std::vector<std::string> modules() const;
  /// The series with this uid, or nullptr.
  const ReportSeries* find(const std::string& seriesUid) const;
};

/// A slice of a series to show with its overlays.
struct KeyImage {
  std::string seriesUid;
  OverlayPlane plane;    ///< which slice, laid out how (radiograph: the defaults)
  std::string caption;   ///< printed under the image
};

/// A table of a report section.
struct ReportTable {
  struct Column {
    std::string title;
    double weight = 1.0;  ///< share of the table width
    int align = 0;        ///< 0 left, 1 right, 2 centre
  };
  std::string title;
  std::vector<Column> columns;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> highlight;  ///< per row: corrected by hand (drawn in the highlight colour)
  std::string footnote;         ///< small print under the table
};

/// What one module contributes to a report.
struct SectionContent {
  std::string title;                ///< e.g. "Head CT — hematoma and edema volumes"
  std::vector<KeyImage> keyImages;  ///< the first is also the exported overlay PNG
  std::vector<ReportTable> tables;  ///< the first sits beside the first key image
  std::vector<std::string> notes;   ///< bullet points (hand corrections, items to review)
};

/// A module's report section builder.
using SectionBuilder = std::function<SectionContent(const ReportInput& input, const std::string& moduleId)>;

/// How each module presents itself in reports and viewers: its section and its overlay layer (both optional).
struct Presentation {
  SectionBuilder section;
  std::shared_ptr<const OverlayLayer> layer;
};
/// Presentations by module id.
using Presentations = std::map<std::string, Presentation>;

/// The section every module gets unless it builds its own: a key image of each series it annotated (the slice
/// with most of its label map or boxes, else the middle one), its measurements (value, corrected by hand), its
/// result tables and what was corrected by hand.
SectionContent defaultSection(const ReportInput& input, const std::string& moduleId);
/// The module's section from `presentations`, else defaultSection.
SectionContent sectionFor(const ReportInput& input, const std::string& moduleId, const Presentations& presentations);
/// Module layers for a series' annotations (the layers of the modules that produced them), in module order.
OverlayLayers layersFor(const core::SeriesAnnotations& annotations, const Presentations& presentations);

/// Creates a QGuiApplication on the "offscreen" platform (unless QT_QPA_PLATFORM says otherwise) when the
/// process has none; fonts, QPdfWriter and text on images need one. Call from the main thread. Throws
/// std::logic_error when a non-GUI QCoreApplication already exists.
void ensureGuiApplication();
/// For programs without a display (the command line): the offscreen platform whatever the environment says, Qt's
/// warnings on stderr without its debug chatter, then ensureGuiApplication().
void startOffscreenApplication();

/// Measurements in display order: by module, then each module's own order (rank attribute "order", else id).
std::vector<const core::Measurement*> orderedMeasurements(const core::SeriesAnnotations& annotations);

/// A value as the report prints it: "23.4°", "412.3 mm", "57.0 px".
std::string formatValue(const core::Measurement& m);

/// One row per measurement of every series: series,id,name,value,unit,edited,source,model_version,inputs,attributes
/// (';'-joined), UTF-8, RFC 4180 quoting. Written atomically; throws core::IoError naming the file on failure (as do
/// all writers below).
void writeMeasurementsCsv(const ReportInput& input, const std::string& path);

/// One row per landmark of every set: series,set,name,x_px,y_px,z_px,confidence,edited,source (position = continuous
/// voxel index, (0,0) = centre of the top-left pixel).
void writeLandmarksCsv(const ReportInput& input, const std::string& path);

/// Patient/study identifiers, then one block per module: its model note, and per series the image grid,
/// measurements with provenance, attributes and edited flags, landmark sets, boxes, label maps (with the NIfTI
/// file names of `labelFiles`), result tables, warnings and hand corrections; generator and UTC creation time.
void writeFindingsJson(const ReportInput& input, const std::string& path,
                       const std::map<std::string, std::string>& labelFiles = {});

/// A key image: the slice windowed to its 0.5–99.5 % percentiles, pixel aspect kept, scaled to `maxHeight` rows,
/// with the generic overlay layers and `layers` on top. RGB32. Throws std::invalid_argument when the series is
/// not in the input or has no image.
QImage renderKeyImage(const ReportInput& input, const KeyImage& key, const OverlayLayers& layers, int maxHeight = 1400);

/// A4 PDF: header with patient and study, a review banner with each model's note, one section per module (key
/// images with overlays, tables, notes), warnings and identifiers. All text is real PDF text.
void writePdfReport(const ReportInput& input, const std::string& path, const Presentations& presentations);

/// Every export of an analysed study into `folder` (created when missing): measurements.csv, landmarks.csv,
/// findings.json, overlay.png (the first key image; overlay_<n>.png for further ones), report.pdf and one
/// labels_<series>_<map>.nii.gz per label map. Used by `openrad-cli analyze` and the workstation's Export.
/// Returns the paths written. Needs a QGuiApplication (ensureGuiApplication()).
std::vector<std::string> writeFindingsFolder(const ReportInput& input, const std::string& folder,
                                             const Presentations& presentations);

/// "OpenRad 0.1.0".
std::string generatorName();

}  // namespace openrad::report
