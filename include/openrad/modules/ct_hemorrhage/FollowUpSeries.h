#pragma once

// The follow-up of one patient's head CTs: every scan's volumes and lesions, the heads aligned on one reference scan
// (rigid, ITK), then followUp() of HemorrhageRules.h for the changes, the expansion flag and the lesion matches; and
// the table as `follow-up.csv`.

#include "openrad/core/Image.h"
#include "openrad/modules/ct_hemorrhage/HeadRegistration.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageRules.h"

#include <memory>
#include <string>
#include <vector>

namespace openrad::modules::ct_hemorrhage {

/// One scan: its study, its CT (HU) and its label map on the CT grid.
struct FollowUpScan {
  std::string studyUid, date, time;  ///< DICOM StudyInstanceUID, StudyDate (YYYYMMDD), StudyTime
  std::shared_ptr<const core::Image> ct, labels;
};

/// The ordered follow-up and how each scan was brought into the reference scan's patient space.
struct FollowUpSeries {
  std::vector<FollowUpPoint> points;     ///< ordered by date and time (followUp())
  std::vector<std::vector<Lesion>> lesions;  ///< per point, in the point's own patient space, largest first
  std::vector<RigidMap> toReference;     ///< per point: its patient space -> the reference scan's
  std::string referenceStudyUid;
};

/// Volumes and lesions of every scan (`lesionRules`), each head registered onto `scans[reference]` (identity for that
/// one) so that lesion centroids compare in one space, then followUp(). std::invalid_argument when there are no
/// scans, `reference` is out of range, or a label map is not on its CT's grid (naming the study).
FollowUpSeries followUpSeries(const std::vector<FollowUpScan>& scans, std::size_t reference,
                              const LesionRules& lesionRules = {}, const FollowUpRules& rules = {});

/// The table of a follow-up, one row per scan: study, date, day, hematoma, edema and total mL, hematoma change
/// (mL and %), edema change (mL), expansion flag, lesions, lesions matched / new / resolved against the scan before.
/// Header first; empty fields for what the first scan has no value of.
std::string followUpCsv(const FollowUpSeries& series);

}  // namespace openrad::modules::ct_hemorrhage
