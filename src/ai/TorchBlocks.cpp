#include "openrad/ai/TorchBlocks.h"

#include "openrad/ai/Sha256.h"

#include <filesystem>

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

}  // namespace openrad::ai
