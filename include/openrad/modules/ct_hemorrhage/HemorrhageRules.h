#pragma once

// The rules of the head CT hemorrhage module (ct-hemorrhage) that need no network: volumes of a label map, the
// hematoma's connected lesions with their side, compartment and location class, the ABC/2 bedside estimate, the
// midline shift from three landmarks, and the follow-up of volumes and lesions across scans. Pure (std, Eigen and
// core::Image), so every rule is tested on drawn label maps with known answers.
//
// Label maps are uint8 on the CT grid with the values of phantom::HeadCtLabel: 0 background, 1 intraparenchymal
// hematoma, 2 perihematomal oedema, 3 extra-axial collection; other values are ignored. Positions are patient LPS
// millimetres (+x patient left, +y posterior, +z superior), as core::Geometry::indexToPhysical gives them.

#include "openrad/core/Image.h"

#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <vector>

namespace openrad::modules::ct_hemorrhage {

/// Volumes of the three lesion classes, in mL.
struct Volumes {
  double hematomaMl = 0, edemaMl = 0, extraAxialMl = 0;
  double relativeEdema = 0;  ///< edemaMl / hematomaMl; NaN when there is no hematoma (a ratio without a base)
};

/// Counts the voxels of each class of `labels` (uint8, else std::invalid_argument) and multiplies by the voxel volume
/// (the product of the three spacings, in mm³, over 1000). The relative oedema is the oedema volume over the hematoma
/// volume, the usual "rPHE"; with no hematoma voxel it is NaN rather than 0, so that a missing ratio cannot be read as
/// "no oedema".
Volumes volumes(const core::Image& labels);

/// A plane in patient space: a point on it and its normal (need not be unit length).
struct Plane {
  Eigen::Vector3d point = Eigen::Vector3d::Zero();
  Eigen::Vector3d normal = Eigen::Vector3d::UnitX();
};

/// The head frame in patient space: patient = rotation · head + origin (head axes LPS-aligned, origin near the foramen of
/// Monro, as phantom::HeadCtParams places it). Identity by default: head coordinates are then patient coordinates.
struct HeadFrame {
  Eigen::Matrix3d rotation = Eigen::Matrix3d::Identity();
  Eigen::Vector3d origin = Eigen::Vector3d::Zero();
  /// Head coordinates of a patient point.
  Eigen::Vector3d toHead(const Eigen::Vector3d& patient) const { return rotation.transpose() * (patient - origin); }
};

/// What decides a lesion's side, compartment and location class, and which lesions count.
struct LesionRules {
  double minVolumeMl = 0.1;  ///< components smaller than this are dropped (noise, partial-volume crumbs)
  /// Midsagittal plane (patient mm); its normal is taken to point to the patient's left (it is flipped when its x
  /// component is negative), so a positive signed offset is "left". Default: the x = 0 plane.
  Plane midsagittal;
  HeadFrame head;                  ///< the frame of the two heights below
  double tentoriumZMm = -20;       ///< head z of the tentorium: centroids below are infratentorial
  double deepMaxLateralMm = 28;    ///< a deep lesion's centroid lies at most this far from the midsagittal plane ...
  double deepBandMinZMm = -10;     ///< ... and within this band of head z (basal ganglia and thalami) ...
  double deepBandMaxZMm = 18;      ///< ... (inclusive both ends)
};

/// One connected hematoma.
struct Lesion {
  double volumeMl = 0;
  std::int64_t voxels = 0;
  double meanHu = 0;  ///< mean CT value over the lesion's voxels; NaN when no CT was given
  Eigen::Vector3d centroidLps = Eigen::Vector3d::Zero();
  double lateralMm = 0;       ///< signed distance of the centroid from the midsagittal plane, + toward patient left
  std::string side;           ///< "left", "right" ("midline" only for a centroid exactly on the plane)
  std::string compartment;    ///< "supratentorial" or "infratentorial"
  std::string location;       ///< "deep" or "lobar" (supratentorial), "infratentorial" (cerebellum, brainstem)
  std::string how;            ///< one sentence: the figures and limits that decided `location`
};

/// The hematoma voxels (label 1) split into 26-connected components (voxels sharing a face, an edge or a corner belong
/// together); components under `rules.minVolumeMl` are dropped; the rest are returned largest first (ties: the one
/// whose first voxel comes first in memory). For each: its volume, its mean HU on `ct` (same grid, else
/// std::invalid_argument), its centroid (mean voxel index mapped to LPS), the side from the sign of the centroid's
/// offset from the midsagittal plane, the compartment from the centroid's head z against the tentorium height, and
/// the location class: an infratentorial lesion is "infratentorial"; a supratentorial one is "deep" (basal
/// ganglia / thalamus) when its centroid is within deepMaxLateralMm of the midsagittal plane and its head z within
/// the deep band, else "lobar". `how` states the figures behind the class.
std::vector<Lesion> lesions(const core::Image& labels, const core::Image& ct, const LesionRules& rules = {});
/// The same without a CT (meanHu NaN).
std::vector<Lesion> lesions(const core::Image& labels, const LesionRules& rules = {});

/// How C, the craniocaudal extent, is counted.
enum class SliceCount {
  Every,    ///< every slice holding a lesion voxel counts as one slice (the simplified ABC/2 variant, default)
  Weighted  ///< Kothari's original weighting: a slice with >= 75 % of the largest slice's area counts 1, 25-75 % half
};

/// The ABC/2 estimate of one lesion.
struct Abc {
  double aMm = 0;  ///< largest in-plane diameter on the slice with the largest lesion area
  double bMm = 0;  ///< largest diameter perpendicular to A on that slice
  double cMm = 0;  ///< slices with the lesion (see SliceCount) times the slice spacing
  int slice = -1;  ///< index k of the slice A and B were measured on
  double estimateMl = 0;   ///< A·B·C/2 in mL
  double segmentedMl = 0;  ///< the component's voxel volume
  double differenceMl = 0; ///< estimateMl - segmentedMl
};

/// ABC/2 for every lesion and in total.
struct AbcSummary {
  std::vector<Abc> lesions;  ///< in the order of lesions(): largest segmented volume first
  double estimateMl = 0, segmentedMl = 0, differenceMl = 0;  ///< sums over the lesions; difference = estimate - segmented
};

/// Kothari's bedside estimate A·B·C/2 of each hematoma component of `labels` (same components as lesions(), same
/// minimum volume). Slices are the k planes of the grid (axial for an axial head CT). On the slice with the most lesion
/// voxels (the first such slice on a tie), A is the largest distance across the lesion's drawn pixels (between pixel
/// corners, i.e. outer edge to outer edge, in mm along the image's i and j axes), B is the lesion's width measured
/// perpendicular to A on that slice (the extent of its pixel corners projected on the in-plane perpendicular), and C
/// is the slice count of `count` times the slice spacing. A·B·C/2 approximates the ellipsoid volume π/6·A·B·C
/// (π ≈ 3); it is reported next to the segmented volume and their difference.
AbcSummary abcOverTwo(const core::Image& labels, const LesionRules& rules = {}, SliceCount count = SliceCount::Every);

/// Midline shift from three landmarks of one axial slice.
struct MidlineShift {
  double shiftMm = 0;   ///< perpendicular distance of the septum from the falx line
  std::string toward;   ///< "left", "right" (patient side the septum moved to) or "none" under the threshold
};

/// Pure geometry: the distance from `septum` (septum pellucidum, patient mm) to the straight line through the
/// anterior and posterior falx attachments, and the side the septum lies on (the sign of its perpendicular offset's
/// patient-x, +x being left). Under `noneBelowMm` the side is "none" (the distance is still reported).
/// std::invalid_argument when the two falx points coincide.
MidlineShift midlineShift(const Eigen::Vector3d& septum, const Eigen::Vector3d& falxAnterior,
                          const Eigen::Vector3d& falxPosterior, double noneBelowMm = 0.5);

/// Days since 0000-03-01 of a DICOM date "YYYYMMDD" (proleptic Gregorian); std::invalid_argument when it is not
/// eight digits of a real calendar date.
int dayNumber(const std::string& yyyymmdd);

/// One lesion matched (or not) between two consecutive scans.
struct LesionMatch {
  int previous = -1;  ///< index in the earlier scan's list, -1 for a new lesion
  int current = -1;   ///< index in the later scan's list, -1 for a resolved lesion
  double distanceMm = 0;  ///< centroid distance (matched only; NaN otherwise)
  std::string status;     ///< "matched", "new" or "resolved"
};

/// Matches the lesions of two consecutive scans by their centroids in one common patient space (registration is done
/// elsewhere): every pair within `maxDistanceMm` is a candidate; candidates are taken nearest first (greedy), each
/// lesion at most once. Returns the matched pairs in the earlier scan's order, then the resolved lesions (earlier scan,
/// unmatched), then the new ones (later scan, unmatched).
std::vector<LesionMatch> matchLesions(const std::vector<Eigen::Vector3d>& previous,
                                      const std::vector<Eigen::Vector3d>& current, double maxDistanceMm = 20);

/// One scan of a follow-up series.
struct StudyPoint {
  std::string studyUid;
  std::string date;  ///< YYYYMMDD
  std::string time;  ///< HHMMSS (optionally .ffffff), may be empty
  double hematomaMl = 0, edemaMl = 0;
  std::vector<Eigen::Vector3d> lesionCentroids;  ///< in the series' common patient space (after registration)
};

/// Thresholds of the follow-up.
struct FollowUpRules {
  double expansionMl = 6;          ///< hematoma growth of at least this many mL between consecutive scans ...
  double expansionRelative = 0.33; ///< ... or of at least this fraction of the earlier volume is expansion
  double matchDistanceMm = 20;     ///< see matchLesions
};

/// One scan of the ordered series with its changes against the scan before.
struct FollowUpPoint {
  StudyPoint study;
  int day = 0;                 ///< calendar days after the first scan
  double hoursFromFirst = 0;   ///< from date and time; NaN when this or the first scan has no time
  double hematomaChangeMl = 0, edemaChangeMl = 0;  ///< against the previous scan (0 for the first)
  double hematomaChangeRelative = 0, edemaChangeRelative = 0;  ///< change over the previous volume; NaN when that was 0
  bool expansion = false;      ///< hematoma expansion against the previous scan (see FollowUpRules)
  std::vector<LesionMatch> matches;  ///< lesions against the previous scan (empty for the first)
};

/// Orders the scans by date, then time (a missing time counts as the start of the day; equal keys keep their input
/// order), numbers them in calendar days from the first, gives the absolute and relative change of both volumes
/// between consecutive scans, flags hematoma expansion (growth >= expansionMl, or >= expansionRelative of the
/// earlier volume when that is above zero) and matches lesions of consecutive scans with matchLesions.
/// std::invalid_argument naming the study when a date or time is invalid.
std::vector<FollowUpPoint> followUp(std::vector<StudyPoint> studies, const FollowUpRules& rules = {});

}  // namespace openrad::modules::ct_hemorrhage
