#pragma once

// Series planning: from the headers of a folder's DICOM files to one plan per volume (which file and frame goes to
// which slice, the geometry, the output pixel type, the series information and the problems found). Pure: std, Eigen
// and core types only, no DICOM library, so it is tested on synthetic headers. Private to the io layer.

#include "openrad/core/Image.h"
#include "openrad/core/Study.h"

#include <Eigen/Core>

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace openrad::io::detail {

/// Which decoder a file's pixel data goes to (chosen once, from its header; see DicomDecoders.h).
enum class Decoder { Dcmtk, Gdcm, OpenJpeg, DicomImage, FloatData };

/// What one frame's header says about its place and its values.
struct FrameHeader {
  bool hasIpp = false, hasIop = false, hasSpacing = false;
  Eigen::Vector3d ipp = Eigen::Vector3d::Zero(), row = Eigen::Vector3d::UnitX(), col = Eigen::Vector3d::UnitY();
  double rowSpacing = 1.0, colSpacing = 1.0;  // PixelSpacing[0] (between rows), [1] (between columns)
  double thickness = 0.0;
  double slope = 1.0, intercept = 0.0;
  std::optional<double> windowCenter, windowWidth;
  long order = 0;  // temporal/stack ordering key among frames at one position
};

/// What one file's header says, validated (see DicomHeader.h): plain values only.
struct ImageHeader {
  std::string path;
  core::PatientInfo patient;
  core::StudyInfo study;
  std::string seriesUid, frameOfReferenceUid, sopClassUid, sopInstanceUid, modality, seriesDescription, bodyPart,
      patientPosition, viewPosition, seriesDate, seriesTime, rescaleType;
  int seriesNumber = 0, instanceNumber = 0;
  int rows = 0, cols = 0, frames = 1, bitsAllocated = 0, bitsStored = 0, highBit = 0, samples = 1;
  bool isSigned = false, planar = false, hasModalityLut = false;
  std::string photometric, transferSyntaxUid;
  Decoder decoder = Decoder::Dcmtk;
  std::string spacingSource = "none";
  std::optional<double> distanceSourceToDetector, distanceSourceToPatient;
  double spacingBetweenSlices = 0.0, gantryTilt = 0.0;
  bool framePositionsDerived = false;
  std::optional<Eigen::Matrix3d> orientationFromLetters;
  std::vector<FrameHeader> frameHeaders;  ///< one per frame
  /// Pixels per frame.
  std::int64_t pixels() const { return static_cast<std::int64_t>(rows) * cols; }
};

/// One slice of a planned volume: which file (index into the planner's input) and which of its frames.
struct SliceRef {
  int file = 0;
  int frame = 0;
  double distance = 0.0;  ///< along the slice normal (positioned series)
};

/// One volume to decode.
struct SeriesPlan {
  std::vector<SliceRef> slices;  ///< in k order
  core::Geometry geometry;
  core::PixelType type = core::PixelType::Int16;
  bool mayOverflow = true;  ///< integer output that a value may not fit (the loader then re-reads as float)
  core::PatientInfo patient;
  core::StudyInfo study;
  core::SeriesInfo info;
};

/// Every plan, what the planner found wrong with single files, and the files it left out of every plan.
struct PlanResult {
  std::vector<SeriesPlan> plans;
  std::vector<core::LoadIssue> issues;
  std::vector<int> droppedFiles;  ///< input indices the planner refused (their issue says why)
};

/// Groups the headers by patient, study and series (null entries are files that did not parse), keeps the dominant
/// image size and orientation of each series, sorts positioned slices along the normal (one image per position),
/// and reports missing slices, uneven spacing, gantry tilt, derived frame positions and missing spacing. Files
/// without positions become one plan each (radiographs, secondary captures, cine loops).
PlanResult planSeries(const std::vector<const ImageHeader*>& headers);

/// The output pixel type for a plan from what its stored values can become after rescale.
void choosePixelType(SeriesPlan& plan, const std::vector<const ImageHeader*>& headers);

}  // namespace openrad::io::detail
