#include "CtSegNet.h"

#include "openrad/ai/InferenceThreads.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace openrad::modules::ct_hemorrhage {

const std::array<CtWindow, kWindows>& inputWindows() {
  static const std::array<CtWindow, kWindows> w = {{{40, 80}, {80, 200}, {600, 2800}}};
  return w;
}

ai::PlaneGrid axialGrid(const core::Image& ct, const CtSegConfig& cfg) {
  const auto& g = ct.geometry();
  // The head's centre: the mean index of the voxels above -300 HU (strided to at most ~256 samples per side).
  const std::int64_t stride = std::max<std::int64_t>(1, std::max(g.size[0], g.size[1]) / 256);
  double si = 0, sj = 0, n = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; j += stride)
      for (std::int64_t i = 0; i < g.size[0]; i += stride)
        if (ct.value(i, j, k) > -300) si += static_cast<double>(i), sj += static_cast<double>(j), ++n;
  if (n == 0) throw std::invalid_argument("ct-hemorrhage: no voxel above -300 HU to centre the crop on");
  ai::PlaneGrid p;
  p.width = p.height = cfg.crop;
  p.spacing = cfg.spacingMm;
  p.sliceAxis = 2;
  p.slices = static_cast<int>(g.size[2]);
  p.sliceSpacing = g.spacing.z();
  // Display x toward the patient's left (+x in LPS) and y toward posterior (+y), both within the slice plane.
  const Eigen::Vector3d ci = g.direction.col(0).normalized(), cj = g.direction.col(1).normalized();
  const Eigen::Vector3d normal = ci.cross(cj).normalized();
  const Eigen::Vector3d left = (Eigen::Vector3d::UnitX() - normal.x() * normal).normalized();
  Eigen::Vector3d posterior = normal.cross(left);
  if (posterior.y() < 0) posterior = -posterior;
  const auto indexStep = [&](const Eigen::Vector3d& mm) {
    return Eigen::Vector3d(mm.dot(ci) / g.spacing.x(), mm.dot(cj) / g.spacing.y(), 0.0);
  };
  p.indexPerX = indexStep(cfg.spacingMm * left);
  p.indexPerY = indexStep(cfg.spacingMm * posterior);
  const double half = (cfg.crop - 1) / 2.0;
  p.index0 = Eigen::Vector3d(si / n, sj / n, 0.0) - half * p.indexPerX - half * p.indexPerY;
  p.indexPerSlice = Eigen::Vector3d(0, 0, 1);
  return p;
}

SlabPlan slabPlan(double sliceSpacingMm, double slabMm) {
  SlabPlan p;
  p.thick = std::max(1, static_cast<int>(std::lround(slabMm / std::max(1e-6, sliceSpacingMm))));
  p.step = p.thick;
  return p;
}

void inputChannels(const std::vector<float>& hu, const ai::PlaneGrid& grid, int s, const SlabPlan& plan, float* out) {
  const std::size_t n = static_cast<std::size_t>(grid.width) * static_cast<std::size_t>(grid.height);
  const int last = grid.slices - 1;
  std::vector<float> slab(n);
  for (int c = 0; c < 3; ++c) {
    const int centre = std::clamp(s + (c - 1) * plan.step, 0, last);
    std::fill(slab.begin(), slab.end(), 0.0f);
    const int first = centre - (plan.thick - 1) / 2;
    for (int t = 0; t < plan.thick; ++t) {
      const float* src = hu.data() + n * static_cast<std::size_t>(std::clamp(first + t, 0, last));
      for (std::size_t i = 0; i < n; ++i) slab[i] += src[i];
    }
    for (std::size_t i = 0; i < n; ++i) slab[i] /= static_cast<float>(plan.thick);
    for (int w = 0; w < kWindows; ++w) {
      const CtWindow& win = inputWindows()[static_cast<std::size_t>(w)];
      const auto lo = static_cast<float>(win.centre - win.width / 2), scale = static_cast<float>(2.0 / win.width);
      float* dst = out + n * static_cast<std::size_t>(c * kWindows + w);
      for (std::size_t i = 0; i < n; ++i) dst[i] = std::clamp((slab[i] - lo) * scale, 0.0f, 2.0f) - 1.0f;
    }
  }
}

std::shared_ptr<core::Image> labelsFromPlanes(const float* P, const ai::PlaneGrid& grid, const core::Geometry& g) {
  auto labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  std::uint8_t* L = labels->as<std::uint8_t>();
  const int W = grid.width, H = grid.height;
  const std::size_t plane = static_cast<std::size_t>(W) * static_cast<std::size_t>(H);
  const Eigen::Vector2d p0 = grid.planePixel(Eigen::Vector3d::Zero());
  const Eigen::Vector2d pi = grid.planePixel(Eigen::Vector3d::UnitX()) - p0,
                        pj = grid.planePixel(Eigen::Vector3d::UnitY()) - p0;
  std::int64_t v = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k) {
    const float* slice = P + static_cast<std::size_t>(k) * kClasses * plane;
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i, ++v) {
        const Eigen::Vector2d q = p0 + static_cast<double>(i) * pi + static_cast<double>(j) * pj;
        if (q.x() <= -0.5 || q.y() <= -0.5 || q.x() >= W - 0.5 || q.y() >= H - 0.5) continue;  // background
        const double fx = std::clamp(q.x(), 0.0, W - 1.0), fy = std::clamp(q.y(), 0.0, H - 1.0);
        const int x0 = std::min(static_cast<int>(fx), W - 2), y0 = std::min(static_cast<int>(fy), H - 2);
        const double ax = fx - x0, ay = fy - y0;
        const std::size_t t00 = static_cast<std::size_t>(y0 * W + x0), t10 = t00 + static_cast<std::size_t>(W);
        int best = 0;
        double bestP = -1;
        for (int c = 0; c < kClasses; ++c) {
          const float* A = slice + static_cast<std::size_t>(c) * plane;
          const double p =
              (1 - ay) * ((1 - ax) * A[t00] + ax * A[t00 + 1]) + ay * ((1 - ax) * A[t10] + ax * A[t10 + 1]);
          if (p > bestP) best = c, bestP = p;
        }
        L[v] = static_cast<std::uint8_t>(best);
      }
  }
  return labels;
}

