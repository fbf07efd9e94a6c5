#include "openrad/modules/ct_hemorrhage/HeadRegistration.h"

#include "ItkRigid.h"

#include <algorithm>
#include <stdexcept>

namespace openrad::modules::ct_hemorrhage {

namespace {

/// The image as the registration wants it: HU clamped to -100 .. 1500 and shifted to start at 0, so that air and
/// the table weigh nothing in the centre of mass.
detail::FloatVolume volumeOf(const core::Image& image) {
  const auto& g = image.geometry();
  if (g.size[2] < 2) throw std::invalid_argument("registerHeads: the image is not a 3D stack of slices");
  detail::FloatVolume v;
  v.size = g.size;
  for (int r = 0; r < 3; ++r) {
    v.spacing[static_cast<std::size_t>(r)] = g.spacing[r];
    v.origin[static_cast<std::size_t>(r)] = g.origin[r];
    for (int c = 0; c < 3; ++c) v.direction[static_cast<std::size_t>(3 * r + c)] = g.direction(r, c);
  }
  v.values.reserve(static_cast<std::size_t>(g.voxelCount()));
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i)
        v.values.push_back(static_cast<float>(std::clamp(image.value(i, j, k), -100.0, 1500.0) + 100.0));
  return v;
}

}  // namespace

RigidMap registerHeads(const core::Image& fixed, const core::Image& moving) {
  const detail::RigidResult r = detail::rigidRegister(volumeOf(fixed), volumeOf(moving));
  // ITK's transform maps fixed points to moving ones: moving = A · fixed + b, so fixed = Aᵀ (moving − b) (A is a
  // rotation).
  Eigen::Matrix3d A;
  Eigen::Vector3d b;
  for (int i = 0; i < 3; ++i) {
    b[i] = r.offset[static_cast<std::size_t>(i)];
    for (int c = 0; c < 3; ++c) A(i, c) = r.matrix[static_cast<std::size_t>(3 * i + c)];
  }
  RigidMap map;
  map.rotation = A.transpose();
  map.translation = -map.rotation * b;
  map.metric = r.metric;
  map.iterations = r.iterations;
  return map;
}

}  // namespace openrad::modules::ct_hemorrhage
