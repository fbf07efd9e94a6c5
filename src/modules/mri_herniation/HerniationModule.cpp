// The mri-herniation AiModule: the 5 central slices (on the canal midline of the mri-lumbar segmentation), the
// detector on each, disc levels from the segmentation, the consistency rule.
#include "HerniationModule.h"

#include "HerniaNet.h"

#include "openrad/core/Format.h"
#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/ai/TorchSession.h"
#include "openrad/core/Errors.h"
#include "openrad/modules/mri_herniation/HerniationReview.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace openrad::modules::mri_herniation {

namespace {
std::string joinedSlices(const std::vector<int>& slices) {
  std::string s;
  for (int k : slices) s += (s.empty() ? "" : ", ") + std::to_string(k + 1);
  return s;
}

bool sagittalMr(const core::Series& s) {
  if (!s.image || s.image->geometry().is2D()) return false;
  const bool untyped = s.info.sourceFormat == "NIfTI" && (s.info.modality.empty() || s.info.modality == "OT");
  if (!untyped && s.info.modality != "MR") return false;
  return std::holds_alternative<measure::SagittalFrame>(measure::sagittalFrame(s.image->geometry()));
}
}  // namespace

struct HerniationModule::Impl {
  ai::ModelManifest manifest;
  DetConfig config;
  ai::TorchSession session;
  HerniaNet net;
  Impl(ai::ModelManifest m, const ai::RunContext& context)
      : manifest(std::move(m)), config(detConfigFrom(manifest)), session(context.device, context.threads), net(config) {}
};

HerniationModule::HerniationModule(const std::string& modelDir, const ai::RunContext& context) {
  ai::ModelManifest manifest = ai::ModelManifest::read(modelDir);
  const std::string path = modelDir + "/manifest.json";
  if (manifest.id != kModuleId) throw ai::ModelError(path, "model id is '" + manifest.id + "', expected " + kModuleId);
  if (manifest.labels != std::vector<std::string>{"herniation"})
    throw ai::ModelError(path, "labels are not the mri-herniation class 'herniation'");
  const DetConfig c = detConfigFrom(manifest);
  if (c.crop % 32 != 0 || c.crop < 64 || (c.stride != 2 && c.stride != 4) || c.threshold <= 0 || c.threshold >= 1 || c.minSlices < 1 ||
      c.slices < c.minSlices)
    throw ai::ModelError(path, "architectureParams out of range (crop a multiple of 32, stride 2 or 4, threshold in (0, 1), "
                               "1 <= minSlices <= slices)");
  manifest.verifyWeights(modelDir);
  m_impl = std::make_unique<Impl>(std::move(manifest), context);
  m_impl->session.load(*m_impl->net, m_impl->manifest.weightsPath(modelDir));
}

HerniationModule::~HerniationModule() = default;

double HerniationModule::threshold() const { return m_impl->config.threshold; }
int HerniationModule::minSlices() const { return m_impl->config.minSlices; }

ai::ModuleInfo HerniationModule::info() const {
  ai::ModuleInfo i;
  i.id = kModuleId;
  i.name = "Lumbar MRI: disc herniation";
  i.version = m_impl->manifest.version;
  i.inputs = {"sagittal lumbar MR series segmented by mri-lumbar (its label map gives the midline and the disc levels)"};
  i.outputs = {"boxes on the central slices (level, score), one finding per disc level where at least " +
                   std::to_string(m_impl->config.minSlices) + " of " + std::to_string(m_impl->config.slices) +
                   " slices agree: side, type (protrusion / extrusion), slices, score",
               std::string("table ") + kReadTable + ": slices read, threshold and its operating point"};
  return i;
}

bool HerniationModule::accepts(const core::Series& series) const { return sagittalMr(series); }

std::vector<ai::AnalysisInput> HerniationModule::candidates(const core::LoadResult& loaded, const core::Document& document) const {
  std::vector<ai::AnalysisInput> out = AiModule::candidates(loaded, document);
  for (ai::AnalysisInput& in : out) {
    const std::string& uid = in.primary()->info.seriesUid;
    const core::SeriesAnnotations& a = document.annotations(uid);
    if (a.labelMaps.count(mri_lumbar::kLabelMap)) in.annotations[uid] = a;
  }
  return out;
}

