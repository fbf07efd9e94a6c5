// The ct-hemorrhage report section: the key slice, volumes, lesions and ABC/2 from the rule's measurements (so a label
// map painted by hand reports its own figures).
#include "HemorrhageSection.h"

#include "openrad/core/Format.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"

#include <algorithm>

namespace openrad::modules::ct_hemorrhage {

namespace {

/// A measurement of the module on one series, or nullptr.
const core::Measurement* find(const core::SeriesAnnotations& a, const std::string& id) {
  const auto it = a.measurements.find("hemorrhage." + id);
  return it == a.measurements.end() ? nullptr : &it->second;
}

std::string value(const core::Measurement* m, int digits, const std::string& unit = "") {
  return m ? core::fixed(m->value, digits) + unit : "";
}

/// The slice with the most labelled voxels (the middle one when the map is empty).
int busiestSlice(const core::Image& labels) {
  const auto& g = labels.geometry();
  const std::uint8_t* L = labels.as<std::uint8_t>();
  const std::int64_t plane = g.size[0] * g.size[1];
  std::int64_t best = 0;
  int slice = static_cast<int>(g.size[2] / 2);
  for (std::int64_t k = 0; k < g.size[2]; ++k) {
    const auto n = std::count_if(L + k * plane, L + (k + 1) * plane, [](std::uint8_t v) { return v != 0; });
    if (n > best) best = n, slice = static_cast<int>(k);
  }
  return slice;
}

}  // namespace

report::SectionContent hemorrhageSection(const report::ReportInput& in, const std::string& moduleId) {
  report::SectionContent c;
  c.title = "Head CT \u2014 AI hematoma, edema and extra-axial segmentation";
  for (const report::ReportSeries& s : in.series) {
    const auto lm = s.annotations.labelMaps.find(kLabelMap);
    if (lm == s.annotations.labelMaps.end() || lm->second.provenance.source != moduleId || !lm->second.labels ||
        !s.series->image)
      continue;
    const core::SeriesAnnotations& a = s.annotations;
    const core::Measurement* first = find(a, "lesion.1.abc2_ml");
    report::KeyImage key;
    key.seriesUid = s.series->info.seriesUid;
    key.plane.slice = first ? std::stoi(first->attribute("slice")) - 1 : busiestSlice(*lm->second.labels);
    key.caption = "Axial slice " + std::to_string(key.plane.slice + 1) +
                  (first ? ", where the largest hematoma's A and B were measured" : "") +
                  ": hematoma red, edema yellow, extra-axial collection blue; badges: lesion number and volume.";
    c.keyImages.push_back(key);
    if (const core::Measurement* mls = find(a, "midline_shift_mm")) {
      report::KeyImage shift = key;
      shift.plane.slice = std::stoi(mls->attribute("slice")) - 1;
      shift.caption = "Axial slice " + std::to_string(shift.plane.slice + 1) + ", where the midline shift was measured: " +
                      core::fixed(mls->value, 1) + " mm from the ideal midline (dashed, through the falx attachments) " +
                      "to the septum pellucidum.";
      c.keyImages.push_back(shift);
    }

    report::ReportTable volumes;
    volumes.title = "Volumes";
    volumes.columns = {{"Measurement", 0.6, 0}, {"Value", 0.25, 1}, {"Edited", 0.15, 2}};
    for (const char* id : {"hematoma_ml", "edema_ml", "extra_axial_ml", "relative_edema", "lesion_count"}) {
      const core::Measurement* m = find(a, id);
      if (!m) continue;
      const std::string shown =
          m->unit == "mL" ? value(m, 1, " mL") : value(m, std::string(id) == "lesion_count" ? 0 : 2);
      volumes.rows.push_back({m->name, shown, m->edited ? "yes" : ""});
      volumes.highlight.push_back(m->edited);
    }
    volumes.footnote =
        "From the label map (voxel count x voxel volume); relative edema = edema / hematoma volume; "
        "lesions: 26-connected hematoma components of at least 0.1 mL.";
    c.tables.push_back(volumes);

    report::ReportTable lesions, abc;
    lesions.title = "Hematoma lesions";
    lesions.columns = {{"#", 0.06, 0},           {"Volume", 0.15, 1},   {"Mean HU", 0.13, 1}, {"Side", 0.12, 0},
                       {"Compartment", 0.22, 0}, {"Location", 0.17, 0}, {"Edited", 0.15, 2}};
    abc.title = "ABC/2 estimate";
    abc.columns = {{"#", 0.1, 0},         {"A mm", 0.13, 1},         {"B mm", 0.13, 1},         {"C mm", 0.13, 1},
                   {"ABC/2 mL", 0.17, 1}, {"Segmented mL", 0.19, 1}, {"Difference mL", 0.15, 1}};
    std::vector<std::string> how;
    for (int n = 1;; ++n) {
      const std::string p = "lesion." + std::to_string(n) + ".";
      const core::Measurement* vol = find(a, p + "volume_ml");
      if (!vol) break;
      const core::Measurement* e = find(a, p + "abc2_ml");
      lesions.rows.push_back({std::to_string(n), value(vol, 1, " mL"), value(find(a, p + "mean_hu"), 0),
                              vol->attribute("side"), vol->attribute("compartment"), vol->attribute("location"),
                              vol->edited ? "yes" : ""});
      lesions.highlight.push_back(vol->edited);
      if (e) {
        abc.rows.push_back({std::to_string(n), e->attribute("a_mm"), e->attribute("b_mm"), e->attribute("c_mm"),
                            value(e, 1), core::fixed(std::stod(e->attribute("segmented_ml")), 1),
                            core::fixed(std::stod(e->attribute("difference_ml")), 1)});
        abc.highlight.push_back(e->edited);
      }
      how.push_back("Lesion " + std::to_string(n) + ": " + vol->attribute("how") + ".");
    }
    if (lesions.rows.empty()) {
      lesions.rows.push_back({"none", "", "", "", "", "", ""});
      lesions.highlight.push_back(false);
    } else {
      const core::Measurement* total = find(a, "abc2.estimate_ml");
      abc.rows.push_back({"all", "", "", "", value(total, 1), value(find(a, "abc2.segmented_ml"), 1),
                          value(find(a, "abc2.difference_ml"), 1)});
      abc.highlight.push_back(total && total->edited);
    }
    lesions.footnote =
        "Side from the centroid's offset from the midsagittal plane; deep: centroid within 28 mm of it in "
        "the basal ganglia / thalamic band; infratentorial: below the tentorium's height.";
    c.tables.push_back(lesions);
    if (!abc.rows.empty()) {
      abc.footnote =
          "Kothari's bedside estimate: A = largest diameter on the slice of largest area, B = width across A "
          "on that slice, C = slices with the lesion x slice spacing; ABC/2 approximates the ellipsoid "
          "volume. Difference = ABC/2 - segmented volume.";
      c.tables.push_back(abc);
    }
    if (lm->second.edited)
      c.notes.push_back("The label map was corrected by hand: every figure above is of the corrected map.");
    for (const auto& line : how) c.notes.push_back(line);
    if (const core::Measurement* count = find(a, "lesion_count"); count && !count->attribute("head_frame").empty())
      c.notes.push_back("Lesion side and location: " + count->attribute("head_frame") + ".");
    if (const auto w = a.warnings.find(moduleId); w != a.warnings.end())
      for (const auto& line : w->second) c.notes.push_back("Module: " + line + ".");
    if (const auto note = in.modelNotes.find(moduleId); note != in.modelNotes.end())
      c.notes.push_back("Model: " + note->second);
  }
  return c;
}

}  // namespace openrad::modules::ct_hemorrhage
