#pragma once

// What the mri-herniation module keeps in a series' annotations and how the findings re-compute after every edit
// (issue 11): the module writes its boxes (one per agreeing slice, attribute "finding" = the disc level) and a table
// of what it read; the measurement rule groups the boxes by level — drawn or moved boxes get their level from the
// mri-lumbar corners — and gives one measurement per level with its side, type, slices, score and the reader's
// verdict. Torch-free, so the rule is tested on hand-made boxes.

#include "openrad/core/Annotations.h"
#include "openrad/core/Document.h"
#include "openrad/core/Study.h"

#include <string>
#include <vector>

namespace openrad::modules::mri_herniation {

inline constexpr const char* kReadTable = "mri-herniation.read";  ///< what the module read (slices, threshold)
inline constexpr const char* kMeasurementPrefix = "herniation.";
inline constexpr const char* kCountId = "herniation.count";

/// Rows of the read table (column "item", column "value").
inline constexpr const char* kRowSlices = "slices read";           ///< "4, 5, 6, 7, 8" (1-based)
inline constexpr const char* kRowMidline = "midline slice";        ///< "6"
inline constexpr const char* kRowThreshold = "threshold";          ///< "0.30"
inline constexpr const char* kRowOperatingPoint = "operating point";
inline constexpr const char* kRowRule = "consistency rule";        ///< "3 of 5"
inline constexpr const char* kRowLevels = "levels examined";       ///< "L1-L2, L2-L3, …"

/// The value of `row` in a read table ("" when absent).
std::string readValue(const core::ResultTable& table, const std::string& row);

/// True for the boxes the herniation rule counts on a series the module read: its own and those drawn by hand.
bool isHerniationBox(const core::Box& box);

/// The disc level of an edited or drawn box from the mri-lumbar corner set of the series (body centres in the
/// slice's pixel coordinates); "" when the corners are missing or the box is not between two bodies.
std::string levelFromCorners(const core::Box& box, const core::SeriesAnnotations& annotations);

/// Every herniation measurement of a series: "herniation.<level>" per level with a box (value = agreeing slices;
/// attributes level, side, type, slices, score, review = pending / accepted / rejected, source = ai / manual /
/// ai+manual) and "herniation.count" (findings not rejected; attributes levels, threshold, operatingPoint, rule).
/// Throws std::invalid_argument when the module has not read the series (no read table).
std::vector<core::Measurement> herniationMeasurements(const core::Series& series, const core::SeriesAnnotations& annotations);

/// The rule the Document runs after every command that touches the boxes or the lumbar corners.
core::MeasurementRule herniationRule();

}  // namespace openrad::modules::mri_herniation
