#include "Hooks.h"

#include <CLI/CLI.hpp>

#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
#include "openrad/modules/xray_landmarks/XrayTrainer.h"

#include <iostream>
#include <sstream>

namespace openrad::modules::xray_landmarks {

std::function<int()> setupTrain(CLI::App& command) {
  auto* cmd = &command;
  struct Args {
    std::string module;
    ai::XrayTrainOptions o;
  };
  auto a = std::make_shared<Args>();
  a->o.outDir = "models/xray-landmarks";
  a->module = ai::kXrayLandmarksId;
  cmd->add_option("--data", a->o.dataDir, "Dataset folder (phantom output or real data, docs/phantom-formats.md)")
      ->required();
  cmd->add_option("--out", a->o.outDir, "Model folder to write (manifest.json + weights.pt)")->capture_default_str();
  cmd->add_option("--epochs", a->o.epochs, "Epochs")->capture_default_str()->check(CLI::PositiveNumber);
  cmd->add_option("--seed", a->o.seed, "Seed (initialisation, split, augmentation)")->capture_default_str();
  cmd->add_option("--threads", a->o.threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--batch", a->o.batchSize, "Batch size")->capture_default_str()->check(CLI::Range(2, 256));
  cmd->add_option("--lr", a->o.learningRate, "Peak learning rate (cosine decay)")->capture_default_str();
  cmd->add_option("--height", a->o.inputHeight, "Network input rows (multiple of 32)")->capture_default_str();
  cmd->add_option("--width", a->o.inputWidth, "Network input columns (multiple of 32)")->capture_default_str();
  cmd->add_option("--base-width", a->o.baseWidth, "Channels of the first stage")->capture_default_str();
  cmd->add_option("--max-studies", a->o.maxStudies, "Use only the first N studies (0 = all)")->capture_default_str();
  cmd->add_option("--minutes", a->o.maxMinutes, "Stop after this many minutes (0 = no limit)")->capture_default_str();
  cmd->add_option("--version", a->o.version, "Model version written to the manifest")->capture_default_str();
  cmd->add_option("--init", a->o.initDir,
                  "Start from this model folder's weights (fine-tuning; SHA-256 and network shape are checked)");
  return [a] {
    auto& o = a->o;
    if (o.inputHeight % 32 != 0 || o.inputWidth % 32 != 0)
      throw CLI::ValidationError("--height/--width", "must be multiples of 32");
    // The manifest records the exact command that reproduces this model.
    std::ostringstream c;
    c << "openrad-cli train " << a->module << " --data " << o.dataDir << " --out " << o.outDir << " --epochs "
      << o.epochs << " --seed " << o.seed << " --batch " << o.batchSize << " --lr " << o.learningRate << " --height "
      << o.inputHeight << " --width " << o.inputWidth << " --base-width " << o.baseWidth;
    if (o.maxStudies > 0) c << " --max-studies " << o.maxStudies;
    if (o.maxMinutes > 0) c << " --minutes " << o.maxMinutes;
    c << " --version " << o.version;
    if (!o.initDir.empty()) c << " --init " << o.initDir;
    o.commandLine = c.str();
    o.log = [](const std::string& line) { std::cout << line << std::endl; };
    const ai::XrayTrainResult r = ai::trainXrayLandmarks(o);
    std::cout << "trained " << r.epochsRun << " epochs in " << r.seconds << " s on " << r.trainStudies
              << " studies; best epoch " << r.bestEpoch << " (val MRE " << r.bestValMreMm << " mm, SMAPE "
              << r.bestValSmape << " %); weights sha256 " << r.sha256 << "\n";
    return 0;
  };
}

}  // namespace openrad::modules::xray_landmarks
