#pragma once

// The rules of the disc herniation module (issue 11) that need no network: which 5 slices are read, which disc level a
// box belongs to, and when boxes on several slices make one finding (the consistency rule, 3 of 5 by default). Pure
// (std and Eigen), so each rule is tested on hand-made boxes and a drawn segmentation.

#include <Eigen/Core>

#include <map>
#include <string>
#include <vector>

namespace openrad::modules::mri_herniation {

/// The slices read: `count` consecutive slice indices centred on `midSlice` (the canal midline from the lumbar
/// segmentation), shifted to stay inside 0..sliceCount-1; all of them when the series has fewer. Ascending.
std::vector<int> centralSlices(int sliceCount, int midSlice, int count = 5);

/// A detector box on one sagittal slice, in that slice's pixel coordinates (x, y; inclusive corners).
struct SliceBox {
  int slice = 0;
  Eigen::Vector2d min = Eigen::Vector2d::Zero(), max = Eigen::Vector2d::Zero();
  double score = 0;
  double typeScore = 0;  ///< the detector's probability that it is an extrusion (not a protrusion)
  std::string level;     ///< disc level ("L4-L5"), empty when none could be assigned
  /// Ground truth only: a sliver too small to judge (under kMinTruthSideMm on a side, the partial-volume edge of a
  /// herniation on its outermost slice); neither found nor missed (PASCAL VOC's "difficult").
  bool difficult = false;
  Eigen::Vector2d centre() const { return 0.5 * (min + max); }
};

/// Truth boxes narrower than this (mm, either side) are marked difficult.
inline constexpr double kMinTruthSideMm = 2.0;

/// The disc level of a point on a slice from the vertebral bodies' centroids there (level name -> centroid, in the
/// order cranial to caudal: "L1" … "S1"): the pair of consecutive bodies between whose centroids the point projects,
/// named "upper-lower" ("L4-L5"); of two such pairs (at a bend), the one whose line is nearer. Empty when fewer than
/// two bodies are given, or the point is not between two bodies' centroids, or lies further from their line than
/// they are apart.
std::string discLevelAt(const Eigen::Vector2d& point, const std::vector<std::pair<std::string, Eigen::Vector2d>>& bodies);

/// A herniation found on enough slices: its level, the slices with a box over the threshold, and the best box per slice.
struct Finding {
  std::string level;
  std::vector<SliceBox> boxes;  ///< one per agreeing slice (the highest-scoring one there), ascending slice
  double score = 0;             ///< mean of the agreeing slices' best scores
  double typeScore = 0;         ///< mean of their extrusion probabilities
  std::string type() const { return typeScore >= 0.5 ? "extrusion" : "protrusion"; }
};

/// The consistency rule: boxes are grouped by level (boxes without a level are dropped); a level is a finding when at
/// least `minSlices` distinct slices have a box with score >= `threshold`. Findings in level order of first appearance
/// in `levelOrder` (cranial to caudal), then any others alphabetically.
std::vector<Finding> consistentFindings(const std::vector<SliceBox>& boxes, double threshold, int minSlices = 3,
                                        const std::vector<std::string>& levelOrder = {});

/// The side of a finding from the lateral positions of its slices (mm toward the patient's left from the canal
/// midline): "central" when their mean lies within `centralMm` of the midline, else "left" or "right".
std::string sideOf(const std::vector<double>& lateralMm, double centralMm = 3.0);

/// Per disc level outcomes over many series (the clinical question: does this level have a herniation?).
struct LevelCounts {
  int tp = 0, fn = 0, fp = 0, tn = 0;
  /// Adds one series: each of `levels` is positive when in `truth`, called positive when in `found`; levels in
  /// `ignored` are skipped (neither positive nor negative).
  void add(const std::vector<std::string>& levels, const std::vector<std::string>& truth,
           const std::vector<std::string>& found, const std::vector<std::string>& ignored = {});
  double sensitivity() const { return tp + fn ? static_cast<double>(tp) / (tp + fn) : 0.0; }
  double specificity() const { return tn + fp ? static_cast<double>(tn) / (tn + fp) : 0.0; }
  /// False-positive rate: healthy levels called herniated, fp / (fp + tn).
  double fpr() const { return tn + fp ? static_cast<double>(fp) / (tn + fp) : 0.0; }
};

/// Per-level ground truth as the slices read can show it. A herniated level is `visible` when its (not difficult)
/// truth boxes lie on at least `minSlices` of `slicesRead`; a herniated level seen on fewer (a lateral herniation
/// outside the central slices, or one at their edge) is `beyond` the rule's reach: the reader of these slices cannot
/// judge it, so it counts neither as a positive nor as a healthy level. All other levels are healthy.
struct WindowTruth {
  std::vector<std::string> visible, beyond;
};
WindowTruth levelsInWindow(const std::map<int, std::vector<SliceBox>>& truthBoxes, const std::vector<int>& slicesRead,
                           const std::vector<std::string>& herniatedLevels, int minSlices);

/// The levels of findings.
std::vector<std::string> levelsOf(const std::vector<Finding>& findings);

/// Intersection over union of two boxes (min/max taken as continuous extents); 0 when either is empty.
double iou(const SliceBox& a, const SliceBox& b);

/// A precision-recall curve and its average precision.
struct PrCurve {
  std::vector<double> scores, precision, recall;  ///< one point per detection, by descending score
  double ap = 0;                                  ///< area under the all-point interpolated curve
};
/// Average precision of detections against ground truth, image by image (the two lists index the same images):
/// detections by descending score, each matched to the unmatched truth of its image with the highest IoU when that
/// is >= `iouThreshold`. Difficult truth boxes are not counted as positives, and a detection whose best match is one
/// (IoU >= `iouThreshold`, or its centre inside the sliver grown by 1.5 pixels) is left out of the curve. AP is 0
/// when there is no truth.
PrCurve averagePrecision(const std::vector<std::vector<SliceBox>>& detections,
                         const std::vector<std::vector<SliceBox>>& truths, double iouThreshold = 0.5);

}  // namespace openrad::modules::mri_herniation
