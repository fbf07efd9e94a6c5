#pragma once

// Labelled head CT studies for evaluation and benchmarks (issue 12): the head-ct phantom output of
// `openrad-cli phantom head-ct` (head_ct_NNNNN_tT/ct/*.dcm, labels.nii.gz, ground_truth.json).

#include "openrad/core/Image.h"
#include "openrad/core/Study.h"

#include <memory>
#include <string>
#include <vector>

namespace openrad::modules::ct_hemorrhage {

/// One study as listed (nothing loaded yet).
struct HeadCtStudyRef {
  std::string id;  ///< its folder's name
  std::string ctPath, labelPath, truthPath;
};

/// What ground_truth.json says of a study.
struct HeadCtTruth {
  double hematomaMl = 0, edemaMl = 0, extraAxialMl = 0;
  int lesionCount = 0;
  std::vector<double> lesionVolumesMl;  ///< largest first
  double midlineShiftMm = 0;
  int day = 0;  ///< days after the patient's baseline
  std::string patientId, studyDate;  ///< for the follow-up of one patient's studies ("" when not recorded)
};

/// A loaded study: the CT series as the loader gives it and the label map on its grid.
struct HeadCtStudy {
  HeadCtStudyRef ref;
  std::shared_ptr<const core::Series> series;
  std::shared_ptr<const core::Image> labels;  ///< uint8, phantom::HeadCtLabel
  HeadCtTruth truth;
};

/// The studies of a head-ct phantom folder (the sub-folders with a ground_truth.json of kind head-ct), in name order.
/// Throws io::IoError naming the folder when it is missing or holds none.
std::vector<HeadCtStudyRef> listHeadCtDataset(const std::string& dir);
/// The CT series of a study folder (io::loadPath); throws io::IoError naming the folder when it holds none.
std::shared_ptr<const core::Series> loadHeadCtSeries(const std::string& ctPath);
/// Reads a study's ground truth; throws io::IoError naming the file.
HeadCtTruth readHeadCtTruth(const std::string& truthPath);
/// Loads one study; throws io::IoError naming the file (a label map off the CT's grid, not uint8 or with values above 3
/// too).
HeadCtStudy loadHeadCtStudy(const HeadCtStudyRef& ref);

}  // namespace openrad::modules::ct_hemorrhage
