#include "openrad/phantom/DatasetManifest.h"

#include "openrad/io/IoError.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace openrad::phantom {

void writeDatasetManifest(const std::string& outDir, const std::string& kind, std::uint64_t seed,
                          const std::vector<ManifestEntry>& entries) {
  nlohmann::ordered_json j;
  j["format"] = "openrad-dataset";
  j["formatVersion"] = 1;
  j["kind"] = kind;
  j["source"] = "phantom";
  j["generatorVersion"] = kGeneratorVersion;
  j["seed"] = seed;
  j["count"] = entries.size();
  auto& studies = j["studies"] = nlohmann::ordered_json::array();
  for (const auto& e : entries) {
    nlohmann::ordered_json s;
    s["folder"] = e.folder;
    s["patientId"] = e.patientId;
    s["studyUid"] = e.studyUid;
    s["groundTruth"] = e.groundTruth;
    if (!e.split.empty()) s["split"] = e.split;
    studies.push_back(std::move(s));
  }
  std::filesystem::create_directories(outDir);
  const auto path = (std::filesystem::path(outDir) / "manifest.json").string();
  std::ofstream out(path, std::ios::binary);
  if (!out) throw io::IoError(path, "cannot open for writing");
  out << j.dump(2) << '\n';
  if (!out) throw io::IoError(path, "write failed");
}

}  // namespace openrad::phantom
