#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace openrad::phantom {

/// Options shared by every phantom generator.
struct GenerateOptions {
  int count = 1;               ///< number of studies (patients) to write
  std::uint64_t seed = 1;      ///< same seed, same bytes
  std::string outDir;          ///< created when missing
  /// Called after each study with (done, total).
  std::function<void(int, int)> progress;
};

/// AP + lateral DX radiograph pairs of a parametric spine with landmark ground truth.
void generateSpineXray(const GenerateOptions& options);
/// CT volumes of the same parametric spine with label maps.
void generateSpineCt(const GenerateOptions& options);
/// Sagittal lumbar MRI (T1 + T2) with label maps, herniation boxes and listhesis.
void generateLumbarMri(const GenerateOptions& options);
/// Head CT with hematoma and edema, plus follow-up studies of the same patient.
void generateHeadCt(const GenerateOptions& options);

}  // namespace openrad::phantom
