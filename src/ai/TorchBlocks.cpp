#include "openrad/ai/TorchBlocks.h"

#include "openrad/ai/Sha256.h"

#include <cmath>
#include <filesystem>
#include <iostream>

namespace openrad::ai {

namespace nn = torch::nn;

nn::Conv2d conv2d(int in, int out, int k, int stride, bool bias) {
  return nn::Conv2d(nn::Conv2dOptions(in, out, k).stride(stride).padding(k / 2).bias(bias));
}

nn::Sequential convBnRelu(int in, int out) {
  return nn::Sequential(conv2d(in, out, 3), nn::BatchNorm2d(out), nn::ReLU(nn::ReLUOptions(true)));
}

torch::Tensor resizeTo(const torch::Tensor& x, const torch::Tensor& like, bool bilinear) {
  auto o = nn::functional::InterpolateFuncOptions().size(std::vector<int64_t>{like.size(2), like.size(3)});
  if (bilinear) o.mode(torch::kBilinear).align_corners(false);
  else o.mode(torch::kNearest);
  return nn::functional::interpolate(x, o);
}

ResBlockImpl::ResBlockImpl(int in, int out, int stride) {
  m_conv1 = register_module("conv1", conv2d(in, out, 3, stride));
  m_bn1 = register_module("bn1", nn::BatchNorm2d(out));
  m_conv2 = register_module("conv2", conv2d(out, out, 3));
  m_bn2 = register_module("bn2", nn::BatchNorm2d(out));
  if (in != out || stride != 1) {
    m_proj = register_module("proj", conv2d(in, out, 1, stride));
    m_projBn = register_module("projBn", nn::BatchNorm2d(out));
  }
}

torch::Tensor ResBlockImpl::forward(const torch::Tensor& x) {
  torch::Tensor y = torch::relu(m_bn1(m_conv1(x)));
  y = m_bn2(m_conv2(y));
  const torch::Tensor shortcut = m_proj ? m_projBn(m_proj(x)) : x;
  return torch::relu(y + shortcut);
}

std::array<torch::Tensor, 6> encodeStages(nn::Sequential& stem, const std::array<ResBlock*, 5>& stages,
                                          const torch::Tensor& x) {
  std::array<torch::Tensor, 6> f;
  f[0] = stem->forward(x);
  for (std::size_t i = 0; i < stages.size(); ++i) f[i + 1] = (*stages[i])(f[i]);
  return f;
}

namespace {
/// Two 3x3 conv + BN + ReLU.
nn::Sequential doubleConv(int in, int out) {
  return nn::Sequential(conv2d(in, out, 3), nn::BatchNorm2d(out), nn::ReLU(nn::ReLUOptions(true)), conv2d(out, out, 3),
                        nn::BatchNorm2d(out), nn::ReLU(nn::ReLUOptions(true)));
}
}  // namespace

UNetImpl::UNetImpl(int inChannels, int classes, int b) {
  m_stem = register_module("stem", doubleConv(inChannels, b));
  m_e1 = register_module("e1", ResBlock(b, b * 3 / 2, 2));      // 1/2
  m_e2 = register_module("e2", ResBlock(b * 3 / 2, b * 3, 2));  // 1/4
  m_e3 = register_module("e3", ResBlock(b * 3, b * 6, 2));      // 1/8
  m_e4 = register_module("e4", ResBlock(b * 6, b * 9, 2));      // 1/16
  m_e5 = register_module("e5", ResBlock(b * 9, b * 12, 2));     // 1/32
  m_d4 = register_module("d4", doubleConv(b * 12 + b * 9, b * 6));
  m_d3 = register_module("d3", doubleConv(b * 6 + b * 6, b * 4));
  m_d2 = register_module("d2", doubleConv(b * 4 + b * 3, b * 3));
  m_d1 = register_module("d1", doubleConv(b * 3 + b * 3 / 2, b * 3 / 2));
  m_d0 = register_module("d0", convBnRelu(b * 3 / 2 + b, b));
  m_head = register_module("head", conv2d(b, classes, 1, 1, true));
}

torch::Tensor UNetImpl::forward(const torch::Tensor& x) {
  const auto [s0, s1, s2, s3, s4, s5] = encodeStages(m_stem, {&m_e1, &m_e2, &m_e3, &m_e4, &m_e5}, x);
  torch::Tensor d = m_d4->forward(torch::cat({resizeTo(s5, s4, true), s4}, 1));
  d = m_d3->forward(torch::cat({resizeTo(d, s3, true), s3}, 1));
  d = m_d2->forward(torch::cat({resizeTo(d, s2, true), s2}, 1));
  d = m_d1->forward(torch::cat({resizeTo(d, s1, true), s1}, 1));
  d = m_d0->forward(torch::cat({resizeTo(d, s0, true), s0}, 1));
  return m_head(d);
}

void updateAverage(torch::nn::Module& average, const torch::nn::Module& net, double decay) {
  torch::NoGradGuard guard;
  const auto src = net.parameters(), dst = average.parameters();
  for (std::size_t i = 0; i < src.size(); ++i) dst[i].mul_(decay).add_(src[i].detach(), 1.0 - decay);
  const auto sb = net.buffers(), db = average.buffers();
  for (std::size_t i = 0; i < sb.size(); ++i) db[i].copy_(sb[i]);
}

double setCosineLearningRate(torch::optim::AdamW& optimizer, double peak, int epoch, int epochs, double floor) {
  constexpr double kPi = 3.14159265358979323846;
  const double lr = peak * (floor + (1 - floor) * 0.5 * (1.0 + std::cos(kPi * (epoch - 1) / std::max(1, epochs))));
  for (auto& group : optimizer.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
  return lr;
}

bool trainingTimeUp(std::chrono::steady_clock::time_point start, double minutes, int epoch) {
  const double spent = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / 60.0;
  if (minutes <= 0 || spent <= minutes) return false;
  std::cout << "time limit of " << minutes << " min reached after epoch " << epoch << std::endl;
  return true;
}

std::string saveModel(const std::shared_ptr<torch::nn::Module>& net, ModelManifest manifest, const std::string& dir,
                      const std::string& file) {
  std::filesystem::create_directories(dir);
  const std::string path = (std::filesystem::path(dir) / file).string();
  const std::string tmp = path + ".tmp";
  torch::save(net, tmp);
  std::filesystem::rename(tmp, path);
  manifest.weightsFile = file;
  manifest.sha256 = Sha256::fileHex(path);
  manifest.write(dir);
  return manifest.sha256;
}

std::string saveUntrainedModel(const std::shared_ptr<torch::nn::Module>& net, ModelManifest manifest, const std::string& dir,
                               std::uint64_t seed, const std::string& file) {
  manifest.training.data = "none (random initialisation)";
  manifest.training.seed = seed;
  manifest.metricsNote = "untrained: no metrics";
  return saveModel(net, std::move(manifest), dir, file);
}

}  // namespace openrad::ai
