#pragma once

#include "openrad/core/Image.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace openrad::core {

/// Who the images belong to.
struct PatientInfo {
  std::string id;         ///< PatientID
  std::string name;       ///< PatientName (DICOM PN, '^'-separated)
  std::string birthDate;  ///< YYYYMMDD
  std::string sex;        ///< M, F, O or empty
};

/// One imaging study.
struct StudyInfo {
  std::string studyUid;  ///< StudyInstanceUID (generated for non-DICOM input)
  std::string studyId;
  std::string accessionNumber;
  std::string description;
  std::string date;  ///< YYYYMMDD
  std::string time;  ///< HHMMSS(.frac)
};

/// Everything known about one series besides its voxels.
struct SeriesInfo {
  std::string seriesUid;  ///< SeriesInstanceUID (generated for non-DICOM input)
  std::string studyUid;
  std::string frameOfReferenceUid;
  std::string sopClassUid;
  std::string modality;  ///< CT, MR, DX, CR, MG, OT, ...
  std::string description;
  std::string bodyPart;
  std::string patientPosition;  ///< HFS, FFS, ...
  std::string viewPosition;     ///< AP, PA, LL, RL, LAT (radiographs)
  std::string date;             ///< SeriesDate or AcquisitionDate, YYYYMMDD
  std::string time;
  int seriesNumber = 0;
  std::string units;  ///< "HU" for rescaled CT, empty otherwise
  std::optional<double> windowCenter;  ///< first WindowCenter in the file, if any
  std::optional<double> windowWidth;
  std::string pixelSpacingSource;  ///< "PixelSpacing", "ImagerPixelSpacing", "NominalScannedPixelSpacing", "NIfTI", "none"
  std::optional<double> distanceSourceToDetector;  ///< mm (radiographs)
  std::optional<double> distanceSourceToPatient;   ///< mm (radiographs)
  std::string sourceFormat;  ///< "DICOM", "NIfTI", "PNG", "JPEG", "TIFF"
  std::vector<std::string> files;            ///< files in slice order
  std::vector<std::string> sopInstanceUids;  ///< in slice order
  std::vector<std::string> problems;  ///< found while loading: uneven spacing, gantry tilt, missing slices...
};

/// A loaded series: metadata plus the image, both immutable once built.
struct Series {
  SeriesInfo info;
  std::shared_ptr<const Image> image;
};

/// A study and its series.
struct Study {
  StudyInfo info;
  std::vector<std::shared_ptr<const Series>> series;
};

/// A patient and their studies.
struct Patient {
  PatientInfo info;
  std::vector<Study> studies;
};

/// A problem met while loading; the rest of the input still loads.
struct LoadIssue {
  enum class Severity { Warning, Error };
  Severity severity = Severity::Error;
  std::string file;     ///< the file (or folder) concerned
  std::string message;  ///< what is wrong, for the user
};

/// Outcome of loading a path: what loaded and what did not.
struct LoadResult {
  std::vector<Patient> patients;
  std::vector<LoadIssue> issues;

  /// All series across patients and studies, in tree order.
  std::vector<std::shared_ptr<const Series>> allSeries() const;
  /// The series with this SeriesInstanceUID, or nullptr.
  std::shared_ptr<const Series> findSeries(const std::string& seriesUid) const;
  /// Merges another result in (same patient/study UIDs are joined).
  void merge(LoadResult other);
};

}  // namespace openrad::core
