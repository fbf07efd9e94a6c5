#pragma once

#include "openrad/app/SlicePlane.h"
#include "openrad/app/WindowLevel.h"
#include "openrad/core/Image.h"

#include <QImage>

namespace openrad::app {

/// Renders one slice of an image through a window/level into an 8-bit grey QImage laid out as the
/// plane says (one image pixel per voxel; aspect ratio is the caller's business).
QImage renderSlice(const core::Image& image, const SlicePlane& plane, std::int64_t slice, const WindowLevel& wl);

/// A small thumbnail of the middle slice (longest side `size` pixels, physical aspect respected).
QImage renderThumbnail(const core::Image& image, const WindowLevel& wl, int size);

}  // namespace openrad::app
