#pragma once

// Private to the xray-landmarks module (Torch types).
#include "Decode.h"

#include "openrad/ai/TorchBlocks.h"

#include <torch/torch.h>

#include <array>
#include <vector>

namespace openrad::ai::xray {

/// Shape of the network; stored in the manifest's architecture params so the runtime rebuilds it.
struct NetConfig {
  int inputWidth = 128;
  int inputHeight = 256;
  int baseWidth = 16;  ///< channels of the stem; later stages grow from it
  int vertebrae = 17;
  /// Output stride (fixed by the architecture).
  static constexpr int kStride = 4;
  /// Corner offsets are regressed in output pixels divided by this (keeps targets near ±1).
  static constexpr double kOffsetScale = 4.0;
};

using ai::ResBlock;

/// Network outputs at stride 4: per-vertebra centre heatmap logits and regression maps
/// (2 centre sub-pixel offsets + 8 corner offsets, tl, tr, bl, br as (dx, dy)).
struct NetOutput {
  torch::Tensor heatLogits;  ///< (B, 17, H/4, W/4)
  torch::Tensor regression;  ///< (B, 10, H/4, W/4)
};

/// ResNet-style encoder (5 stages down to stride 32) and a U-Net-like decoder back to stride 4 with
/// coordinate channels, then two heads: vertebra centre heatmaps and corner-offset regression.
class LandmarkNetImpl : public torch::nn::Module {
public:
  explicit LandmarkNetImpl(const NetConfig& config);
  NetOutput forward(const torch::Tensor& x);
  const NetConfig& config() const { return m_config; }

private:
  NetConfig m_config;
  torch::nn::Sequential m_stem{nullptr};
  ResBlock m_e1{nullptr}, m_e2{nullptr}, m_e3{nullptr}, m_e4{nullptr}, m_e5{nullptr};
  torch::nn::Sequential m_d4{nullptr}, m_d3{nullptr}, m_d2{nullptr};
  torch::nn::Sequential m_heat{nullptr}, m_reg{nullptr};
};
TORCH_MODULE(LandmarkNet);

/// The output maps of each image of a batch (heat after the sigmoid), copied to the CPU.
std::vector<OutputMaps> toMaps(const NetOutput& out);

}  // namespace openrad::ai::xray
