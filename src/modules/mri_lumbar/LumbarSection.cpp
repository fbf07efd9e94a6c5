// The lumbar report section: the mid-sagittal key image and the tables of the module's measurements.
#include "LumbarSection.h"

#include "LumbarOverlay.h"

#include "openrad/measure/SagittalFrame.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"

#include <cmath>

namespace openrad::modules::mri_lumbar {

namespace {

report::ReportTable groupTable(const report::ReportSeries& s, const std::string& moduleId, const std::string& title,
                               const std::string& group) {
  report::ReportTable t;
  t.title = title;
  t.columns = {{"Measurement", 0.55, 0}, {"Value", 0.25, 1}, {"Edited", 0.2, 2}};
  for (const core::Measurement* m : report::orderedMeasurements(s.annotations)) {
    if (m->provenance.source != moduleId || m->attribute("group") != group) continue;
    std::string value = report::formatValue(*m);
    if (group == "Listhesis") {
      const std::string dir = m->attribute("direction");
      value += dir == "anterolisthesis" ? " antero, Meyerding " + m->attribute("meyerding") : dir == "retrolisthesis" ? " retro" : "";
    }
    if (!m->attribute("level").empty()) value += " at " + m->attribute("level");
    t.rows.push_back({m->name, value, m->edited ? "yes" : ""});
    t.highlight.push_back(m->edited);
  }
  return t;
}

}  // namespace

report::SectionContent lumbarSection(const report::ReportInput& in, const std::string& moduleId) {
  report::SectionContent c;
  c.title = "Lumbar sagittal MRI \u2014 AI vertebra segmentation and lumbar measurements";
  for (const report::ReportSeries& s : in.series) {
    const auto it = s.annotations.landmarkSets.find(kCornerSet);
    if (it == s.annotations.landmarkSets.end() || it->second.provenance.source != moduleId || !s.series->image) continue;
    const core::LandmarkSet& set = it->second;
    const auto frame = measure::sagittalFrame(s.series->image->geometry());
    if (std::holds_alternative<std::string>(frame) || set.points.empty()) continue;
    const int slice = static_cast<int>(std::lround(set.points.front().position[std::get<measure::SagittalFrame>(frame).sliceAxis]));
    report::KeyImage key;
    key.seriesUid = s.series->info.seriesUid;
    key.plane = sagittalDisplayPlane(s.series->image->geometry(), slice);
    key.caption = "Mid-sagittal slice " + std::to_string(slice + 1) +
                  ": bodies coloured by level (T9 blue \u2192 S1 red), discs yellow, canal cyan; circles: AI corners, "
                  "squares: corrected by hand; dashed: L1 and S1 superior endplates (lordosis).";
    c.keyImages.push_back(key);
    c.tables.push_back(groupTable(s, moduleId, "Lordosis", "Lordosis"));
    c.tables.back().footnote = "Angles between endplate lines; positive = lordosis.";
    c.tables.push_back(groupTable(s, moduleId, "Vertebral body heights", "Vertebral body heights"));
    c.tables.push_back(groupTable(s, moduleId, "Disc heights", "Disc heights"));
    c.tables.back().footnote = "Mean = (anterior + posterior) / 2 (Dabbs); index = mean disc height / mean mid-height of "
                               "the adjacent bodies.";
    c.tables.push_back(groupTable(s, moduleId, "Listhesis", "Listhesis"));
    c.tables.back().footnote = "Slip of the upper body's posterior-inferior corner along the lower superior endplate, "
                               "% of its length; Meyerding grade 1 \u2264 25 %, 2 \u2264 50 %, 3 \u2264 75 %, 4 \u2264 100 %.";
    c.tables.push_back(groupTable(s, moduleId, "Lumbar shape (project-defined)", "Lumbar shape"));
    c.tables.back().footnote = "Project-defined measures without a published definition (docs/ai.md): distance = L1 "
                               "centroid to S1 endplate midpoint; curve area = between the centroid line and that chord; "
                               "alignment = largest posterior-wall step between adjacent levels.";
    std::vector<std::string> edited;
    for (const auto& p : set.points)
      if (p.edited) edited.push_back(p.name);
    std::string list;
    for (const auto& e : edited) list += (list.empty() ? "" : ", ") + e;
    c.notes.push_back(edited.empty() ? "Corrected by hand: nothing; all " + std::to_string(set.points.size()) +
                                           " corners are as placed by " + set.provenance.source + " " +
                                           set.provenance.modelVersion + "."
                                     : "Corrected by hand: " + std::to_string(edited.size()) + " corners moved: " + list + ".");
    const auto lm = s.annotations.labelMaps.find(kLabelMap);
    if (lm != s.annotations.labelMaps.end() && lm->second.edited) c.notes.push_back("The label map was corrected by hand.");
    if (const auto w = s.annotations.warnings.find(moduleId); w != s.annotations.warnings.end())
      for (const auto& line : w->second) c.notes.push_back("Module: " + line + ".");
  }
  return c;
}

}  // namespace openrad::modules::mri_lumbar
