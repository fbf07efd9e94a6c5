#pragma once

// The four corners of a vertebral body from its segmentation mask on one sagittal slice (issue 10): each corner is
// where the mask reaches furthest along its quadrant's diagonal in the body's own frame (anterior along the mean endplate
// direction, found from a first pass in the image frame; anterior/posterior x superior/inferior from the
// image's direction cosines), at sub-pixel precision (the mean of the outermost pixels, moved out by half a pixel);
// its confidence is the Harris corner response of the smoothed mask there. (Harris alone peaks about 1.5 px inside
// a corner of a smoothed mask, which is why it scores rather than places.) Pure (Eigen only), so it is tested on
// drawn masks with known corners.

#include "openrad/measure/SagittalSpine.h"

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

namespace openrad::measure {

/// A 2D binary mask, row-major (x fastest), non-zero = inside.
struct Mask2D {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;
  bool at(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height && pixels[y * width + x] != 0; }
};

/// Corners in pixel coordinates (x, y) and a confidence in [0, 1] for each (the Harris response there over the
/// strongest response of the mask: 1 for a clean right-angled corner, low for a rounded or missing one).
struct MaskCorners {
  SagittalBody body;                ///< corners in pixels; level left empty
  std::array<double, 4> confidence{};  ///< anterior-superior, posterior-superior, anterior-inferior, posterior-inferior
};

/// Finds the corners of the single body in `mask`. `anterior` and `cranial` are the image-plane directions (pixel
/// axes) toward the patient's front and head (from the series' direction cosines); they need not be exact, only on the
/// right side. `superiorOnly` gives the sacrum's two superior corners (inferior ones left at zero). nullopt when the
/// mask has fewer than 16 pixels or the directions are degenerate.
std::optional<MaskCorners> bodyCornersFromMask(const Mask2D& mask, const Eigen::Vector2d& anterior,
                                               const Eigen::Vector2d& cranial, bool superiorOnly = false);

}  // namespace openrad::measure
