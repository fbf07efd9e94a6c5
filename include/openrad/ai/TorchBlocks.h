#pragma once

// Private to the modules' ai parts (Torch types): the building blocks every network of the project shares.
#include "openrad/ai/ModelManifest.h"

#include <torch/torch.h>

#include <array>
#include <memory>
#include <string>

namespace openrad::ai {

/// k×k convolution with "same" padding (no bias unless asked: a BatchNorm follows).
torch::nn::Conv2d conv2d(int in, int out, int k, int stride = 1, bool bias = false);
/// 3×3 convolution, BatchNorm, ReLU.
torch::nn::Sequential convBnRelu(int in, int out);
/// `x` resized to the spatial size of `like` (nearest or bilinear).
torch::Tensor resizeTo(const torch::Tensor& x, const torch::Tensor& like, bool bilinear = false);

/// Residual block: two 3×3 conv + BN, a projection shortcut when shape changes.
class ResBlockImpl : public torch::nn::Module {
public:
  ResBlockImpl(int in, int out, int stride);
  torch::Tensor forward(const torch::Tensor& x);

private:
  torch::nn::Conv2d m_conv1{nullptr}, m_conv2{nullptr}, m_proj{nullptr};
  torch::nn::BatchNorm2d m_bn1{nullptr}, m_bn2{nullptr}, m_projBn{nullptr};
};
TORCH_MODULE(ResBlock);

/// The feature maps of a stem and the residual stages after it, in order (the input of each stage is the previous map).
std::array<torch::Tensor, 6> encodeStages(torch::nn::Sequential& stem, const std::array<ResBlock*, 5>& stages,
                                          const torch::Tensor& x);

/// Saves a network's weights to `dir`/`file` (written aside, then renamed), fills the manifest's weights file and
/// SHA-256 and writes the manifest; returns the SHA-256.
std::string saveModel(const std::shared_ptr<torch::nn::Module>& net, ModelManifest manifest, const std::string& dir,
                      const std::string& file = "weights.pt");

}  // namespace openrad::ai
