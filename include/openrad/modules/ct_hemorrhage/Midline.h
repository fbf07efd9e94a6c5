#pragma once

// Finding the midline landmarks of an axial head CT without a network: the ideal midline from the symmetry of the
// skull's inner table (the skull does not move with a mass; the falx is attached to it), the falx attachments where
// that line meets the inner table, and the septum pellucidum as the thin wall between the two frontal horns, on the
// slice that shows the frontal horns best (the level of the foramina of Monro). midlineShift() of HemorrhageRules.h
// turns the three points into the shift.

#include "openrad/core/Image.h"

#include <Eigen/Core>

#include <string>

namespace openrad::modules::ct_hemorrhage {

/// The three points and how they were found.
struct MidlineLandmarks {
  bool found = false;
  std::string reason;  ///< why nothing was found (found == false), for the reader
  int slice = -1;      ///< the k of the slice measured on
  Eigen::Vector3d septum = Eigen::Vector3d::Zero();          ///< patient LPS mm
  Eigen::Vector3d falxAnterior = Eigen::Vector3d::Zero();    ///< where the ideal midline meets the inner table in front
  Eigen::Vector3d falxPosterior = Eigen::Vector3d::Zero();   ///< ... and at the back
  int septumRows = 0;          ///< rows across the frontal horns that located the septum (its support)
  double symmetryErrorMm = 0;  ///< mean distance of the mirrored inner table from itself (0 = perfectly symmetric)
  std::string how;             ///< one sentence for the report
};

/// What the search accepts.
struct MidlineRules {
  double boneHu = 300;        ///< skull: at least this
  double csfMaxHu = 12;       ///< ventricle: at most this (after a light smoothing); oedema sits at 15-25 HU
  double maxHornGapMm = 6;    ///< the septum is at most this thick
  double maxHornOffsetMm = 22;  ///< each frontal horn's inner wall within this distance of the ideal midline
  int minSeptumRows = 4;      ///< rows (1 mm apart) that must agree
};

/// Finds the landmarks on `ct` (HU, axial slices; any pixel type). The slice is the one, among those whose skull
/// encloses at least 60 % of the largest intracranial area, where the most rows across the anterior third of the
/// brain show two frontal horns with a thin wall between them. `found` is false, with the reason, when no slice has
/// a closed skull or none shows the pair of horns (e.g. one horn effaced by a large mass) — the shift is then not
/// measured rather than guessed.
MidlineLandmarks findMidline(const core::Image& ct, const MidlineRules& rules = {});

}  // namespace openrad::modules::ct_hemorrhage
