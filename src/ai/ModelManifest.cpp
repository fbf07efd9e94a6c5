#include "openrad/ai/ModelManifest.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/Sha256.h"
#include "openrad/core/AtomicWrite.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace openrad::ai {

namespace fs = std::filesystem;

namespace {
std::string manifestPath(const std::string& dir) { return (fs::path(dir) / "manifest.json").string(); }
}  // namespace

ModelManifest ModelManifest::read(const std::string& dir) {
  const std::string path = manifestPath(dir);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ModelError(path, "model manifest not found");
  nlohmann::json j;
  try {
    in >> j;
  } catch (const std::exception& e) {
    throw ModelError(path, std::string("not valid JSON: ") + e.what());
  }
  ModelManifest m;
  try {
    m.id = j.at("id").get<std::string>();
    m.version = j.at("version").get<std::string>();
    const auto& a = j.at("architecture");
    m.architecture = a.at("name").get<std::string>();
    if (a.contains("params"))
      for (const auto& [k, v] : a.at("params").items()) m.architectureParams[k] = v.get<double>();
    const auto& i = j.at("input");
    m.input.width = i.at("width").get<int>();
    m.input.height = i.at("height").get<int>();
    m.input.channels = i.value("channels", 3);
    m.input.preprocessing = i.value("preprocessing", "");
    m.input.normalisation = i.value("normalisation", "");
    m.input.resize = i.value("resize", "");
    m.labels = j.at("labels").get<std::vector<std::string>>();
    if (j.contains("training")) {
      const auto& t = j.at("training");
      m.training.data = t.value("data", "");
      m.training.seed = t.value("seed", std::uint64_t{0});
      m.training.dataSeed = t.value("dataSeed", std::uint64_t{0});
      m.training.command = t.value("command", "");
      m.training.studies = t.value("studies", 0);
      m.training.validationStudies = t.value("validationStudies", 0);
      m.training.epochs = t.value("epochs", 0);
      m.training.date = t.value("date", "");
    }
    if (j.contains("metrics"))
      for (const auto& [k, v] : j.at("metrics").items())
        if (v.is_number()) m.metrics[k] = v.get<double>();
    m.metricsNote = j.value("metricsNote", "");
    m.weightsFile = j.at("weights").at("file").get<std::string>();
    m.sha256 = j.at("weights").at("sha256").get<std::string>();
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(path, std::string("malformed model manifest: ") + e.what());
  }
  if (m.weightsFile.empty() || fs::path(m.weightsFile).has_parent_path())
    throw ModelError(path, "weights.file must be a plain file name inside the model folder");
  return m;
}

void ModelManifest::write(const std::string& dir) const {
  nlohmann::ordered_json j;
  j["format"] = "openrad-model";
  j["formatVersion"] = 1;
  j["id"] = id;
  j["version"] = version;
  j["architecture"]["name"] = architecture;
  j["architecture"]["params"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : architectureParams) j["architecture"]["params"][k] = v;
  j["input"] = {{"width", input.width},
                {"height", input.height},
                {"channels", input.channels},
                {"preprocessing", input.preprocessing},
                {"normalisation", input.normalisation},
                {"resize", input.resize}};
  j["labels"] = labels;
  j["training"] = {{"data", training.data},
                   {"seed", training.seed},
                   {"dataSeed", training.dataSeed},
                   {"command", training.command},
                   {"studies", training.studies},
                   {"validationStudies", training.validationStudies},
                   {"epochs", training.epochs},
                   {"date", training.date}};
  j["metrics"] = nlohmann::ordered_json::object();
  for (const auto& [k, v] : metrics) j["metrics"][k] = v;
  j["metricsNote"] = metricsNote;
  j["weights"] = {{"file", weightsFile}, {"sha256", sha256}};
  fs::create_directories(dir);
  const std::string path = manifestPath(dir);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    if (!out) throw ModelError(tmp, "cannot open for writing");
    out << j.dump(2) << '\n';
    if (!out) throw ModelError(tmp, "write failed");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) throw ModelError(path, "cannot replace: " + ec.message());
}

std::string ModelManifest::weightsPath(const std::string& dir) const {
  return (fs::path(dir) / weightsFile).string();
}

void ModelManifest::verifyWeights(const std::string& dir) const {
  const std::string path = weightsPath(dir);
  if (!fs::exists(path)) throw ModelError(path, "model weights not found");
  const std::string actual = Sha256::fileHex(path);
  if (actual != sha256)
    throw ModelError(path, "SHA-256 mismatch: manifest says " + sha256 + ", file has " + actual +
                               " (tampered or incomplete weights file; refusing to load)");
}

double ModelManifest::param(const std::string& name, double fallback) const {
  auto it = architectureParams.find(name);
  return it == architectureParams.end() ? fallback : it->second;
}

std::string ModelManifest::userNote() const {
  std::string note = id + " " + version;
  const bool real = training.data.find("real") != std::string::npos;
  const bool phantoms = !real && (training.dataSeed != 0 || training.data.find("phantom") != std::string::npos);
  if (phantoms) note += ", trained on synthetic phantoms only (no real images)";
  else if (!training.data.empty()) note += ", trained on " + training.data;
  // Segmentation models: the real validation Dice (the split the checkpoint was chosen on) and held-out phantoms.
  for (const auto& [key, what] : {std::make_pair("real_val.dice_mean", "real validation"),
                                  std::make_pair("heldout_phantom.dice_mean", "held-out phantom")})
    if (const auto d = metrics.find(key); d != metrics.end()) {
      char value[32];
      std::snprintf(value, sizeof value, "%.3f", d->second);
      note += std::string("; ") + what + " mean Dice " + value;
    }
  if (const auto mae = metrics.find("heldout.cobb_mae_deg"); mae != metrics.end()) {
    char value[32];
    std::snprintf(value, sizeof value, "%.1f", mae->second);
    note += std::string("; held-out ") + (phantoms ? "phantom " : "") + "Cobb MAE " + value + "\u00B0";
    if (const auto n = metrics.find("heldout.studies"); n != metrics.end())
      note += " on " + std::to_string(static_cast<int>(n->second)) + " studies";
  }
  note += "; not validated on patients, not for diagnostic use.";
  return note;
}

void recordManifestMetrics(const std::string& modelDir, const std::map<std::string, double>& metrics,
                           const std::string& note, const std::string& marker) {
  const auto path = std::filesystem::path(modelDir) / "manifest.json";
  nlohmann::ordered_json j;
  {
    std::ifstream in(path);
    if (!in) throw std::runtime_error(path.string() + ": cannot read");
    in >> j;
  }
  nlohmann::json sorted = j.value("metrics", nlohmann::json::object());  // std::map order: sorted keys
  for (const auto& [k, v] : metrics) sorted[k] = v;
  j["metrics"] = sorted;
  std::string text = j.value("metricsNote", std::string());
  // Replace the previous run's sentence rather than appending another one.
  if (const auto at = text.find(marker); at != std::string::npos) {
    const auto next = text.find(". ", at + marker.size());
    text.erase(at, next == std::string::npos ? std::string::npos : next + 1 - at);
  }
  j["metricsNote"] = text + note;
  core::writeFileAtomically(path.string(), j.dump(2) + "\n");
}

std::string trainingDateNow() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace openrad::ai
