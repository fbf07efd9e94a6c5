#pragma once

// What the mri-lumbar module does with a segmentation (issue 10), Torch-free so it is tested on drawn label maps:
// level identity (anchored on the sacrum), the mid-sagittal slice, the body corners on it and the lumbar
// measurement rule that re-computes live when a corner is dragged.

#include "openrad/core/Annotations.h"
#include "openrad/core/Document.h"
#include "openrad/core/Image.h"
#include "openrad/core/Study.h"
#include "openrad/measure/SagittalFrame.h"

#include <map>
#include <string>
#include <vector>

namespace openrad::modules::mri_lumbar {

inline constexpr const char* kCornerSet = "mri-lumbar.corners";
inline constexpr const char* kLabelMap = "mri-lumbar.labels";

/// The label map's table: per-level colours (T9 blue … S1 red), disc, canal.
std::vector<core::LabelInfo> lumbarLabelTable();

/// Level identity after segmentation.
struct LevelCheck {
  std::vector<int> levels;             ///< body classes present, cranial to caudal (after any re-count)
  std::vector<std::string> warnings;   ///< for the user: levels uncertain, re-counted, gaps
  bool sacrumFound = false;
  bool recounted = false;
};
/// Gives each connected piece of bone one level when most of it (>= 75 %) has that level (a body the network split
/// between two levels is one body) and drops bone crumbs, keeps each class's largest 3D connected part (removes stray
/// islands), orders the bodies from cranial to caudal by
/// their centroids and gives them consecutive levels (a gap, a step over 1.7 × the typical one, skips the levels it
/// spans): counted up from the sacrum when the lowest body is S1, else following the level most bodies agree on (more
/// than half). What it re-counts, a missing sacrum, a gap or bodies out of order are warnings (the levels are
/// uncertain). Modifies `labels` (uint8, module classes) in place.
LevelCheck checkLevels(core::Image& labels);

/// The mid-sagittal slice (index along frame.sliceAxis): the lateral centre of the canal when the segmentation has
/// one of at least `minCanalVoxels`, else of the L1–S1 bodies; `how` says which. -1 when neither is present.
int midSagittalSlice(const core::Image& labels, const measure::SagittalFrame& frame, std::string* how = nullptr,
                     std::int64_t minCanalVoxels = 200);

/// The centroid of each vertebral body (class T9…S1) on native slice `slice`, in that slice's pixels (column, row
/// of frame.columnAxis / frame.rowAxis); bodies under 16 pixels there are left out.
std::map<int, Eigen::Vector2d> bodyCentroidsOnSlice(const core::Image& labels, const measure::SagittalFrame& frame,
                                                    int slice);

/// The corners of L1–S1 on native slice `slice` from the label map (measure::bodyCornersFromMask), as a landmark set
/// named kCornerSet: "L1.as", "L1.ps", "L1.ai", "L1.pi" … "S1.as", "S1.ps", positions as continuous voxel indices of
/// the series, confidence from the Harris response. Bodies absent on the slice are left out.
core::LandmarkSet cornersOnSlice(const core::Image& labels, const measure::SagittalFrame& frame, int slice,
                                 const core::Provenance& provenance);

/// Every lumbar measurement of a corner set on `series` (mm from the slice geometry): lordosis L1–S1, L1–L5,
/// L4–S1, body heights, disc heights with Dabbs mean and disc height index, listhesis with Meyerding grade, and the
/// project-defined lumbar distance, curve area and alignment. Ids start with "lumbar.".
std::vector<core::Measurement> lumbarMeasurements(const core::LandmarkSet& set, const core::Series& series);
/// Warnings for values no lumbar spine is likely to have, which mostly mean misplaced corners: lordosis L1–S1 outside
/// −20…85°, a slip over 50 % of the endplate, a body or disc height over 60 mm. Each names the value and the corners to
/// review.
std::vector<std::string> implausibleLumbarValues(const std::vector<core::Measurement>& measurements);
/// The rule the Document runs after every command that touches the corner set.
core::MeasurementRule lumbarRule();

}  // namespace openrad::modules::mri_lumbar
