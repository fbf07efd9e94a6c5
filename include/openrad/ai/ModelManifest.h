#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace openrad::ai {

/// How an image becomes the network input.
struct InputSpec {
  int width = 128;   ///< network input columns
  int height = 256;  ///< network input rows
  int channels = 3;
  std::string preprocessing;  ///< e.g. "percentile window 0.5–99.5 % → 8 bit; channels raw, CLAHE, equalised"
  std::string normalisation;  ///< e.g. "x/255 − 0.5, ×4"
  std::string resize;         ///< e.g. "letterbox: uniform scale to fit, centred, zero padding"
};

/// How the model was trained.
struct TrainingInfo {
  std::string data;     ///< description of the training data
  std::uint64_t seed = 0;      ///< trainer seed (initialisation, split, augmentation)
  std::uint64_t dataSeed = 0;  ///< seed of the phantom dataset trained on (0 for real data)
  std::string command;  ///< exact command line
  int studies = 0;      ///< training studies
  int validationStudies = 0;
  int epochs = 0;
  std::string date;     ///< UTC, ISO 8601
};

/// models/<id>/manifest.json: what a model is, what it expects and how good it is.
struct ModelManifest {
  std::string id;       ///< module id, e.g. "xray-landmarks"
  std::string version;  ///< model version
  std::string architecture;  ///< architecture name and shape summary
  std::map<std::string, double> architectureParams;  ///< numeric hyper-parameters the runtime needs
  InputSpec input;
  std::vector<std::string> labels;  ///< output point / class names in output order
  TrainingInfo training;
  std::map<std::string, double> metrics;  ///< held-out metrics (name → value)
  std::string metricsNote;                ///< how and on what the metrics were measured
  std::string weightsFile;                ///< file name relative to the model folder
  std::string sha256;                     ///< of the weights file, hex

  /// Reads `dir`/manifest.json; throws ModelError naming the file when missing or malformed.
  static ModelManifest read(const std::string& dir);
  /// Writes `dir`/manifest.json (pretty JSON, stable key order); throws ModelError on failure.
  void write(const std::string& dir) const;
  /// Full path of the weights file inside `dir`.
  std::string weightsPath(const std::string& dir) const;
  /// Checks the weights file's SHA-256 against `sha256`; throws ModelError naming the file on mismatch.
  void verifyWeights(const std::string& dir) const;
  /// Numeric architecture parameter, or `fallback` when absent.
  double param(const std::string& name, double fallback) const;
  /// What a reader of a report must know about the model: id, version, training data (synthetic phantoms
  /// or the dataset named), held-out Cobb MAE when recorded, and that it is not validated for diagnosis.
  std::string userNote() const;
};

/// The current time as TrainingInfo::date records it (UTC, ISO 8601: "2024-05-01T12:00:00Z").
std::string trainingDateNow();

/// Sets `metrics` in `modelDir`/manifest.json and replaces the sentence of metricsNote that starts with `marker`
/// (e.g. " heldout.* = ") by `note` (which should start with it), keeping every other field (also those ModelManifest
/// does not model) and the key order; written atomically. Throws std::runtime_error when the manifest is unreadable.
void recordManifestMetrics(const std::string& modelDir, const std::map<std::string, double>& metrics,
                           const std::string& note, const std::string& marker);

}  // namespace openrad::ai
