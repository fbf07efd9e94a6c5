#pragma once

#include <cstdint>
#include <functional>
#include <string>

namespace openrad::ai {

/// Options of `openrad-cli train xray-landmarks`.
struct XrayTrainOptions {
  std::string dataDir;  ///< dataset folder (readXrayDataset layout)
  std::string outDir;   ///< model folder to write (manifest.json + weights.pt)
  int epochs = 60;
  std::uint64_t seed = 1;
  int threads = 0;          ///< CPU threads (0 = hardware cores)
  int batchSize = 8;
  double learningRate = 2e-3;
  double valFraction = 0.15;  ///< share of studies (by patient) held out for validation when unsplit
  int inputWidth = 128;
  int inputHeight = 256;
  int baseWidth = 16;
  int maxStudies = 0;         ///< use only the first N studies (0 = all)
  double maxMinutes = 0.0;    ///< stop after this wall time (0 = no limit); the best checkpoint is kept
  std::string version = "0.1.0";
  /// Model folder to start from (fine-tuning); empty = random initialisation. Its manifest must be an
  /// xray-landmarks model with the same network shape, and its weights must match the manifest's SHA-256
  /// (ModelError naming the file otherwise). Recorded in the manifest's training data and command.
  std::string initDir;
  std::string commandLine;  ///< recorded in the manifest
  std::function<void(const std::string&)> log;  ///< one line per call
};

/// What a training run achieved (validation split of the training data).
struct XrayTrainResult {
  int trainStudies = 0;
  int valStudies = 0;
  int epochsRun = 0;
  int bestEpoch = 0;
  double bestValMrePx = 0.0;  ///< mean radial error, original pixels
  double bestValMreMm = 0.0;  ///< same in mm (patient plane)
  double bestValSmape = 0.0;  ///< SMAPE of the three AASCE Cobb angles, %
  double seconds = 0.0;
  std::string sha256;  ///< of the saved weights
};

/// Trains the AP landmark network with augmentation and a fixed seed, keeps the best checkpoint by
/// validation error in `outDir`. Throws io::IoError for unreadable data, ModelError when saving fails.
XrayTrainResult trainXrayLandmarks(const XrayTrainOptions& options);

}  // namespace openrad::ai
