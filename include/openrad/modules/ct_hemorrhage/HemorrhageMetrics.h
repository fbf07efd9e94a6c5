#pragma once

// Scores of a head CT segmentation against a labelled study and agreement statistics of volumes (issue 12's
// evaluation). Pure.

#include "openrad/core/Image.h"

#include <vector>

namespace openrad::modules::ct_hemorrhage {

/// Dice of label `value` between two uint8 label maps on one grid, 2 |P and T| / (|P| + |T|); NaN when neither holds
/// the label (nothing to agree on), 0 when only one does. std::invalid_argument for other grids or pixel types.
double dice(const core::Image& predicted, const core::Image& truth, int value);

/// Agreement of paired measurements (predicted against truth).
struct Agreement {
  int n = 0;
  double ccc = 0;             ///< Lin's concordance correlation coefficient (population moments, as Lin 1989)
  double meanDifference = 0;  ///< mean of predicted - truth (Bland-Altman bias)
  double sdDifference = 0;    ///< sample standard deviation of the differences
  double lowerLimit = 0, upperLimit = 0;  ///< 95 % limits of agreement: mean difference -/+ 1.96 SD
};
/// The agreement of `predicted` with `truth` (same length, else std::invalid_argument). With fewer than 2 pairs every
/// figure but n is NaN; the CCC is NaN when both sets are constant and equal (no spread to agree on).
Agreement agreement(const std::vector<double>& predicted, const std::vector<double>& truth);

}  // namespace openrad::modules::ct_hemorrhage
