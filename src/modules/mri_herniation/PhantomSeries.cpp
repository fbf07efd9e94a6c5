#include "PhantomSeries.h"

#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"

#include <algorithm>
#include <stdexcept>

namespace openrad::modules::mri_herniation {

SliceBox planeBox(const mri_lumbar::PlaneGrid& grid, const phantom::HerniationBox& b) {
  const Eigen::Vector2d p = grid.planePixel(Eigen::Vector3d(b.x0 - 0.5, b.y0 - 0.5, b.slice));
  const Eigen::Vector2d q = grid.planePixel(Eigen::Vector3d(b.x1 + 0.5, b.y1 + 0.5, b.slice));
  SliceBox s;
  s.slice = b.slice;
  s.min = p.cwiseMin(q);
  s.max = p.cwiseMax(q);
  s.score = 1.0;
  s.level = b.level;
  s.typeScore = b.type == "extrusion" ? 1.0 : 0.0;
  const Eigen::Vector2d side = (s.max - s.min) * grid.spacing;
  s.difficult = side.minCoeff() < kMinTruthSideMm;
  return s;
}

std::vector<float> labelPlanesFor(const core::Image& labels, const Planes& planes) {
  return mri_lumbar::sampleStack(labels, planes.grid, 0.0f, true);
}

PhantomSeries phantomSeries(const phantom::LumbarMriCase& c, const std::string& contrast, const DetConfig& config,
                            const std::string& id) {
  const core::Image& image = contrast == "t1" ? *c.t1 : *c.t2;
  const auto f = measure::sagittalFrame(image.geometry());
  if (std::holds_alternative<std::string>(f)) throw std::invalid_argument(id + ": " + std::get<std::string>(f));
  const auto& frame = std::get<measure::SagittalFrame>(f);
  PhantomSeries s;
  s.id = id;
  s.planes = makePlanes(image, frame, config.spacingMm);
  auto labels = c.labels->copy();
  std::uint8_t* L = labels->as<std::uint8_t>();
  for (std::int64_t k = 0; k < labels->geometry().voxelCount(); ++k) L[k] = mri_lumbar::fromPhantomLabel(L[k]);
  s.labelPlanes = labelPlanesFor(*labels, s.planes);
  s.mid = mri_lumbar::midSagittalSlice(*labels, frame);
  if (s.mid < 0) throw std::invalid_argument(id + ": the phantom has no canal or bodies");
  for (const auto& b : c.herniationBoxes) s.truth[b.slice].push_back(planeBox(s.planes.grid, b));
  const auto& names = phantom::lumbarDiscLevelNames();
  for (const auto& h : c.params.herniations) s.herniatedLevels.push_back(names[static_cast<std::size_t>(h.disc)]);
  for (const char* n : names) s.levels.push_back(n);
  return s;
}

}  // namespace openrad::modules::mri_herniation
