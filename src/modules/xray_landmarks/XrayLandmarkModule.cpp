#include "XrayLandmarkModule.h"

#include "openrad/ai/TorchSession.h"
#include "LandmarkNet.h"
#include "ModelIo.h"
#include "openrad/ai/ModelError.h"
#include "openrad/modules/xray_landmarks/SpineRules.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
#include "openrad/core/Errors.h"
#include "openrad/measure/PixelScale.h"

#include <algorithm>
#include <chrono>
#include <stdexcept>

namespace openrad::ai {

namespace xray {

struct XrayLandmarkModule::Impl {
  ModelManifest manifest;
  TorchSession session;
  LandmarkNet net;
  Impl(ModelManifest m, const RunContext& context)
      : manifest(std::move(m)), session(context.device, context.threads), net(netConfigFrom(manifest)) {}
};

XrayLandmarkModule::XrayLandmarkModule(const std::string& modelDir, const RunContext& context) {
  ModelManifest manifest = ModelManifest::read(modelDir);
  if (manifest.id != kXrayLandmarksId)
    throw ModelError(modelDir + "/manifest.json", "model id is '" + manifest.id + "', expected " + kXrayLandmarksId);
  if (manifest.labels != measure::apCornerNames())
    throw ModelError(modelDir + "/manifest.json", "labels are not the 68 AP corners T1.tl .. L5.br");
  manifest.verifyWeights(modelDir);  // before anything reads the weights
  m_impl = std::make_unique<Impl>(std::move(manifest), context);
  m_impl->session.load(*m_impl->net, m_impl->manifest.weightsPath(modelDir));
}

XrayLandmarkModule::~XrayLandmarkModule() = default;

ModuleInfo XrayLandmarkModule::info() const {
  ModuleInfo i;
  i.id = kXrayLandmarksId;
  i.name = "Spine X-ray landmarks (AP)";
  i.version = m_impl->manifest.version;
  i.inputs = {"2D AP/PA spine radiograph (DX, CR or a PNG/JPEG/TIFF image)"};
  i.outputs = {std::string("landmark set ") + kApCornerSetName + ": 68 corners T1..L5 with confidence",
               "measurements: 3 AASCE Cobb angles with end vertebrae, maximal Cobb, spinal and thoracic "
               "height, body and disc heights"};
  return i;
}

bool XrayLandmarkModule::accepts(const core::Series& series) const {
  if (!series.image || !series.image->geometry().is2D()) return false;
  const std::string& view = series.info.viewPosition;
  return view.empty() || view == "AP" || view == "PA";
}

std::string XrayLandmarkModule::unsuitableImage(const core::Series& series) {
  if (!series.image || !series.image->geometry().is2D()) return "it needs a 2D radiograph";
  const auto& g = series.image->geometry();
  if (g.size[0] < 64 || g.size[1] < 128)
    return "the image is " + std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]) +
           " pixels: too small to be a spine radiograph (at least 64x128)";
  const auto [lo, hi] = series.image->range();
  if (!(hi > lo)) return "the image is blank (every pixel has the same value)";
  const std::string& view = series.info.viewPosition;
  if (!view.empty() && view != "AP" && view != "PA")
    return "the view is '" + view + "': it analyses AP or PA spine radiographs only";
  return {};
}