SegmentResult segmentStudy(CtSegNet& net, const core::Image& ct, const torch::Device& device) {
  const CtSegConfig& cfg = net->config();
  SegmentResult r;
  r.grid = axialGrid(ct, cfg);
  const auto& g = ct.geometry();
  const std::vector<float> hu = ai::sampleStack(ct, r.grid, kOutsideHu, false);
  const SlabPlan plan = slabPlan(g.spacing.z(), cfg.slabMm);
  const int S = r.grid.slices, W = r.grid.width, H = r.grid.height;
  const std::size_t plane = static_cast<std::size_t>(W) * static_cast<std::size_t>(H);
  torch::Tensor prob = torch::empty({S, kClasses, H, W}, torch::kFloat);
  // Inputs are built part by part: a thin-slice study's nine channels at once would take gigabytes.
  const auto predict = [&](int first, int count, const torch::Device& on) {
    torch::Tensor x = torch::empty({count, kChannels, H, W}, torch::kFloat);
    for (int i = 0; i < count; ++i)
      inputChannels(hu, r.grid, first + i, plan, x.data_ptr<float>() + static_cast<std::size_t>(i) * kChannels * plane);
    prob.narrow(0, first, count).copy_(torch::softmax(net->forward(x.to(on)), 1).to(torch::kCPU));
  };
  if (device.is_cpu()) {
    const int chunk = 2;
    ai::inferenceParallelFor(static_cast<std::size_t>((S + chunk - 1) / chunk), [&](std::size_t part) {
      const int first = static_cast<int>(part) * chunk;
      predict(first, std::min(chunk, S - first), device);
    });
  } else {
    c10::InferenceMode guard;
    for (int first = 0; first < S; first += 8) predict(first, std::min(8, S - first), device);
  }
  r.labels = labelsFromPlanes(prob.contiguous().data_ptr<float>(), r.grid, g);
  // How much of the head the crop left out.
  const Eigen::Vector2d p0 = r.grid.planePixel(Eigen::Vector3d::Zero());
  const Eigen::Vector2d pi = r.grid.planePixel(Eigen::Vector3d::UnitX()) - p0,
                        pj = r.grid.planePixel(Eigen::Vector3d::UnitY()) - p0;
  double head = 0, outside = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i) {
        if (ct.value(i, j, k) <= -300) continue;
        ++head;
        const Eigen::Vector2d q = p0 + static_cast<double>(i) * pi + static_cast<double>(j) * pj;
        if (q.x() <= -0.5 || q.y() <= -0.5 || q.x() >= W - 0.5 || q.y() >= H - 0.5) ++outside;
      }
  r.outsideShare = head > 0 ? outside / head : 0.0;
  return r;
}

CtSegConfig ctSegConfigFrom(const ai::ModelManifest& m) {
  CtSegConfig c;
  c.baseWidth = static_cast<int>(m.param("baseWidth", c.baseWidth));
  c.spacingMm = m.param("spacingMm", c.spacingMm);
  c.crop = static_cast<int>(m.param("crop", c.crop));
  c.slabMm = m.param("slabMm", c.slabMm);
  return c;
}

ai::ModelManifest ctSegManifestFor(const CtSegConfig& c, const std::string& version) {
  ai::ModelManifest m;
  m.id = kModuleId;
  m.version = version;
  m.architecture =
      "2.5D U-Net (ai::UNet: full-resolution stem + 5 residual stages to stride 32, bilinear decoder with skip "
      "connections to full resolution, 1x1 head) on axial slices: 9 input channels, one logit per class (softmax)";
  m.architectureParams = {{"baseWidth", c.baseWidth}, {"spacingMm", c.spacingMm}, {"crop", c.crop},
                          {"slabMm", c.slabMm},       {"classes", kClasses},      {"channels", kChannels}};
  m.input.width = c.crop;
  m.input.height = c.crop;
  m.input.channels = kChannels;
  m.input.preprocessing =
      "axial slices resampled (bilinear) to spacingMm per pixel, x toward the patient's left and y toward posterior; "
      "channels: the slice and its two neighbours (slices thinner than slabMm averaged to slabs of slabMm, the "
      "neighbours one slab away, clamped at the ends), each in the windows brain 40/80, subdural 80/200 and bone "
      "600/2800 HU (in that order; -1024 HU outside the image)";
  m.input.normalisation = "each window: (HU - centre + width/2) / width clamped to 0..1, then * 2 - 1";
  m.input.resize = "crop x crop pixels centred on the centroid of the voxels above -300 HU of the whole stack";
  m.labels = hemorrhageClassNames();
  m.weightsFile = kWeightsFile;
  return m;
}

std::string saveCtSegModel(CtSegNet& net, ai::ModelManifest manifest, const std::string& dir) {
  return ai::saveModel(net.ptr(), std::move(manifest), dir, kWeightsFile);
}

}  // namespace openrad::modules::ct_hemorrhage
