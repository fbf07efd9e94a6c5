#pragma once

#include "openrad/core/Study.h"
#include "openrad/io/IoError.h"

#include <map>
#include <string>
#include <vector>

namespace openrad::io {

/// Extra attributes for a written series.
struct DicomWriteOptions {
  /// CT: write stored values with this RescaleIntercept (HU = stored + intercept); MR/DX: 0.
  double rescaleIntercept = 0.0;
  /// Additional string attributes by keyword ("ImageComments" -> "..."), written to every file.
  std::map<std::string, std::string> extra;
  /// File name prefix inside the folder.
  std::string filePrefix = "IM";
  /// Compress with JPEG lossless (process 14, SV1) instead of explicit VR little endian.
  bool jpegLossless = false;
  /// When set, every UID the writer has to generate is derived from this string (deterministic
  /// output for phantoms); otherwise UIDs are random.
  std::string uidSeed;
};

/// Generates a new random DICOM UID under the OpenRad root.
std::string newUid();
/// Derives a stable DICOM UID under the OpenRad root from a string (same text, same UID).
std::string uidFromText(const std::string& text);

/// Writes an image as a DICOM series (one file per slice) into `folder`.
/// The IOD follows info.modality: "CT" (CT Image), "MR" (MR Image), "DX" (Digital X-Ray, for
/// presentation), "CR" (Computed Radiography). Empty UIDs in the infos are generated; the UIDs used are
/// returned in the SeriesInfo (sopInstanceUids, files). Throws IoError.
core::SeriesInfo writeDicomSeries(const core::Image& image, const core::PatientInfo& patient,
                                  const core::StudyInfo& study, const core::SeriesInfo& series,
                                  const std::string& folder, const DicomWriteOptions& options = {});

}  // namespace openrad::io