std::string XrayLandmarkModule::implausibility(const measure::ApCorners& c,
                                               const std::array<double, measure::kApCorners>& confidence, double cols,
                                               double rows) {
  // Limits chosen on 100 tuning phantoms (seed 555, AP and lateral films; docs/ai.md): generous for real anatomy,
  // tight enough to catch a model that was shown a lateral film, a chest film or no spine at all.
  const double margin = 0.01 * std::max(cols, rows);
  int outside = 0;
  for (const auto& p : c)
    if (p.x() < -margin || p.y() < -margin || p.x() > cols - 1 + margin || p.y() > rows - 1 + margin) ++outside;
  if (outside > 0) return std::to_string(outside) + " of 68 corners fall outside the film";
  std::array<Eigen::Vector2d, measure::kApVertebrae> centre;
  std::array<double, measure::kApVertebrae> width{}, height{};
  for (int v = 0; v < measure::kApVertebrae; ++v) {
    const auto& tl = c[static_cast<std::size_t>(4 * v)];
    const auto& tr = c[static_cast<std::size_t>(4 * v + 1)];
    const auto& bl = c[static_cast<std::size_t>(4 * v + 2)];
    const auto& br = c[static_cast<std::size_t>(4 * v + 3)];
    centre[static_cast<std::size_t>(v)] = (tl + tr + bl + br) / 4.0;
    width[static_cast<std::size_t>(v)] = 0.5 * ((tr - tl).norm() + (br - bl).norm());
    height[static_cast<std::size_t>(v)] = 0.5 * ((bl - tl).norm() + (br - tr).norm());
  }
  std::vector<double> steps;
  for (int v = 1; v < measure::kApVertebrae; ++v) {
    const Eigen::Vector2d d = centre[static_cast<std::size_t>(v)] - centre[static_cast<std::size_t>(v - 1)];
    if (d.y() <= 0) return "vertebra " + measure::apVertebraName(v) + " is not below " + measure::apVertebraName(v - 1);
    steps.push_back(d.norm());
  }
  std::vector<double> sorted = steps;
  std::sort(sorted.begin(), sorted.end());
  const double medianStep = sorted[sorted.size() / 2];
  for (std::size_t k = 0; k < steps.size(); ++k)
    if (steps[k] > 2.5 * medianStep || steps[k] < 0.25 * medianStep)
      return "the spacing between " + measure::apVertebraName(static_cast<int>(k)) + " and " +
             measure::apVertebraName(static_cast<int>(k) + 1) + " is not anatomical";
  for (int v = 0; v < measure::kApVertebrae; ++v) {
    const double ratio = width[static_cast<std::size_t>(v)] / std::max(height[static_cast<std::size_t>(v)], 1e-6);
    if (ratio < 0.6 || ratio > 4.0)
      return "vertebra " + measure::apVertebraName(v) + " is " + std::to_string(ratio).substr(0, 4) +
             " times as wide as high: not an AP view of a vertebral body";
  }
  // The lumbar bodies are wider than the upper thoracic ones on every AP spine.
  if (width[16] < 1.05 * width[0]) return "L5 is not wider than T1: not an AP spine";
  // A film unlike the AP spines the model knows (a lateral view, a chest film) leaves it unsure of most corners.
  int low = 0;
  double mean = 0.0;
  for (double q : confidence) {
    low += q < kLowConfidence ? 1 : 0;
    mean += q / measure::kApCorners;
  }
  if (low > 40 || mean < 0.30)
    return std::to_string(low) + " of 68 corners have low confidence (mean " + std::to_string(mean).substr(0, 4) +
           "): the image does not look like an AP spine radiograph";
  return {};
}

Findings XrayLandmarkModule::run(const AnalysisInput& input, const RunContext& context) const {
  const auto start = std::chrono::steady_clock::now();
  const core::Series* series = input.primary();
  if (!series) throw std::invalid_argument(std::string(kXrayLandmarksId) + ": no series given");
  const std::string what = describeSeries(*series);
  if (const std::string why = unsuitableImage(*series); !why.empty())
    throw Refused(std::string(kXrayLandmarksId) + " refuses " + what + ": " + why);
  if (context.cancelled()) throw core::Cancelled();
  context.report(0.1, "Detecting vertebra corners");
  const Prediction p = predictImage(m_impl->net, *series->image, m_impl->session.device());
  if (context.cancelled()) throw core::Cancelled();
  const auto& g = series->image->geometry();
  if (const std::string why = implausibility(p.corners, p.confidence, static_cast<double>(g.size[0]),
                                             static_cast<double>(g.size[1]));
      !why.empty())
    throw Refused(std::string(kXrayLandmarksId) + " refuses " + what + ": " + why +
                  ". It analyses AP/PA full-spine radiographs (T1 to L5 in view) only.");
  context.report(0.8, "Measuring");

  Findings f;
  core::SeriesAnnotations& out = f.primary(input);
  const core::Provenance prov{kXrayLandmarksId, m_impl->manifest.version};
  const std::vector<double> conf(p.confidence.begin(), p.confidence.end());
  core::LandmarkSet set = measure::apLandmarkSet(p.corners, kApCornerSetName, prov, conf);
  for (auto& m : spineMeasurements(set, *series, nullptr)) out.measurements[m.id] = std::move(m);
  int low = 0;
  for (double c : conf) low += c < kLowConfidence ? 1 : 0;
  if (low > 0)
    f.warnings.push_back(std::to_string(low) + " corners below confidence " + std::to_string(kLowConfidence).substr(0, 3) +
                         ": review them");
  out.landmarkSets[kApCornerSetName] = std::move(set);
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  context.report(1.0, "Done");
  return f;
}

}  // namespace xray

std::unique_ptr<AiModule> loadXrayLandmarkModule(const std::string& modelDir, const RunContext& context) {
  return std::make_unique<xray::XrayLandmarkModule>(modelDir, context);
}

std::string writeUntrainedXrayModel(const std::string& modelDir, const XrayNetShape& shape, std::uint64_t seed) {
  torch::manual_seed(seed);
  xray::NetConfig cfg;
  cfg.inputWidth = shape.inputWidth;
  cfg.inputHeight = shape.inputHeight;
  cfg.baseWidth = shape.baseWidth;
  xray::LandmarkNet net(cfg);
  ModelManifest m = xray::manifestFor(cfg, "untrained");
  m.training.data = "none (random initialisation)";
  m.training.seed = seed;
  m.metricsNote = "untrained: no metrics";
  return xray::saveModel(net, m, modelDir);
}

}  // namespace openrad::ai
