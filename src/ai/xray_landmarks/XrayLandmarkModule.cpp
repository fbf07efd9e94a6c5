#include "XrayLandmarkModule.h"

#include "../TorchSession.h"
#include "LandmarkNet.h"
#include "ModelIo.h"
#include "openrad/ai/ModelError.h"
#include "openrad/ai/SpineFindings.h"
#include "openrad/ai/XrayLandmarks.h"
#include "openrad/io/IoError.h"
#include "openrad/measure/PixelScale.h"

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

Findings XrayLandmarkModule::run(const core::Series& series, const RunContext& context) const {
  const auto start = std::chrono::steady_clock::now();
  if (!series.image || !series.image->geometry().is2D())
    throw std::invalid_argument(std::string(kXrayLandmarksId) + " needs a 2D radiograph");
  if (context.cancelled()) throw io::Cancelled();
  context.report(0.1, "Detecting vertebra corners");
  const Prediction p = predictImage(m_impl->net, *series.image, m_impl->session.device());
  if (context.cancelled()) throw io::Cancelled();
  context.report(0.8, "Measuring");

  Findings f;
  const core::Provenance prov{kXrayLandmarksId, m_impl->manifest.version};
  const std::vector<double> conf(p.confidence.begin(), p.confidence.end());
  core::LandmarkSet set = measure::apLandmarkSet(p.corners, kApCornerSetName, prov, conf);
  const measure::PixelScale scale = measure::pixelScale(series);
  const double rows = static_cast<double>(series.image->geometry().size[1]);
  for (auto& m : spineMeasurements(set, scale, rows)) f.annotations.measurements[m.id] = std::move(m);
  int low = 0;
  for (double c : conf) low += c < kLowConfidence ? 1 : 0;
  if (low > 0)
    f.warnings.push_back(std::to_string(low) + " corners below confidence " + std::to_string(kLowConfidence).substr(0, 3) +
                         ": review them");
  f.annotations.landmarkSets[kApCornerSetName] = std::move(set);
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