ai::Findings HerniationModule::run(const ai::AnalysisInput& input, const ai::RunContext& context) const {
  const auto start = std::chrono::steady_clock::now();
  const core::Series* series = input.primary();
  if (!series) throw std::invalid_argument(std::string(kModuleId) + ": no series given");
  const std::string what = ai::describeSeries(*series);
  const auto refuse = [&](const std::string& why) { return ai::Refused(std::string(kModuleId) + " refuses " + what + ": " + why); };
  if (!sagittalMr(*series)) throw refuse("it analyses sagittal MR stacks (3D, sagittal direction cosines, modality MR)");
  const core::Geometry& g = series->image->geometry();
  const auto frame = std::get<measure::SagittalFrame>(measure::sagittalFrame(g));
  if (frame.sliceAxis != 2)
    throw refuse("its sagittal planes are not the file's slices (third array axis), so boxes could not be reviewed on them");
  const auto a = input.annotations.find(series->info.seriesUid);
  const core::LabelMap* lumbar = nullptr;
  if (a != input.annotations.end())
    if (const auto it = a->second.labelMaps.find(mri_lumbar::kLabelMap); it != a->second.labelMaps.end()) lumbar = &it->second;
  if (!lumbar || !lumbar->labels)
    throw refuse("it needs the mri-lumbar segmentation of this series for the midline and the disc levels: analyse the "
                 "series with mri-lumbar first");
  if (!lumbar->labels->geometry().sameGrid(g)) throw refuse("the mri-lumbar label map is not on the series grid");
  if (context.cancelled()) throw core::Cancelled();
  context.report(0.1, "Reading the central slices");
  const DetConfig& c = m_impl->config;
  Detection det;
  try {
    det = detect(*series, *lumbar->labels, c.threshold);
  } catch (const std::invalid_argument& e) {
    throw refuse(e.what());
  }
  const SeriesDetections& d = det.detections;
  const Planes& planes = det.planes;
  const int mid = det.mid;
  const std::string& how = det.how;
  if (d.levelOrder.empty())
    throw refuse("the mri-lumbar segmentation has fewer than two lumbar bodies on the midline slice: no disc level to judge");
  const std::vector<Finding> findings = consistentFindings(d.boxes, c.threshold, c.minSlices, d.levelOrder);

  ai::Findings f;
  core::SeriesAnnotations& out = f.primary(input);
  const core::Provenance prov{kModuleId, m_impl->manifest.version};
  for (const Finding& finding : findings)
    for (const SliceBox& b : finding.boxes) {
      // Plane pixels -> native (i, j) of the slice; inclusive voxel corners.
      const Eigen::Vector3d p = planes.grid.nativeIndex(b.min.x(), b.min.y(), b.slice);
      const Eigen::Vector3d q = planes.grid.nativeIndex(b.max.x(), b.max.y(), b.slice);
      core::Box box;
      box.label = finding.level;
      box.slice = b.slice;
      box.min = p.head<2>().cwiseMin(q.head<2>()) + Eigen::Vector2d(0.5, 0.5);
      box.max = (p.head<2>().cwiseMax(q.head<2>()) - Eigen::Vector2d(0.5, 0.5)).cwiseMax(box.min);
      box.score = b.score;
      box.provenance = prov;
      box.attributes["finding"] = finding.level;
      box.attributes["extrusion"] = core::fixed(b.typeScore, 2);
      out.boxes.push_back(std::move(box));
    }
  core::ResultTable read;
  read.id = kReadTable;
  read.title = "Disc herniation: what was read";
  read.columns = {"item", "value"};
  read.provenance = prov;
  std::string levels;
  for (const auto& l : d.levelOrder) levels += (levels.empty() ? "" : ", ") + l;
  const std::string op = m_impl->manifest.param("operatingSpecificity", 0) > 0
                             ? "per-level specificity >= " + core::fixed(m_impl->manifest.param("operatingSpecificity", 0), 2) +
                                   " on tuning phantoms"
                             : "as shipped";
  read.rows = {{kRowSlices, joinedSlices(d.slices)},
               {kRowMidline, std::to_string(mid + 1)},
               {kRowThreshold, core::fixed(c.threshold, 2)},
               {kRowOperatingPoint, op},
               {kRowRule, std::to_string(c.minSlices) + " of " + std::to_string(c.slices)},
               {kRowLevels, levels}};
  out.tables[kReadTable] = std::move(read);

  const int sliceCount = static_cast<int>(g.size[2]);
  if (static_cast<int>(d.slices.size()) < c.slices)
    f.warnings.push_back("the series has " + std::to_string(sliceCount) + " sagittal slices: read " +
                         std::to_string(d.slices.size()) + " instead of " + std::to_string(c.slices) +
                         " (the rule still asks " + std::to_string(c.minSlices) + ")");
  if (d.step > 1)
    f.warnings.push_back("thin slices (" + core::fixed(g.spacing[2], 1) + " mm): each slice read is a slab of " +
                         std::to_string(d.step) + " slices");
  f.warnings.push_back("slices read " + joinedSlices(d.slices) + ", centred on the midline slice " + std::to_string(mid + 1) +
                       " (" + how + ")");
  int below = 0;
  for (const auto& b : d.boxes)
    below += std::none_of(findings.begin(), findings.end(), [&](const Finding& x) { return x.level == b.level; }) ? 1 : 0;
  if (below > 0)
    f.warnings.push_back(std::to_string(below) + " box(es) over the threshold on fewer than " + std::to_string(c.minSlices) +
                         " slices (or at no disc level) were left out by the consistency rule");
  f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  context.report(1.0, "Done");
  return f;
}

HerniationModule::Detection HerniationModule::detect(const core::Series& series, const core::Image& lumbarLabels,
                                                    double minScore) const {
  const auto frame = std::get<measure::SagittalFrame>(measure::sagittalFrame(series.image->geometry()));
  Detection out;
  out.mid = mri_lumbar::midSagittalSlice(lumbarLabels, frame, &out.how);
  if (out.mid < 0) throw std::invalid_argument("the mri-lumbar segmentation has neither a canal nor lumbar bodies");
  const DetConfig& c = m_impl->config;
  out.planes = makePlanes(*series.image, frame, c.spacingMm);
  const std::vector<float> labelPlanes = mri_lumbar::sampleStack(lumbarLabels, out.planes.grid, 0.0f, true);
  out.detections = detectSeries(m_impl->net, c, out.planes, labelPlanes, out.mid, m_impl->session.device(), minScore);
  return out;
}

const ai::ModelManifest& HerniationModule::manifest() const { return m_impl->manifest; }

std::string shippedHerniationModel() { return ai::defaultModelsRoot() + "/" + kModuleId; }

std::string writeUntrainedHerniationModel(const std::string& modelDir, std::uint64_t seed, int baseWidth) {
  torch::manual_seed(seed);
  DetConfig cfg;
  cfg.baseWidth = baseWidth;
  HerniaNet net(cfg);
  ai::ModelManifest m = detManifestFor(cfg, "untrained");
  m.training.data = "none (random initialisation)";
  m.training.seed = seed;
  m.metricsNote = "untrained: no metrics";
  return saveDetModel(net, m, modelDir);
}

}  // namespace openrad::modules::mri_herniation
