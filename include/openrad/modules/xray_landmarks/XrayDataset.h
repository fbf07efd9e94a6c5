#pragma once

#include "openrad/core/Study.h"
#include "openrad/measure/SpineLandmarks.h"

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace openrad::ai {

/// One study of an AP spine landmark dataset.
struct XrayStudyRecord {
  std::string id;         ///< study folder name
  std::string patientId;  ///< from the dataset manifest when present (split key), else the folder name
  std::string folder;     ///< absolute study folder
  std::string apImage;    ///< what to load for the AP view: a DICOM folder or an image file
  std::string split;      ///< "train", "val", "test" or empty (from the dataset manifest)
  measure::ApCorners corners{};  ///< ground-truth corners, original image pixels (col, row)
  std::array<bool, measure::kApCorners> labelled{};  ///< false for corners absent from landmarks.csv
  double pixelSpacing = 0.0;  ///< mm from study.json (images without spacing, e.g. JPEG); 0 = unknown

  /// True when all 68 corners are labelled.
  bool complete() const;
  /// True when the 4 corners of vertebra v are labelled.
  bool vertebraLabelled(int v) const;
};

/// Lists a dataset folder in the documented layout (docs/phantom-formats.md): manifest.json (or, without
/// one, every sub-folder with a landmarks.csv) and per study study.json → views.ap.image (DICOM file or
/// folder, PNG, JPEG; pixelSpacing), falling back to an ap/ DICOM folder or ap.png/.jpg/.tif/.dcm.
/// landmarks.csv: header "view,vertebra,corner,x,y"; rows with view "ap"/"pa", vertebra T1..L5 and corner
/// top-left/top-right/bottom-left/bottom-right (or tl/tr/bl/br) are read, others ignored; corners that are
/// absent stay unlabelled. Throws io::IoError when the folder or a study's files are unreadable.
std::vector<XrayStudyRecord> readXrayDataset(const std::string& dir);

/// Reads the AP corners of one landmarks.csv into `record` (corners + labelled); throws io::IoError.
void readApLandmarksCsv(const std::string& path, XrayStudyRecord& record);

/// Loads the AP radiograph of a study record (the first 2D series found); when the image has no spacing and
/// study.json gave one, the series carries it (spacingKnown, pixelSpacingSource "study.json"). Throws io::IoError.
std::shared_ptr<const core::Series> loadXrayStudyImage(const XrayStudyRecord& record);

}  // namespace openrad::ai
