#pragma once

#include "openrad/core/Study.h"

#include "openrad/core/Image.h"

#include <cstdint>
#include <optional>

namespace openrad::io::detail {

/// Element type of a decoded frame buffer.
enum class SampleType { UInt8, Int8, UInt16, Int16, UInt32, Int32, Float32, Float64 };

/// A decoded frame as it comes out of a codec (stored values, local byte order).
struct RawFrame {
  const void* data = nullptr;
  SampleType type = SampleType::UInt16;
  std::int64_t pixels = 0;  ///< pixels per frame (rows * columns)
  int samples = 1;          ///< 1 (grey) or 3 (colour)
  bool planar = false;      ///< colour planes stored one after the other
  bool ybr = false;         ///< colour is YBR_FULL: the first component is the luminance
};

/// Stored value to output value: mask / sign-extend, MONOCHROME1 inversion, rescale.
struct Conversion {
  double slope = 1.0;
  double intercept = 0.0;
  bool invert = false;     ///< value' = invertSum - value (MONOCHROME1 shown as MONOCHROME2)
  double invertSum = 0.0;  ///< minimum + maximum of the stored range
  int maskBits = 0;        ///< > 0: keep this many bits after the shift (BitsStored < BitsAllocated)
  bool signExtend = false; ///< sign-extend from maskBits (signed data)
  int shift = 0;           ///< HighBit + 1 - BitsStored
  bool mayOverflow = true; ///< false when the output type holds every possible value (no range check)
};

/// Converts one frame into `out` (pixels elements of `outType`). Colour frames become luminance.
/// Returns false when an integer output could not hold a value (the caller then re-reads as float).
bool convertFrame(const RawFrame& frame, const Conversion& conversion, void* out, core::PixelType outType);

/// Converts a grey frame in place when the stored and output element sizes match and the rescale is
/// integral (the usual CT/MR case), so the frame can be read straight into the volume. Returns
/// nullopt when the general path is needed, else whether every value fitted (see convertFrame).
std::optional<bool> convertInPlace(void* data, std::int64_t pixels, SampleType stored, const Conversion& conversion,
                                   core::PixelType outType);

/// True when every voxel holds the same value (stops at the first difference, so cheap for real images).
bool isBlankImage(const core::Image& image);
/// The SeriesInfo::problems text for a blank image.
/// A LoadResult holding one series in one study of one (anonymous) patient: NIfTI and plain images.
core::LoadResult singleSeriesResult(std::shared_ptr<core::Series> series);

inline constexpr const char* kBlankImageProblem = "blank image: every pixel has the same value";

/// Bytes per element of a sample type.
int sampleBytes(SampleType type);

}  // namespace openrad::io::detail
