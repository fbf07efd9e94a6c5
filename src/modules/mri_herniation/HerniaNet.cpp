#include "HerniaNet.h"

#include "openrad/ai/InferenceThreads.h"
#include "openrad/modules/mri_lumbar/LumbarLabels.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace openrad::modules::mri_herniation {

namespace nn = torch::nn;

HerniaNetImpl::HerniaNetImpl(const DetConfig& c) {
  const int b = c.baseWidth, f = c.pyramidWidth;
  m_stem = register_module("stem", ai::convBnRelu(1, b));
  m_e1 = register_module("e1", ai::ResBlock(b, 2 * b, 2));      // 1/2
  m_e2 = register_module("e2", ai::ResBlock(2 * b, 3 * b, 2));  // 1/4
  m_e3 = register_module("e3", ai::ResBlock(3 * b, 4 * b, 2));  // 1/8
  m_e4 = register_module("e4", ai::ResBlock(4 * b, 6 * b, 2));  // 1/16
  m_e5 = register_module("e5", ai::ResBlock(6 * b, 8 * b, 2));  // 1/32: several levels in view
  m_l2 = register_module("l2", ai::conv2d(3 * b, f, 1, 1, true));
  m_l3 = register_module("l3", ai::conv2d(4 * b, f, 1, 1, true));
  m_l4 = register_module("l4", ai::conv2d(6 * b, f, 1, 1, true));
  m_l5 = register_module("l5", ai::conv2d(8 * b, f, 1, 1, true));
  if (c.stride != 2 && c.stride != 4) throw std::invalid_argument("mri-herniation: the output stride must be 2 or 4");
  if (c.stride == 2) m_l1 = register_module("l1", ai::conv2d(2 * b, f, 1, 1, true));
  m_smooth = register_module("smooth", nn::Sequential(ai::conv2d(f, f, 3), nn::BatchNorm2d(f), nn::ReLU(nn::ReLUOptions(true)),
                                                      ai::conv2d(f, f, 3), nn::BatchNorm2d(f), nn::ReLU(nn::ReLUOptions(true))));
  m_head = register_module("head", nn::Sequential(ai::conv2d(f, f, 3, 1, true), nn::ReLU(nn::ReLUOptions(true)),
                                                  ai::conv2d(f, 6, 1, 1, true)));
  // The heat-map starts near the prior of a rare positive (CenterNet's -2.19 ≈ logit(0.1)).
  torch::NoGradGuard guard;
  auto& last = *m_head->ptr<nn::Conv2dImpl>(2);
  last.bias.zero_();
  last.bias[0].fill_(-2.19);
}

torch::Tensor HerniaNetImpl::forward(const torch::Tensor& x) {
  const torch::Tensor s0 = m_stem->forward(x);
  const torch::Tensor s1 = m_e1(s0), s2 = m_e2(s1), s3 = m_e3(s2), s4 = m_e4(s3), s5 = m_e5(s4);
  torch::Tensor p = m_l5(s5);
  p = m_l4(s4) + ai::resizeTo(p, s4, true);
  p = m_l3(s3) + ai::resizeTo(p, s3, true);
  p = m_l2(s2) + ai::resizeTo(p, s2, true);
  if (m_l1) p = m_l1(s1) + ai::resizeTo(p, s1, true);  // stride 2: the small boxes' edges at 2-pixel cells
  return m_head->forward(m_smooth->forward(p));
}

Planes makePlanes(const core::Image& image, const measure::SagittalFrame& frame, double spacingMm) {
  Planes p;
  p.grid = mri_lumbar::planeGridFor(image.geometry(), frame, spacingMm, 32, 1024);
  constexpr float kOutside = -1e30f;
  p.values = mri_lumbar::sampleStack(image, p.grid, kOutside, false);
  const auto [lo, hi] = mri_lumbar::robustWindow(p.values, kOutside);
  const float scale = hi > lo ? 1.0f / (hi - lo) : 1.0f;
  for (float& v : p.values) v = v == kOutside ? 0.0f : std::clamp((v - lo) * scale, 0.0f, 1.5f);
  return p;
}

std::vector<std::pair<std::string, Eigen::Vector2d>> planeBodies(const float* labels, int width, int height) {
  using namespace mri_lumbar;
  std::array<Eigen::Vector3d, kClasses> sums;
  for (auto& s : sums) s.setZero();
  for (int y = 0; y < height; ++y)
    for (int x = 0; x < width; ++x) {
      const int v = static_cast<int>(labels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)]);
      if (v >= kL1 && v <= kS1) sums[static_cast<std::size_t>(v)] += Eigen::Vector3d(x, y, 1);
    }
  std::vector<std::pair<std::string, Eigen::Vector2d>> out;
  for (int c = kL1; c <= kS1; ++c) {
    const Eigen::Vector3d& s = sums[static_cast<std::size_t>(c)];
    if (s.z() >= 16) out.emplace_back(className(c), Eigen::Vector2d(s.x() / s.z(), s.y() / s.z()));
  }
  return out;
}

