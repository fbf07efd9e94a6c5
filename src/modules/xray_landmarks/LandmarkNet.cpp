#include "LandmarkNet.h"

#include <algorithm>

namespace openrad::ai::xray {

namespace nn = torch::nn;

namespace {
nn::Conv2d conv(int in, int out, int k, int stride = 1, bool bias = false) { return conv2d(in, out, k, stride, bias); }
torch::Tensor upTo(const torch::Tensor& x, const torch::Tensor& like) { return resizeTo(x, like); }
}  // namespace

LandmarkNetImpl::LandmarkNetImpl(const NetConfig& config) : m_config(config) {
  const int b = config.baseWidth;
  m_stem = register_module("stem", convBnRelu(3, b));
  m_e1 = register_module("e1", ResBlock(b, b * 3 / 2, 2));          // stride 2
  m_e2 = register_module("e2", ResBlock(b * 3 / 2, b * 3, 2));      // stride 4
  m_e3 = register_module("e3", ResBlock(b * 3, b * 6, 2));          // stride 8
  m_e4 = register_module("e4", ResBlock(b * 6, b * 8, 2));          // stride 16
  m_e5 = register_module("e5", ResBlock(b * 8, b * 10, 2));         // stride 32: whole-spine context
  m_d4 = register_module("d4", convBnRelu(b * 10 + b * 8, b * 6));
  m_d3 = register_module("d3", convBnRelu(b * 6 + b * 6, b * 3));
  // +2 coordinate channels: absolute position helps tell T7 from T8. The stride-4 layers are kept narrow:
  // they dominate the cost (CPU inference and training).
  m_d2 = register_module("d2", convBnRelu(b * 3 + b * 3 + 2, b * 3));
  m_heat = register_module("heat", nn::Sequential(conv(b * 3, b * 2, 3, 1, true), nn::ReLU(nn::ReLUOptions(true)),
                                                  conv(b * 2, config.vertebrae, 1, 1, true)));
  m_reg = register_module("reg", nn::Sequential(conv(b * 3, b * 2, 3, 1, true), nn::ReLU(nn::ReLUOptions(true)),
                                                conv(b * 2, 10, 1, 1, true)));
  // Start heatmaps near 0.1 so the focal loss does not explode on the first steps (CenterNet's prior).
  auto last = m_heat->ptr(2)->as<nn::Conv2dImpl>();
  torch::NoGradGuard noGrad;
  last->bias.fill_(-2.19);
}

NetOutput LandmarkNetImpl::forward(const torch::Tensor& x) {
  const auto [s0, s1, s2, s3, s4, s5] = ai::encodeStages(m_stem, {&m_e1, &m_e2, &m_e3, &m_e4, &m_e5}, x);
  torch::Tensor d = m_d4->forward(torch::cat({upTo(s5, s4), s4}, 1));
  d = m_d3->forward(torch::cat({upTo(d, s3), s3}, 1));
  const int64_t h = s2.size(2), w = s2.size(3);
  const auto opts = x.options();
  const torch::Tensor ys = torch::linspace(-1.0, 1.0, h, opts).view({1, 1, h, 1}).expand({x.size(0), 1, h, w});
  const torch::Tensor xs = torch::linspace(-1.0, 1.0, w, opts).view({1, 1, 1, w}).expand({x.size(0), 1, h, w});
  d = m_d2->forward(torch::cat({upTo(d, s2), s2, xs, ys}, 1));
  return {m_heat->forward(d), m_reg->forward(d)};
}

std::vector<OutputMaps> toMaps(const NetOutput& out) {
  const torch::Tensor heat = torch::sigmoid(out.heatLogits).to(torch::kCPU, torch::kFloat).contiguous();
  const torch::Tensor reg = out.regression.to(torch::kCPU, torch::kFloat).contiguous();
  const int64_t batch = heat.size(0), levels = heat.size(1), h = heat.size(2), w = heat.size(3);
  std::vector<OutputMaps> result;
  for (int64_t b = 0; b < batch; ++b) {
    OutputMaps m(static_cast<int>(levels), static_cast<int>(h), static_cast<int>(w));
    std::copy_n(heat[b].data_ptr<float>(), m.heat.size(), m.heat.begin());
    std::copy_n(reg[b].data_ptr<float>(), m.regression.size(), m.regression.begin());
    result.push_back(std::move(m));
  }
  return result;
}

}  // namespace openrad::ai::xray
