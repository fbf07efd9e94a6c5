#include "ThresholdModule.h"

#include "openrad/core/Errors.h"
#include "openrad/core/ImageStatistics.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace openrad::test {

namespace {

const core::Provenance kProvenance{kThresholdId, "1.0"};

/// Physical size of a voxel (mm³, or px when the spacing is unknown).
double voxelVolume(const core::Geometry& g) {
  return g.spacingKnown ? g.spacing[0] * g.spacing[1] * (g.is2D() ? 1.0 : g.spacing[2]) : 1.0;
}

class ThresholdAi : public ai::AiModule {
public:
  ai::ModuleInfo info() const override {
    ai::ModuleInfo i;
    i.id = kThresholdId;
    i.name = "Threshold segmenter (test module)";
    i.version = kProvenance.modelVersion;
    i.inputs = {"any 2D or 3D image"};
    i.outputs = {"label map bright", "box bright region", "landmark set centroid", "measurements threshold.*"};
    return i;
  }
  bool accepts(const core::Series& series) const override { return series.image != nullptr; }
  ai::Findings run(const ai::AnalysisInput& input, const ai::RunContext& context) const override {
    const auto t0 = std::chrono::steady_clock::now();
    const core::Series& s = *input.primary();
    const core::Image& image = *s.image;
    const auto& g = image.geometry();
    if (context.cancelled()) throw core::Cancelled();
    const auto [low, high] = core::quantileRange(image, 0.01, 0.999, 200000);
    const double threshold = 0.5 * (low + high), lowest = low;
    auto labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
    std::vector<double> perSlice(static_cast<std::size_t>(g.size[2]), 0.0);
    for (std::int64_t k = 0; k < g.size[2]; ++k)
      for (std::int64_t j = 0; j < g.size[1]; ++j)
        for (std::int64_t i = 0; i < g.size[0]; ++i)
          // At or above halfway between the 1st and 99.9th percentiles (films saturate: >= keeps the top value).
          if (const double v = image.value(i, j, k); v >= threshold && v > lowest) {
            labels->setValue(i, j, k, 1);
            ++perSlice[static_cast<std::size_t>(k)];
          }
    const int slice = static_cast<int>(std::max_element(perSlice.begin(), perSlice.end()) - perSlice.begin());
    ai::Findings f;
    core::SeriesAnnotations& out = f.primary(input);
    if (perSlice[static_cast<std::size_t>(slice)] == 0) {
      f.warnings.push_back("no voxel above the threshold");
      return f;
    }
    double x0 = 1e9, y0 = 1e9, x1 = -1, y1 = -1, cx = 0, cy = 0, n = 0;
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i)
        if (labels->value(i, j, slice) != 0) {
          x0 = std::min<double>(x0, i), x1 = std::max<double>(x1, i), y0 = std::min<double>(y0, j), y1 = std::max<double>(y1, j);
          cx += i, cy += j, ++n;
        }
    core::LabelMap map;
    map.name = "bright";
    map.labels = labels;
    map.table = {{1, "bright", {255, 60, 60}}};
    map.provenance = kProvenance;
    out.labelMaps[map.name] = map;
    core::Box box;
    box.label = "bright region";
    box.slice = slice;
    box.min = {x0, y0};
    box.max = {x1, y1};
    box.score = n / static_cast<double>(g.size[0] * g.size[1]);
    box.provenance = kProvenance;
    out.boxes.push_back(box);
    core::LandmarkSet set;
    set.name = "centroid";
    set.provenance = kProvenance;
    set.points.push_back({"centre", {cx / n, cy / n, static_cast<double>(slice)}, 0.9, false});
    out.landmarkSets[set.name] = set;
    core::ResultTable table;
    table.id = "threshold.summary";
    table.title = "Threshold summary";
    table.columns = {"threshold", "slice"};
    table.rows = {{std::to_string(threshold), std::to_string(slice + 1)}};
    table.provenance = kProvenance;
    f.study.tables[table.id] = table;
    f.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    return f;
  }
};

core::MeasurementRule volumeRule() {
  core::MeasurementRule r;
  r.id = std::string(kThresholdId) + "/volume";
  r.labelMaps = {"bright"};
  r.outputPrefixes = {"threshold.volume"};
  r.compute = [](const core::Series&, const core::SeriesAnnotations& a) {
    auto it = a.labelMaps.find("bright");
    if (it == a.labelMaps.end() || !it->second.labels) throw std::invalid_argument("no label map");
    const core::Image& l = *it->second.labels;
    double count = 0;
    const auto& g = l.geometry();
    for (std::int64_t k = 0; k < g.size[2]; ++k)
      for (std::int64_t j = 0; j < g.size[1]; ++j)
        for (std::int64_t i = 0; i < g.size[0]; ++i) count += l.value(i, j, k) == 1 ? 1 : 0;
    core::Measurement m;
    m.id = "threshold.volume";
    m.name = "Bright volume";
    m.value = count * voxelVolume(g) / (g.spacingKnown && !g.is2D() ? 1000.0 : 1.0);
    m.unit = g.spacingKnown ? (g.is2D() ? "mm2" : "mL") : "px";
    m.inputs = {"bright"};
    m.provenance = it->second.provenance;
    m.attributes = {{"group", "Threshold"}, {"order", "0"}};
    return std::vector<core::Measurement>{m};
  };
  return r;
}

core::MeasurementRule centreRule() {
  core::MeasurementRule r;
  r.id = std::string(kThresholdId) + "/centre";
  r.landmarkSets = {"centroid"};
  r.outputPrefixes = {"threshold.centre"};
  r.compute = [](const core::Series& s, const core::SeriesAnnotations& a) {
    auto it = a.landmarkSets.find("centroid");
    const core::Landmark* c = it == a.landmarkSets.end() ? nullptr : it->second.find("centre");
    if (!c) throw std::invalid_argument("no centre");
    const auto& g = s.image->geometry();
    const Eigen::Vector3d middle((g.size[0] - 1) / 2.0, (g.size[1] - 1) / 2.0, c->position.z());
    core::Measurement m;
    m.id = "threshold.centre_offset";
    m.name = "Centre offset from the image centre";
    m.value = (g.indexToPhysical(c->position) - g.indexToPhysical(middle)).norm();
    m.unit = g.spacingKnown ? "mm" : "px";
    m.inputs = {"centre"};
    m.provenance = it->second.provenance;
    m.attributes = {{"group", "Threshold"}, {"order", "1"}};
    return std::vector<core::Measurement>{m};
  };
  return r;
}

}  // namespace

modules::Module thresholdModule() {
  modules::Module m;
  m.id = kThresholdId;
  m.name = "Threshold Segmenter (test module)";
  m.description = "Segments what is brighter than halfway between the 1st and 99.9th percentiles (framework test)";
  m.needsModel = false;
  m.create = [](const std::string&, const ai::RunContext&) { return std::make_unique<ThresholdAi>(); };
  m.modelNote = [](const std::string&) {
    return std::string(kThresholdId) + " 1.0: a test module without a model (bright voxels); not for "
                                       "diagnostic use.";
  };
  m.rules = {volumeRule(), centreRule()};
  return m;
}

modules::Registry registryWithThreshold() {
  modules::Registry r = modules::Registry::builtIn();
  r.add(thresholdModule());
  return r;
}

}  // namespace openrad::test
