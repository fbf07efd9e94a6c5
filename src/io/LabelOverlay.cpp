#include "openrad/io/LabelOverlay.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <set>

namespace openrad::io {

namespace {

/// Distinct values when the image looks like a label map, else empty.
std::set<int> labelValues(const core::Image& image) {
  if (image.pixelType() == core::PixelType::Float32) return {};
  std::set<int> values;
  const std::int64_t n = image.geometry().voxelCount();
  const auto& g = image.geometry();
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i) {
        const double v = image.value(i, j, k);
        if (v < 0 || v > 1000) return {};
        values.insert(static_cast<int>(v));
        if (values.size() > 64) return {};
      }
  if (n == 0 || !values.count(0) || values.size() < 2) return {};
  return values;
}

std::string stem(const std::string& file) {
  std::string name = std::filesystem::path(file).filename().string();
  for (const char* ext : {".nii.gz", ".nii"})
    if (name.size() > std::strlen(ext) && name.compare(name.size() - std::strlen(ext), std::string::npos, ext) == 0)
      return name.substr(0, name.size() - std::strlen(ext));
  return name;
}

const core::Series* gridPartner(const core::Series& labels, const core::LoadResult& a, const core::LoadResult& b) {
  for (const core::LoadResult* r : {&a, &b})
    for (const auto& s : r->allSeries())
      if (s.get() != &labels && s->image && s->image->geometry().sameGrid(labels.image->geometry(), 1e-3) &&
          (s->info.sourceFormat != "NIfTI" || labelValues(*s->image).empty()))
        return s.get();
  return nullptr;
}

}  // namespace

std::vector<FoundLabelMap> extractLabelMaps(core::LoadResult& result, const core::LoadResult& loaded) {
  std::vector<FoundLabelMap> found;
  std::set<const core::Series*> taken;
  for (const auto& s : result.allSeries()) {
    if (s->info.sourceFormat != "NIfTI" || !s->image) continue;
    const std::set<int> values = labelValues(*s->image);
    if (values.empty()) continue;
    const core::Series* partner = gridPartner(*s, result, loaded);
    if (!partner || taken.count(partner)) continue;
    FoundLabelMap f;
    f.seriesUid = partner->info.seriesUid;
    f.file = s->info.files.empty() ? std::string("label map") : s->info.files.front();
    f.map.name = stem(f.file);
    f.map.labels = s->image;
    static const std::uint8_t palette[8][3] = {{230, 25, 75}, {60, 180, 75}, {255, 225, 25}, {0, 130, 200},
                                               {245, 130, 48}, {145, 30, 180}, {70, 240, 240}, {240, 50, 230}};
    int k = 0;
    for (int v : values) {
      if (v == 0) continue;
      core::LabelInfo l;
      l.value = v;
      l.name = "label " + std::to_string(v);
      l.color = {palette[k % 8][0], palette[k % 8][1], palette[k % 8][2]};
      f.map.table.push_back(l);
      ++k;
    }
    taken.insert(s.get());
    found.push_back(std::move(f));
  }
  if (taken.empty()) return found;
  for (auto& p : result.patients) {
    for (auto& st : p.studies)
      st.series.erase(std::remove_if(st.series.begin(), st.series.end(),
                                     [&](const std::shared_ptr<const core::Series>& s) { return taken.count(s.get()) > 0; }),
                      st.series.end());
    p.studies.erase(std::remove_if(p.studies.begin(), p.studies.end(), [](const core::Study& st) { return st.series.empty(); }),
                    p.studies.end());
  }
  result.patients.erase(std::remove_if(result.patients.begin(), result.patients.end(),
                                       [](const core::Patient& p) { return p.studies.empty(); }),
                        result.patients.end());
  return found;
}

}  // namespace openrad::io
