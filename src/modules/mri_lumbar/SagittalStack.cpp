#include "openrad/modules/mri_lumbar/SagittalStack.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>

namespace openrad::modules::mri_lumbar {

namespace {
Eigen::Vector3d orthogonalTo(const Eigen::Vector3d& v, const Eigen::Vector3d& n) {
  const Eigen::Vector3d p = v - v.dot(n) * n;
  return p.normalized();
}
}  // namespace

PlaneGrid planeGridFor(const core::Geometry& g, const measure::SagittalFrame& frame, double spacingMm, int multiple,
                       int maxPixels) {
  PlaneGrid grid;
  grid.spacing = spacingMm;
  grid.sliceAxis = frame.sliceAxis;
  grid.slices = static_cast<int>(g.size[static_cast<std::size_t>(frame.sliceAxis)]);
  grid.sliceSpacing = g.spacing[frame.sliceAxis];
  const Eigen::Vector3d normal = g.direction.col(frame.sliceAxis).normalized();
  // LPS: posterior is +y, caudal is -z; both taken within the slice plane.
  const Eigen::Vector3d posterior = orthogonalTo(Eigen::Vector3d(0, 1, 0), normal);
  const Eigen::Vector3d caudal = orthogonalTo(orthogonalTo(Eigen::Vector3d(0, 0, -1), normal), posterior);
  // In-plane extent of the image along each canonical direction.
  double extentX = 0, extentY = 0;
  for (int a = 0; a < 3; ++a) {
    if (a == frame.sliceAxis) continue;
    const Eigen::Vector3d edge = g.direction.col(a) * g.spacing[a] * static_cast<double>(g.size[static_cast<std::size_t>(a)]);
    extentX += std::abs(edge.dot(posterior));
    extentY += std::abs(edge.dot(caudal));
  }
  const auto pixels = [&](double extent) {
    int n = static_cast<int>(std::ceil(extent / spacingMm));
    n = (n + multiple - 1) / multiple * multiple;
    return std::clamp(n, multiple, std::max(multiple, maxPixels / multiple * multiple));
  };
  grid.width = pixels(extentX);
  grid.height = pixels(extentY);
  // Plane pixel (0,0) of slice 0: the volume's in-plane centre minus half the plane.
  Eigen::Vector3d centreIndex;
  for (int a = 0; a < 3; ++a) centreIndex[a] = (static_cast<double>(g.size[static_cast<std::size_t>(a)]) - 1) / 2;
  centreIndex[frame.sliceAxis] = 0;
  const Eigen::Vector3d centre = g.indexToPhysical(centreIndex);
  const Eigen::Vector3d corner = centre - (grid.width - 1) / 2.0 * spacingMm * posterior -
                                 (grid.height - 1) / 2.0 * spacingMm * caudal;
  grid.index0 = g.physicalToIndex(corner);
  grid.indexPerX = g.physicalToIndex(corner + spacingMm * posterior) - grid.index0;
  grid.indexPerY = g.physicalToIndex(corner + spacingMm * caudal) - grid.index0;
  // Planes are sampled slice by slice: the slice-axis component comes from the slice number alone.
  grid.index0[frame.sliceAxis] = 0;
  grid.indexPerX[frame.sliceAxis] = 0;
  grid.indexPerY[frame.sliceAxis] = 0;
  grid.indexPerSlice = Eigen::Vector3d::Zero();
  grid.indexPerSlice[frame.sliceAxis] = 1;
  return grid;
}

std::pair<float, float> robustWindow(const std::vector<float>& stack, float outside) {
  std::vector<float> v;
  v.reserve(stack.size() / 4 + 1);
  for (std::size_t i = 0; i < stack.size(); i += 4)
    if (stack[i] != outside && std::isfinite(stack[i])) v.push_back(stack[i]);
  if (v.empty()) return {0.0f, 1.0f};
  const auto at = [&](double q) {
    const auto k = static_cast<std::size_t>(q * static_cast<double>(v.size() - 1));
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(k), v.end());
    return v[k];
  };
  const float lo = at(0.005), hi = at(0.995);
  return {lo, hi > lo ? hi : lo + 1.0f};
}

}  // namespace openrad::modules::mri_lumbar
