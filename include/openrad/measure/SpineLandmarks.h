#pragma once

#include "openrad/core/Annotations.h"

#include <Eigen/Core>

#include <array>
#include <string>
#include <vector>

namespace openrad::measure {

/// Vertebrae with AP corner landmarks: T1..L5 (AASCE order), index 0..16.
constexpr int kApVertebrae = 17;
/// Corners per vertebra in AASCE order: top-left, top-right, bottom-left, bottom-right.
constexpr int kCornersPerVertebra = 4;
/// Total AP corner landmarks (17 × 4).
constexpr int kApCorners = kApVertebrae * kCornersPerVertebra;

/// Corner index inside one vertebra (AASCE order; image-left = patient's right on an AP view).
enum Corner : int { TopLeft = 0, TopRight = 1, BottomLeft = 2, BottomRight = 3 };

/// "T1".."T12", "L1".."L5" for index 0..16; throws std::out_of_range otherwise.
std::string apVertebraName(int vertebra);
/// "tl", "tr", "bl", "br".
std::string cornerSuffix(int corner);
/// Landmark name of one corner, e.g. "T1.tl" (vertebra 0, corner 0).
std::string apCornerName(int vertebra, int corner);
/// Landmark name of flat index 0..67 (4 · vertebra + corner).
std::string apCornerName(int index);
/// The 68 names in AASCE order.
const std::vector<std::string>& apCornerNames();
/// Flat index whose corner is the horizontal mirror (tl↔tr, bl↔br) of `index`.
int mirroredCornerIndex(int index);

/// The 68 AP corners as 2D continuous pixel positions (i = column, j = row), AASCE order.
using ApCorners = std::array<Eigen::Vector2d, kApCorners>;

/// Reads the 68 named corners of a landmark set; throws std::invalid_argument naming the first missing one.
ApCorners apCornersFrom(const core::LandmarkSet& set);
/// Builds a landmark set named `setName` from 68 corners (confidences optional, 1 when empty).
core::LandmarkSet apLandmarkSet(const ApCorners& corners, const std::string& setName,
                                const core::Provenance& provenance,
                                const std::vector<double>& confidences = {});

}  // namespace openrad::measure
