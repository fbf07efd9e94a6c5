#pragma once

// The mri-lumbar module's view of a sagittal series (issue 10): every native sagittal slice resampled onto one
// canonical plane grid — pixel x toward posterior, y toward caudal, a fixed spacing in mm — whatever the array order
// of the file (the real data are stored inferior/posterior/right). The network sees these planes; its labels go back
// to the native grid through the same mapping. Pure (core, measure, Eigen).

#include "openrad/ai/PlaneGrid.h"
#include "openrad/core/Image.h"
#include "openrad/measure/SagittalFrame.h"

#include <Eigen/Core>

#include <cstdint>
#include <string>
#include <vector>

namespace openrad::modules::mri_lumbar {

// The plane grid and its sampling are shared with the other modules that read native slices (ai/PlaneGrid.h).
using ai::PlaneGrid;
using ai::samplePlane;
using ai::sampleStack;

/// The plane grid of a series: centred on the volume, `spacingMm` per pixel, the in-plane extent rounded up to a
/// multiple of `multiple` pixels and at most `maxPixels` per side (centred crop beyond).
PlaneGrid planeGridFor(const core::Geometry& geometry, const measure::SagittalFrame& frame, double spacingMm,
                       int multiple = 32, int maxPixels = 320);

/// Robust window of a stack: the 0.5 and 99.5 % percentiles of its values inside the image (NaN-free).
std::pair<float, float> robustWindow(const std::vector<float>& stack, float outside);

}  // namespace openrad::modules::mri_lumbar
