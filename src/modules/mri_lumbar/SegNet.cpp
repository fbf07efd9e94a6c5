#include "SegNet.h"

#include "openrad/ai/InferenceThreads.h"

#include <algorithm>
#include <cmath>

namespace openrad::modules::mri_lumbar {

int decideClass(const float* p, int classes) {
  // Is it bone at all? The levels share the body probability (one body is easily "L3 or L4" early in training or at
  // an ambiguous level), so bone against background, disc and canal first, then the most likely level.
  float body = 0;
  int level = kT9;
  for (int c = kT9; c <= kS1 && c < classes; ++c) {
    body += p[c];
    if (p[c] > p[level]) level = c;
  }
  int best = kBackground;
  float bestP = p[kBackground];
  if (body > bestP) best = level, bestP = body;
  for (int c = kS1 + 1; c < classes; ++c)
    if (p[c] > bestP) best = c, bestP = p[c];
  return best;
}

PlaneStack makeStack(const core::Image& image, const measure::SagittalFrame& frame, double spacingMm, int maxPixels) {
  PlaneStack st;
  st.grid = planeGridFor(image.geometry(), frame, spacingMm, 32, maxPixels);
  constexpr float kOutside = -1e30f;
  st.values = sampleStack(image, st.grid, kOutside, false);
  const auto [lo, hi] = robustWindow(st.values, kOutside);
  const float scale = 1.0f / (hi - lo);
  for (float& v : st.values) v = v == kOutside ? 0.0f : std::clamp((v - lo) * scale, 0.0f, 1.5f);
  return st;
}

void inputChannels(const PlaneStack& st, int s, int thick, int step, float* out) {
  const std::size_t n = st.plane();
  const int last = st.grid.slices - 1;
  for (int c = 0; c < 3; ++c) {
    const int centre = std::clamp(s + (c - 1) * step, 0, last);
    float* dst = out + n * static_cast<std::size_t>(c);
    std::fill(dst, dst + n, 0.0f);
    const int first = centre - (thick - 1) / 2;
    for (int t = 0; t < thick; ++t) {
      const float* src = st.slice(std::clamp(first + t, 0, last));
      for (std::size_t i = 0; i < n; ++i) dst[i] += src[i];
    }
    const float w = 2.0f / static_cast<float>(thick);
    for (std::size_t i = 0; i < n; ++i) dst[i] = dst[i] * w - 1.0f;
  }
}

SlabPlan slabPlan(const PlaneGrid& grid, double slabMm) {
  SlabPlan p;
  p.thick = std::max(1, static_cast<int>(std::lround(slabMm / std::max(1e-6, grid.sliceSpacing))));
  p.step = p.thick;
  for (int s = (p.thick - 1) / 2; s < grid.slices; s += p.step) p.centres.push_back(s);
  if (p.centres.empty()) p.centres.push_back(grid.slices / 2);
  return p;
}

SegmentResult segmentSeries(SegNet& net, const core::Image& image, const measure::SagittalFrame& frame,
                            const torch::Device& device) {
  const SegConfig& cfg = net->config();
  SegmentResult r;
  const PlaneStack st = makeStack(image, frame, cfg.spacingMm, cfg.maxPixels);
  r.grid = st.grid;
  r.plan = slabPlan(st.grid, cfg.slabMm);
  const int W = st.grid.width, H = st.grid.height, C = cfg.classes;
  const std::size_t plane = st.plane();
  const std::size_t nCentres = r.plan.centres.size();
  torch::Tensor x = torch::empty({static_cast<int64_t>(nCentres), 3, H, W}, torch::kFloat);
  for (std::size_t i = 0; i < nCentres; ++i)
    inputChannels(st, r.plan.centres[i], r.plan.thick, r.plan.step, x.data_ptr<float>() + i * 3 * plane);
  // Class probabilities per input plane, on the CPU.
  torch::Tensor prob = torch::empty({static_cast<int64_t>(nCentres), C, H, W}, torch::kFloat);
  if (device.is_cpu()) {
    const std::size_t chunk = 2;
    const std::size_t parts = (nCentres + chunk - 1) / chunk;
    ai::inferenceParallelFor(parts, [&](std::size_t p) {
      const int64_t first = static_cast<int64_t>(p * chunk), n = std::min<int64_t>(chunk, static_cast<int64_t>(nCentres) - first);
      prob.narrow(0, first, n).copy_(torch::softmax(net->forward(x.narrow(0, first, n)), 1));
    });
  } else {
    c10::InferenceMode guard;
    prob.copy_(torch::softmax(net->forward(x.to(device)), 1).to(torch::kCPU));
  }
  prob = prob.contiguous();

  const float* P = prob.data_ptr<float>();
  // Argmax per plane, dilated by one pixel: native voxels far from any structure are background without interpolating.
  std::vector<std::uint8_t> near(nCentres * plane, 0);
  for (std::size_t i = 0; i < nCentres; ++i)
    for (int y = 0; y < H; ++y)
      for (int xx = 0; xx < W; ++xx) {
        const std::size_t px = static_cast<std::size_t>(y * W + xx);
        if (P[(i * C + 0) * plane + px] >= 0.5f) continue;
        for (int dy = -1; dy <= 1; ++dy)
          for (int dx = -1; dx <= 1; ++dx) {
            const int yy = std::clamp(y + dy, 0, H - 1), xq = std::clamp(xx + dx, 0, W - 1);
            near[i * plane + static_cast<std::size_t>(yy * W + xq)] = 1;
          }
      }
  const auto& g = image.geometry();
  r.labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  std::uint8_t* L = r.labels->as<std::uint8_t>();
  const int a = (st.grid.sliceAxis + 1) % 3, b = (st.grid.sliceAxis + 2) % 3;
  const std::int64_t na = g.size[static_cast<std::size_t>(a)], nb = g.size[static_cast<std::size_t>(b)];
  const std::int64_t stride[3] = {1, g.size[0], g.size[0] * g.size[1]};
  std::vector<float> acc(static_cast<std::size_t>(C));
  for (int k = 0; k < st.grid.slices; ++k) {
    // The input planes on either side of native slice k and their weights.
    std::size_t i0 = 0, i1 = 0;
    double w1 = 0;
    const auto& cs = r.plan.centres;
    if (k <= cs.front()) i0 = i1 = 0;
    else if (k >= cs.back()) i0 = i1 = nCentres - 1;
    else {
      i1 = static_cast<std::size_t>(std::upper_bound(cs.begin(), cs.end(), k) - cs.begin());
      i0 = i1 - 1;
      w1 = static_cast<double>(k - cs[i0]) / static_cast<double>(cs[i1] - cs[i0]);
    }
    Eigen::Vector3d idx0 = Eigen::Vector3d::Zero();
    idx0[st.grid.sliceAxis] = k;
    Eigen::Vector3d ea = Eigen::Vector3d::Zero(), eb = Eigen::Vector3d::Zero();
    ea[a] = 1, eb[b] = 1;
    const Eigen::Vector2d p0 = st.grid.planePixel(idx0);
    const Eigen::Vector2d pa = st.grid.planePixel(idx0 + ea) - p0, pb = st.grid.planePixel(idx0 + eb) - p0;
    for (std::int64_t v = 0; v < nb; ++v)
      for (std::int64_t u = 0; u < na; ++u) {
        const Eigen::Vector2d q = p0 + static_cast<double>(u) * pa + static_cast<double>(v) * pb;
        const auto qx = static_cast<int>(std::lround(q.x())), qy = static_cast<int>(std::lround(q.y()));
        if (qx < 0 || qy < 0 || qx >= W || qy >= H) continue;
        const std::size_t nearest = static_cast<std::size_t>(qy * W + qx);
        if (!near[i0 * plane + nearest] && !near[i1 * plane + nearest]) continue;
        const double fx = std::clamp(q.x(), 0.0, W - 1.0), fy = std::clamp(q.y(), 0.0, H - 1.0);
        const int x0 = std::min(static_cast<int>(fx), W - 2 < 0 ? 0 : W - 2), y0 = std::min(static_cast<int>(fy), H - 2 < 0 ? 0 : H - 2);
        const double ax = fx - x0, ay = fy - y0;
        const std::size_t t00 = static_cast<std::size_t>(y0 * W + x0), t01 = t00 + 1, t10 = t00 + static_cast<std::size_t>(W),
                          t11 = t10 + 1;
        const double w00 = (1 - ax) * (1 - ay), w01 = ax * (1 - ay), w10 = (1 - ax) * ay, w11 = ax * ay;
        for (int c = 0; c < C; ++c) {
          const float* A0 = P + (i0 * static_cast<std::size_t>(C) + static_cast<std::size_t>(c)) * plane;
          const float* A1 = P + (i1 * static_cast<std::size_t>(C) + static_cast<std::size_t>(c)) * plane;
          const double v0 = w00 * A0[t00] + w01 * A0[t01] + w10 * A0[t10] + w11 * A0[t11];
          const double v1 = w00 * A1[t00] + w01 * A1[t01] + w10 * A1[t10] + w11 * A1[t11];
          acc[static_cast<std::size_t>(c)] = static_cast<float>((1 - w1) * v0 + w1 * v1);
        }
        const int best = decideClass(acc.data(), C);
        L[static_cast<std::size_t>(u * stride[a] + v * stride[b] + k * stride[st.grid.sliceAxis])] = static_cast<std::uint8_t>(best);
      }
  }
  return r;
}

SegConfig segConfigFrom(const ai::ModelManifest& m) {
  SegConfig c;
  c.baseWidth = static_cast<int>(m.param("baseWidth", c.baseWidth));
  c.classes = static_cast<int>(m.param("classes", c.classes));
  c.spacingMm = m.param("spacingMm", c.spacingMm);
  c.slabMm = m.param("slabMm", c.slabMm);
  c.maxPixels = static_cast<int>(m.param("maxPixels", c.maxPixels));
  return c;
}

ai::ModelManifest segManifestFor(const SegConfig& c, const std::string& version) {
  ai::ModelManifest m;
  m.id = kModuleId;
  m.version = version;
  m.architecture =
      "SegNet: U-Net with a ResNet-style encoder (full-resolution stem + 5 residual stages to stride 32), bilinear "
      "decoder with skip connections to full resolution, 1x1 head: one logit per class (softmax)";
  m.architectureParams = {{"baseWidth", c.baseWidth}, {"classes", c.classes}, {"spacingMm", c.spacingMm},
                          {"slabMm", c.slabMm},       {"maxPixels", c.maxPixels}};
  m.input.width = 0;
  m.input.height = 0;
  m.input.channels = 3;
  m.input.preprocessing =
      "sagittal planes found from the direction cosines, resampled (bilinear) to spacingMm per pixel with x toward "
      "posterior and y toward caudal; window: the series' 0.5-99.5 % percentiles -> 0..1 (clamped at 1.5, 0 outside "
      "the image); channels: the slab at the slice and its two neighbours (slices thinner than slabMm averaged to "
      "slabs of slabMm, the neighbours one slab away)";
  m.input.normalisation = "(x - 0.5) * 2";
  m.input.resize = "whole plane, sides rounded up to a multiple of 32 pixels, at most maxPixels (centred crop)";
  for (int k = 0; k < c.classes; ++k) m.labels.push_back(className(k));
  m.weightsFile = kWeightsFile;
  return m;
}

std::string saveSegModel(SegNet& net, ai::ModelManifest manifest, const std::string& dir) {
  return ai::saveModel(net.ptr(), std::move(manifest), dir, kWeightsFile);
}

}  // namespace openrad::modules::mri_lumbar
