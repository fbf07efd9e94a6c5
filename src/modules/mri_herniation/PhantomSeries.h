#pragma once

// Private to the mri-herniation module: a lumbar-mri phantom series reduced to what training, tuning and evaluation
// read — its planes, the labels on them, the canal midline slice, the ground-truth boxes per slice and the herniated
// levels.
#include "HerniaNet.h"

#include "openrad/phantom/LumbarMri.h"

#include <map>
#include <string>
#include <vector>

namespace openrad::modules::mri_herniation {

struct PhantomSeries {
  std::string id;
  Planes planes;
  std::vector<float> labelPlanes;  ///< mri-lumbar classes (from the phantom's own labels), nearest
  int mid = 0;                     ///< canal midline slice (from those labels)
  std::map<int, std::vector<SliceBox>> truth;  ///< ground-truth boxes (plane pixels, level, type) per native slice
  std::vector<std::string> herniatedLevels;   ///< "L4-L5" … (the phantom's parameters)
  std::vector<std::string> levels;            ///< the five disc levels L1-L2 … L5-S1
};

/// Plane pixel box of a phantom box (inclusive native corners on its slice).
SliceBox planeBox(const mri_lumbar::PlaneGrid& grid, const phantom::HerniationBox& box);

/// One contrast ("t1" or "t2") of a rendered phantom case.
PhantomSeries phantomSeries(const phantom::LumbarMriCase& c, const std::string& contrast, const DetConfig& config,
                            const std::string& id);

/// The label planes and midline slice of a label image (mri-lumbar classes) on a planes grid.
std::vector<float> labelPlanesFor(const core::Image& labels, const Planes& planes);

}  // namespace openrad::modules::mri_herniation
