// The mri-lumbar AiModule: segmentation (SegNet), level check, mid-sagittal slice, corners, measurements.
#include "LumbarModule.h"

#include "SegNet.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/ai/TorchSession.h"
#include "openrad/core/Errors.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"

#include <chrono>
#include <cmath>
#include <set>
#include <sstream>

namespace openrad::modules::mri_lumbar {

struct LumbarModule::Impl {
  ai::ModelManifest manifest;
  ai::TorchSession session;
  SegNet net;
  Impl(ai::ModelManifest m, const ai::RunContext& context)
      : manifest(std::move(m)), session(context.device, context.threads), net(segConfigFrom(manifest)) {}
};

LumbarModule::LumbarModule(const std::string& modelDir, const ai::RunContext& context) {
  ai::ModelManifest manifest = ai::ModelManifest::read(modelDir);
  const std::string path = modelDir + "/manifest.json";
  if (manifest.id != kModuleId) throw ai::ModelError(path, "model id is '" + manifest.id + "', expected " + kModuleId);
  std::vector<std::string> expected;
  for (int c = 0; c < kClasses; ++c) expected.push_back(className(c));
  if (manifest.labels != expected) throw ai::ModelError(path, "labels are not the mri-lumbar classes background, T9 … S1, disc, canal");
  manifest.verifyWeights(modelDir);
  m_impl = std::make_unique<Impl>(std::move(manifest), context);
  m_impl->session.load(*m_impl->net, m_impl->manifest.weightsPath(modelDir));
}

LumbarModule::~LumbarModule() = default;

ai::ModuleInfo LumbarModule::info() const {
  ai::ModuleInfo i;
  i.id = kModuleId;
  i.name = "Lumbar sagittal MRI: vertebrae, corners, lumbar measurements";
  i.version = m_impl->manifest.version;
  i.inputs = {"sagittal lumbar MR series: 2D multi-slice (3-5 mm) or a 3D volume (about 1 mm), any contrast"};
  i.outputs = {std::string("label map ") + kLabelMap + ": vertebral bodies T9-S1 by level, discs, canal",
               std::string("landmark set ") + kCornerSet + ": corners of L1-S1 on the mid-sagittal slice",
               "measurements: lordosis L1-S1, L1-L5, L4-S1, body and disc heights, disc height index, listhesis "
               "(Meyerding), lumbar distance/curve area/alignment (project-defined)"};
  return i;
}

std::string LumbarModule::unsuitable(const core::Series& series) {
  if (!series.image) return "it has no image";
  const auto& g = series.image->geometry();
  if (!series.info.modality.empty() && series.info.modality != "MR" && !untypedVolume(series))
    return "its modality is " + series.info.modality + ": the module analyses MR series";
  if (g.is2D() || g.size[0] < 3 || g.size[1] < 3 || g.size[2] < 3)
    return "it needs a sagittal stack of at least 3 slices";
  const auto f = measure::sagittalFrame(g);
  if (std::holds_alternative<std::string>(f)) return std::get<std::string>(f);
  const auto& frame = std::get<measure::SagittalFrame>(f);
  const double inPlane = std::min(g.spacing[frame.columnAxis], g.spacing[frame.rowAxis]);
  if (inPlane > 2.5) return "its in-plane pixels are " + std::to_string(inPlane).substr(0, 4) + " mm: too coarse (at most 2.5 mm)";
  const double lateral = g.spacing[frame.sliceAxis] * static_cast<double>(g.size[static_cast<std::size_t>(frame.sliceAxis)]);
  if (lateral < 12.0) return "its sagittal slab is only " + std::to_string(lateral).substr(0, 4) + " mm wide";
  const auto [lo, hi] = series.image->range();
  if (!(hi > lo)) return "the image is blank (every voxel has the same value)";
  if (untypedVolume(series) && lo < -200)
    return "it is a NIfTI volume (no modality recorded) with values down to " + std::to_string(static_cast<int>(lo)) +
           ", like CT: the module analyses MR series";
  // A label map (a segmentation saved beside the image, e.g. labels.nii.gz) holds a few whole numbers; an MR image
  // holds hundreds of grey values. Stops at the 33rd distinct value, so an image costs a few rows.
  std::set<double> values;
  bool whole = true;
  for (std::int64_t k = 0; k < g.size[2] && values.size() <= 32; ++k)
    for (std::int64_t j = 0; j < g.size[1] && values.size() <= 32; ++j)
      for (std::int64_t i = 0; i < g.size[0] && values.size() <= 32; ++i) {
        const double v = series.image->value(i, j, k);
        whole = whole && v == std::floor(v);
        values.insert(v);
      }
  if (values.size() <= 32 && whole)
    return "it holds only " + std::to_string(values.size()) +
           " distinct whole values, like a label map, not an MR image";
  return {};
}

bool LumbarModule::untypedVolume(const core::Series& series) {
  return series.info.sourceFormat == "NIfTI" && (series.info.modality.empty() || series.info.modality == "OT");
}

bool LumbarModule::accepts(const core::Series& series) const { return unsuitable(series).empty(); }

ai::Findings LumbarModule::run(const ai::AnalysisInput& input, const ai::RunContext& context) const {
  const auto start = std::chrono::steady_clock::now();
  const core::Series* series = input.primary();
  if (!series) throw std::invalid_argument(std::string(kModuleId) + ": no series given");
  const std::string what = ai::describeSeries(*series);
  if (const std::string why = unsuitable(*series); !why.empty())
    throw ai::Refused(std::string(kModuleId) + " refuses " + what + ": " + why);
  const auto frame = std::get<measure::SagittalFrame>(measure::sagittalFrame(series->image->geometry()));
  if (context.cancelled()) throw core::Cancelled();
  context.report(0.05, "Segmenting the vertebrae");
  SegmentResult seg = segmentSeries(m_impl->net, *series->image, frame, m_impl->session.device());
  if (context.cancelled()) throw core::Cancelled();
  context.report(0.7, "Checking the levels");
  const LevelCheck levels = checkLevels(*seg.labels);
  int lumbar = 0;
  for (int c : levels.levels) lumbar += (c >= kL1 && c <= kS1) ? 1 : 0;
  if (lumbar < 3)
    throw ai::Refused(std::string(kModuleId) + " refuses " + what + ": only " + std::to_string(lumbar) +
                      " of the bodies L1-S1 were found; it analyses sagittal lumbar spine MRI with the lumbar spine in view");
  std::string how;
  const int mid = midSagittalSlice(*seg.labels, frame, &how);
  const core::Provenance prov{kModuleId, m_impl->manifest.version};
  core::LandmarkSet corners = cornersOnSlice(*seg.labels, frame, mid, prov);
  context.report(0.9, "Measuring");

  ai::Findings f;
  core::SeriesAnnotations& out = f.primary(input);
  core::LabelMap map;
  map.name = kLabelMap;
  map.labels = seg.labels;
  map.table = lumbarLabelTable();
  map.provenance = prov;
  out.labelMaps[kLabelMap] = std::move(map);
  const std::vector<core::Measurement> measurements = lumbarMeasurements(corners, *series);
  f.warnings = levels.warnings;
  for (auto& w : implausibleLumbarValues(measurements)) f.warnings.push_back(std::move(w));
  for (const auto& m : measurements) out.measurements[m.id] = m;
  if (untypedVolume(*series))
    f.warnings.push_back("the NIfTI file records no modality: analysed as MR (its values have no CT-like negatives)");
  std::ostringstream s;
  s << "mid-sagittal slice " << mid + 1 << " of " << series->image->geometry().size[static_cast<std::size_t>(frame.sliceAxis)]
    << " (" << how << ")";
  f.warnings.push_back(s.str());
  int low = 0;
  for (const auto& p : corners.points) low += p.confidence < 0.3 ? 1 : 0;
  if (low > 0) f.warnings.push_back(std::to_string(low) + " corners below confidence 0.3: review them");
  std::vector<std::string> missing;
  for (int c = kL1; c <= kS1; ++c)
    if (!corners.find(className(c) + ".as")) missing.push_back(className(c));
  if (!missing.empty()) {
    std::string list;
    for (const auto& m : missing) list += (list.empty() ? "" : ", ") + m;
    f.warnings.push_back("no corners for " + list + " on the mid-sagittal slice: measurements that need them are left out");
  }
  out.landmarkSets[kCornerSet] = std::move(corners);
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  context.report(1.0, "Done");
  return f;
}

std::string shippedLumbarModel() { return ai::defaultModelsRoot() + "/" + kModuleId; }

std::string writeUntrainedLumbarModel(const std::string& modelDir, std::uint64_t seed, int baseWidth) {
  torch::manual_seed(seed);
  SegConfig cfg;
  cfg.baseWidth = baseWidth;
  SegNet net(cfg);
  return ai::saveUntrainedModel(net.ptr(), segManifestFor(cfg, "untrained"), modelDir, seed, kWeightsFile);
}

}  // namespace openrad::modules::mri_lumbar
