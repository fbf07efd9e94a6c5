#pragma once

#include "openrad/modules/Module.h"

namespace openrad::test {

/// Id of the test-only module.
inline constexpr const char* kThresholdId = "threshold-test";

/// A trivial module that exists only in the test build, to prove the framework: it segments what is brighter than halfway between
/// the 1st and 99.9th percentiles of any image into label map "bright" (label 1), boxes the bright region on the slice with most of it, marks the
/// region's centroid as landmark set "centroid" (point "centre"), and its rule measures the bright volume (label map)
/// and the centre's distance from the image centre (landmark). No model, no Torch.
modules::Module thresholdModule();

/// The built-in modules plus the threshold module.
modules::Registry registryWithThreshold();

}  // namespace openrad::test
