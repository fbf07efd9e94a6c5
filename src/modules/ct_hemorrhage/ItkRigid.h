#pragma once

// Private to ct-hemorrhage: the ITK half of registerHeads. ITK 5.2 carries its own Eigen 3.3, which clashes with the
// system Eigen 3.4 the rest of the project uses, so this interface holds no Eigen type and ItkRigid.cpp includes no
// project header that pulls Eigen in.

#include <array>
#include <cstdint>
#include <vector>

namespace openrad::modules::ct_hemorrhage::detail {

/// A voxel grid and its values (x fastest), already clamped and shifted as the registration wants them.
struct FloatVolume {
  std::array<std::int64_t, 3> size{};
  std::array<double, 3> spacing{}, origin{};
  std::array<double, 9> direction{};  ///< row-major; columns are the LPS directions of i, j, k
  std::vector<float> values;
};

/// What the ITK registration found: moving = matrix · fixed + offset (ITK's fixed-to-moving convention).
struct RigidResult {
  std::array<double, 9> matrix{};  ///< row-major
  std::array<double, 3> offset{};
  double metric = 0;
  int iterations = 0;
};

RigidResult rigidRegister(const FloatVolume& fixed, const FloatVolume& moving);

}  // namespace openrad::modules::ct_hemorrhage::detail
