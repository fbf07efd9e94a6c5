// The ct-hemorrhage AiModule: the head CT check, the 2.5D segmentation (CtSegNet), the label map and its measurements.
#include "HemorrhageModule.h"

#include "CtSegNet.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/ai/TorchSession.h"
#include "openrad/core/Errors.h"
#include "openrad/core/Format.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"

#include <chrono>

namespace openrad::modules::ct_hemorrhage {

struct HemorrhageModule::Impl {
  ai::ModelManifest manifest;
  ai::TorchSession session;
  CtSegNet net;
  Impl(ai::ModelManifest m, const ai::RunContext& context)
      : manifest(std::move(m)), session(context.device, context.threads), net(ctSegConfigFrom(manifest)) {}
};

HemorrhageModule::HemorrhageModule(const std::string& modelDir, const ai::RunContext& context) {
  ai::ModelManifest manifest = ai::ModelManifest::read(modelDir);
  const std::string path = modelDir + "/manifest.json";
  if (manifest.id != kModuleId) throw ai::ModelError(path, "model id is '" + manifest.id + "', expected " + kModuleId);
  if (manifest.labels != hemorrhageClassNames())
    throw ai::ModelError(path, "labels are not the ct-hemorrhage classes background, hematoma, edema, extra-axial");
  const CtSegConfig c = ctSegConfigFrom(manifest);
  if (c.crop % 32 != 0 || c.crop < 64 || c.baseWidth < 2 || !(c.spacingMm > 0) || !(c.slabMm > 0) ||
      manifest.param("channels", kChannels) != kChannels)
    throw ai::ModelError(path,
                         "architectureParams out of range (crop a multiple of 32 and at least 64, baseWidth >= 2, "
                         "spacingMm and slabMm > 0, 9 channels)");
  manifest.verifyWeights(modelDir);
  m_impl = std::make_unique<Impl>(std::move(manifest), context);
  m_impl->session.load(*m_impl->net, m_impl->manifest.weightsPath(modelDir));
}

HemorrhageModule::~HemorrhageModule() = default;

const ai::ModelManifest& HemorrhageModule::manifest() const { return m_impl->manifest; }

ai::ModuleInfo HemorrhageModule::info() const {
  ai::ModuleInfo i;
  i.id = kModuleId;
  i.name = "Head CT: hematoma, edema and extra-axial collection";
  i.version = m_impl->manifest.version;
  i.inputs = {"axial non-contrast head CT (HU), at least 3 slices, skull in view"};
  i.outputs = {std::string("label map ") + kLabelMap + ": hematoma, perihematomal edema, extra-axial collection",
               "measurements: volumes (mL), relative edema, lesion count, per lesion volume, mean HU, side, "
               "compartment, location; ABC/2 next to the segmented volume"};
  return i;
}

bool HemorrhageModule::accepts(const core::Series& series) const { return unsuitableHeadCt(series).empty(); }

ai::Findings HemorrhageModule::run(const ai::AnalysisInput& input, const ai::RunContext& context) const {
  const auto start = std::chrono::steady_clock::now();
  const core::Series* series = input.primary();
  if (!series) throw std::invalid_argument(std::string(kModuleId) + ": no series given");
  if (const std::string why = unsuitableHeadCt(*series); !why.empty())
    throw ai::Refused(std::string(kModuleId) + " refuses " + ai::describeSeries(*series) + ": " + why);
  if (context.cancelled()) throw core::Cancelled();
  context.report(0.05, "Segmenting hematoma, edema and extra-axial collections");
  const SegmentResult seg = segmentStudy(m_impl->net, *series->image, m_impl->session.device());
  if (context.cancelled()) throw core::Cancelled();
  context.report(0.85, "Measuring");
  const core::Provenance prov{kModuleId, m_impl->manifest.version};
  ai::Findings f;
  core::SeriesAnnotations& out = f.primary(input);
  for (const auto& m : hemorrhageMeasurements(*seg.labels, *series, prov)) out.measurements[m.id] = m;
  core::LabelMap map;
  map.name = kLabelMap;
  map.labels = seg.labels;
  map.table = hemorrhageLabelTable();
  map.provenance = prov;
  out.labelMaps[kLabelMap] = std::move(map);
  if (seg.outsideShare > 0.005)
    f.warnings.push_back(core::fixed(100 * seg.outsideShare, 1) + " % of the head lies outside the network's " +
                         core::fixed(seg.grid.width * seg.grid.spacing, 0) +
                         " mm field: it is labelled background there");
  const double thick = series->image->geometry().spacing.z();
  const SlabPlan plan = slabPlan(thick, m_impl->net->config().slabMm);
  if (plan.thick > 1)
    f.warnings.push_back("thin slices (" + core::fixed(thick, 2) + " mm): the network reads slabs of " +
                         std::to_string(plan.thick) + " slices (it was trained on " +
                         core::fixed(m_impl->net->config().slabMm, 0) + " mm slices)");
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  context.report(1.0, "Done");
  return f;
}

std::string shippedHemorrhageModel() { return ai::defaultModelsRoot() + "/" + kModuleId; }

std::string writeUntrainedHemorrhageModel(const std::string& modelDir, std::uint64_t seed, int baseWidth) {
  torch::manual_seed(seed);
  CtSegConfig cfg;
  cfg.baseWidth = baseWidth;
  CtSegNet net(cfg);
  return ai::saveUntrainedModel(net.ptr(), ctSegManifestFor(cfg, "untrained"), modelDir, seed, kWeightsFile);
}

}  // namespace openrad::modules::ct_hemorrhage