int slabHalf(double sliceSpacingMm) {
  if (sliceSpacingMm >= 2.5 || sliceSpacingMm <= 0) return 0;
  return std::max(0, static_cast<int>(std::lround((4.0 / sliceSpacingMm - 1.0) / 2.0)));
}

void cropInput(const Planes& planes, int slice, int half, const Eigen::Vector2i& origin, int crop, float* out) {
  const int W = planes.grid.width, H = planes.grid.height, last = planes.grid.slices - 1;
  std::vector<const float*> sources;
  for (int s = slice - half; s <= slice + half; ++s) sources.push_back(planes.slice(std::clamp(s, 0, last)));
  const float n = static_cast<float>(sources.size());
  for (int y = 0; y < crop; ++y)
    for (int x = 0; x < crop; ++x) {
      const int sx = origin.x() + x, sy = origin.y() + y;
      float v = -1.0f;
      if (sx >= 0 && sy >= 0 && sx < W && sy < H) {
        const std::size_t at = static_cast<std::size_t>(sy) * static_cast<std::size_t>(W) + static_cast<std::size_t>(sx);
        float sum = 0;
        for (const float* src : sources) sum += src[at];
        v = (sum / n - 0.5f) * 2.0f;
      }
      out[static_cast<std::size_t>(y) * static_cast<std::size_t>(crop) + static_cast<std::size_t>(x)] = v;
    }
}

std::vector<SliceBox> decode(const torch::Tensor& output, int stride, double minScore, int maxBoxes) {
  const torch::Tensor o = output.detach().to(torch::kCPU).contiguous();
  const torch::Tensor heat = torch::sigmoid(o[0]).unsqueeze(0);
  const torch::Tensor peaks = heat.eq(torch::max_pool2d(heat, 3, 1, 1)).logical_and(heat.ge(minScore));
  const torch::Tensor idx = peaks[0].nonzero();  // (n, 2): y, x
  const torch::Tensor heat0 = heat[0].contiguous();
  const auto h = heat0.accessor<float, 2>();
  const auto a = o.accessor<float, 3>();
  std::vector<SliceBox> boxes;
  for (std::int64_t n = 0; n < idx.size(0); ++n) {
    const int y = static_cast<int>(idx[n][0].item<std::int64_t>()), x = static_cast<int>(idx[n][1].item<std::int64_t>());
    SliceBox b;
    b.score = h[y][x];
    const double w = std::exp(std::clamp(static_cast<double>(a[1][y][x]), -3.0, 5.0));
    const double hh = std::exp(std::clamp(static_cast<double>(a[2][y][x]), -3.0, 5.0));
    const Eigen::Vector2d c((x + a[3][y][x]) * stride, (y + a[4][y][x]) * stride);
    b.min = c - Eigen::Vector2d(w, hh) / 2;
    b.max = c + Eigen::Vector2d(w, hh) / 2;
    b.typeScore = 1.0 / (1.0 + std::exp(-static_cast<double>(a[5][y][x])));
    boxes.push_back(b);
  }
  std::sort(boxes.begin(), boxes.end(), [](const SliceBox& l, const SliceBox& r) { return l.score > r.score; });
  std::vector<SliceBox> kept;
  for (const auto& b : boxes) {
    if (static_cast<int>(kept.size()) >= maxBoxes) break;
    if (std::none_of(kept.begin(), kept.end(), [&](const SliceBox& k) { return iou(k, b) > 0.3; })) kept.push_back(b);
  }
  return kept;
}

