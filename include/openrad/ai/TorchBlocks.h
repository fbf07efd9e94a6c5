#pragma once

// Private to the modules' ai parts (Torch types): the building blocks every network of the project shares.
#include "openrad/ai/ModelManifest.h"

#include <torch/torch.h>

#include <array>
#include <chrono>
#include <cstdint>
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

/// Segmentation U-Net with a ResNet-style encoder: a full-resolution stem (two 3×3 conv + BN + ReLU), five residual
/// stages to stride 32 (widths 1.5, 3, 6, 9 and 12 × baseWidth), a bilinear decoder with a skip connection at every
/// stride back to full resolution, a 1×1 head with one logit per class. Input sides must be multiples of 32.
class UNetImpl : public torch::nn::Module {
public:
  UNetImpl(int inChannels, int classes, int baseWidth);
  torch::Tensor forward(const torch::Tensor& x);

private:
  torch::nn::Sequential m_stem{nullptr};
  ResBlock m_e1{nullptr}, m_e2{nullptr}, m_e3{nullptr}, m_e4{nullptr}, m_e5{nullptr};
  torch::nn::Sequential m_d4{nullptr}, m_d3{nullptr}, m_d2{nullptr}, m_d1{nullptr}, m_d0{nullptr};
  torch::nn::Conv2d m_head{nullptr};
};

/// Moves the weights of `average` toward those of `net` (the same architecture): p <- decay * p + (1 - decay) * q, and
/// copies the batch-norm statistics. Decay 0 copies the weights. The exponential moving average of the weights is what
/// trainers tune and save: on a small CPU budget the raw weights' tuning figures jump from epoch to epoch.
void updateAverage(torch::nn::Module& average, const torch::nn::Module& net, double decay);

/// Cosine decay of the learning rate, from `peak` at epoch 1 down to `floor` x peak after the last, set on every
/// parameter group of `optimizer`; returns the rate.
double setCosineLearningRate(torch::optim::AdamW& optimizer, double peak, int epoch, int epochs, double floor = 0.03);

/// True when a trainer's time limit (`minutes`, 0 = none) has passed since `start`; says so on stdout, naming `epoch`.
bool trainingTimeUp(std::chrono::steady_clock::time_point start, double minutes, int epoch);

/// Saves a network's weights to `dir`/`file` (written aside, then renamed), fills the manifest's weights file and
/// SHA-256 and writes the manifest; returns the SHA-256.
std::string saveModel(const std::shared_ptr<torch::nn::Module>& net, ModelManifest manifest, const std::string& dir,
                      const std::string& file = "weights.pt");
/// saveModel for a randomly initialised network (tests of the plumbing; never shipped): the manifest says it was
/// initialised with `seed` and has no metrics.
std::string saveUntrainedModel(const std::shared_ptr<torch::nn::Module>& net, ModelManifest manifest, const std::string& dir,
                               std::uint64_t seed, const std::string& file = "weights.pt");

}  // namespace openrad::ai
