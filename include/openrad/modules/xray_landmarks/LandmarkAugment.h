#pragma once

#include "openrad/measure/SpineLandmarks.h"

namespace openrad::ai {

/// Corners of an image mirrored left–right (`imageWidth` columns, pixel centres at integer columns):
/// x → width − 1 − x, and the labels swap sides (tl↔tr, bl↔br) so each name still means the same corner
/// of the mirrored picture.
measure::ApCorners flipCornersHorizontally(const measure::ApCorners& corners, int imageWidth);

}  // namespace openrad::ai
