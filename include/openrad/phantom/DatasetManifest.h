#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace openrad::phantom {

/// One study of a generated dataset, as listed in manifest.json.
struct ManifestEntry {
  std::string folder;       ///< relative to the dataset root
  std::string patientId;
  std::string studyUid;
  std::string groundTruth;  ///< relative path of the study's ground-truth JSON
  std::string split;        ///< "train", "val" or "test" when the generator assigns one; empty otherwise
};

/// Version of the phantom generators; bump when output for a seed changes.
constexpr const char* kGeneratorVersion = "0.1.0";

/// Writes outDir/manifest.json: kind, seed, count, generator version, studies (stable key order).
void writeDatasetManifest(const std::string& outDir, const std::string& kind, std::uint64_t seed,
                          const std::vector<ManifestEntry>& entries);

}  // namespace openrad::phantom
