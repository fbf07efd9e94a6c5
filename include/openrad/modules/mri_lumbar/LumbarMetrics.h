#pragma once

// Scores of a lumbar segmentation against a labelled volume (issue 10's evaluation): Dice per level in 3D, the mean
// over the levels L1–S1 present in the ground truth, and level identification. Pure.

#include "openrad/core/Image.h"
#include "openrad/modules/mri_lumbar/LumbarLabels.h"

#include <array>
#include <cstdint>

namespace openrad::modules::mri_lumbar {

struct VolumeScores {
  std::array<double, kClasses> dice{};      ///< per class, where the truth has it
  std::array<bool, kClasses> inTruth{};     ///< the class is annotated and present in the truth
  double diceMean = 0;                      ///< mean over the L1–S1 levels in the truth
  int diceLevels = 0;                       ///< how many levels that mean is over
  int bodies = 0, identified = 0;           ///< truth bodies; those whose most-overlapping predicted body has their level
  std::array<int, kClasses> identifiedAs{}; ///< per truth body: the predicted level overlapping it most (0 = none)
};

/// Compares `predicted` and `truth` (same grid, uint8 module classes). `annotated` (bit per class) says which classes
/// the truth labels at all: the others are left out of every score.
VolumeScores scoreVolume(const core::Image& predicted, const core::Image& truth, std::uint32_t annotated);

}  // namespace openrad::modules::mri_lumbar