SeriesDetections detectSeries(HerniaNet& net, const DetConfig& c, const Planes& planes,
                              const std::vector<float>& labelPlanes, int mid, const torch::Device& device,
                              double minScore) {
  SeriesDetections d;
  const int half = slabHalf(planes.grid.sliceSpacing);
  d.step = 2 * half + 1;
  d.mid = std::clamp(mid, 0, planes.grid.slices - 1);
  // The read slices, one slab apart, centred on the midline; a series with too few gives what it has.
  for (int k = -(c.slices / 2); k <= (c.slices - 1) / 2; ++k) {
    const int s = d.mid + k * d.step;
    if (s >= 0 && s < planes.grid.slices) d.slices.push_back(s);
  }
  const int W = planes.grid.width, H = planes.grid.height;
  const auto bodiesOn = [&](int s) { return planeBodies(labelPlanes.data() + planes.plane() * static_cast<std::size_t>(s), W, H); };
  const auto midBodies = bodiesOn(d.mid);
  for (std::size_t i = 0; i + 1 < midBodies.size(); ++i) d.levelOrder.push_back(midBodies[i].first + "-" + midBodies[i + 1].first);
  const std::int64_t n = static_cast<std::int64_t>(d.slices.size()), crop = c.crop;
  if (n == 0) return d;
  torch::Tensor x = torch::empty({n, 1, crop, crop}, torch::kFloat);
  std::vector<Eigen::Vector2i> origins;
  std::vector<std::vector<std::pair<std::string, Eigen::Vector2d>>> bodies;
  for (std::int64_t i = 0; i < n; ++i) {
    const int s = d.slices[static_cast<std::size_t>(i)];
    auto b = bodiesOn(s);
    if (b.size() < 2) b = midBodies;
    Eigen::Vector2d centre(W / 2.0, H / 2.0);
    if (!b.empty()) {
      centre.setZero();
      for (const auto& [name, p] : b) centre += p;
      centre /= static_cast<double>(b.size());
    }
    bodies.push_back(std::move(b));
    origins.emplace_back(static_cast<int>(std::lround(centre.x() - crop / 2.0)), static_cast<int>(std::lround(centre.y() - crop / 2.0)));
    cropInput(planes, s, half, origins.back(), c.crop, x.data_ptr<float>() + static_cast<std::size_t>(i * crop * crop));
  }
  torch::NoGradGuard guard;
  net->eval();
  const torch::Tensor y = net->forward(x.to(device)).to(torch::kCPU);
  for (std::int64_t i = 0; i < n; ++i)
    for (SliceBox b : decode(y[i], c.stride, minScore)) {
      const Eigen::Vector2d o = origins[static_cast<std::size_t>(i)].cast<double>();
      b.min += o, b.max += o;
      b.slice = d.slices[static_cast<std::size_t>(i)];
      b.level = discLevelAt(b.centre(), bodies[static_cast<std::size_t>(i)]);
      d.boxes.push_back(b);
    }
  return d;
}

DetConfig detConfigFrom(const ai::ModelManifest& m) {
  DetConfig c;
  c.baseWidth = static_cast<int>(m.param("baseWidth", c.baseWidth));
  c.pyramidWidth = static_cast<int>(m.param("pyramidWidth", c.pyramidWidth));
  c.spacingMm = m.param("spacingMm", c.spacingMm);
  c.crop = static_cast<int>(m.param("crop", c.crop));
  c.stride = static_cast<int>(m.param("stride", c.stride));
  c.threshold = m.param("threshold", c.threshold);
  c.minSlices = static_cast<int>(m.param("minSlices", c.minSlices));
  c.slices = static_cast<int>(m.param("slices", c.slices));
  return c;
}

ai::ModelManifest detManifestFor(const DetConfig& c, const std::string& version) {
  ai::ModelManifest m;
  m.id = kModuleId;
  m.version = version;
  m.architecture =
      "HerniaNet: one-stage anchor-free detector; ResNet-style backbone (stem + 5 residual stages to stride 32), "
      "top-down feature pyramid to the output stride (param stride: 4, or 2 with a lateral from stage 1), heads per "
      "output cell: centre heat-map (sigmoid), log box width and height, centre offset, extrusion logit";
  m.architectureParams = {{"baseWidth", c.baseWidth}, {"pyramidWidth", c.pyramidWidth}, {"spacingMm", c.spacingMm},
                          {"crop", c.crop},           {"stride", c.stride},             {"threshold", c.threshold},
                          {"minSlices", c.minSlices}, {"slices", c.slices}};
  m.input.width = c.crop;
  m.input.height = c.crop;
  m.input.channels = 1;
  m.input.preprocessing =
      "sagittal planes found from the direction cosines, resampled (bilinear) to spacingMm per pixel, x toward "
      "posterior and y toward caudal; window: the series' 0.5-99.5 % percentiles -> 0..1 (clamped at 1.5); each of the "
      "central slices read alone";
  m.input.normalisation = "(x - 0.5) * 2, -1 outside the image";
  m.input.resize = "crop x crop window centred on the centroid of the L1-S1 bodies of the slice (mri-lumbar labels)";
  m.labels = {"herniation"};
  m.weightsFile = kWeightsFile;
  return m;
}

std::string saveDetModel(HerniaNet& net, ai::ModelManifest manifest, const std::string& dir) {
  return ai::saveModel(net.ptr(), std::move(manifest), dir, kWeightsFile);
}

}  // namespace openrad::modules::mri_herniation
