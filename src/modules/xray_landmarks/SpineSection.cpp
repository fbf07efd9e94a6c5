#include "SpineSection.h"

#include "openrad/measure/PixelScale.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"

#include <cstdio>
#include <map>

namespace openrad::modules::xray_landmarks {

namespace {

std::string listed(const std::vector<std::string>& names, std::size_t max = 12) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > max) out += " and " + std::to_string(names.size() - max) + " more";
  return out;
}

std::string scaleText(const core::Series& s) {
  const auto& g = s.image->geometry();
  const measure::PixelScale scale = measure::pixelScale(g, s.info);
  char buf[256];
  if (!scale.known) return "Pixel spacing unknown: lengths are in pixels (px).";
  if (scale.magnification != 1.0)
    std::snprintf(buf, sizeof buf,
                  "Lengths in mm at the spine: detector spacing %.3f mm (%s) divided by the magnification %.3f "
                  "(SID/SOD) = %.3f mm per pixel.",
                  g.spacing[0], s.info.pixelSpacingSource.c_str(), scale.magnification, scale.mmPerPixelX);
  else
    std::snprintf(buf, sizeof buf, "Lengths in mm: pixel spacing %.3f x %.3f mm (%s).", g.spacing[0], g.spacing[1],
                  s.info.pixelSpacingSource.empty() ? "image" : s.info.pixelSpacingSource.c_str());
  return buf;
}

report::ReportTable valueTable(const std::string& title, const std::string& first, const report::ReportSeries& s,
                               const std::string& group, const std::function<std::string(const core::Measurement&)>& label) {
  report::ReportTable t;
  t.title = title;
  t.columns = {{first, 0.45, 0}, {"Value", 0.3, 1}, {"Corrected by hand", 0.25, 2}};
  for (const core::Measurement* m : report::orderedMeasurements(s.annotations)) {
    if (m->provenance.source != ai::kXrayLandmarksId || m->attribute("group") != group) continue;
    t.rows.push_back({label(*m), report::formatValue(*m), m->edited ? "yes" : ""});
    t.highlight.push_back(m->edited);
  }
  return t;
}

}  // namespace

report::SectionContent spineSection(const report::ReportInput& in, const std::string& moduleId) {
  report::SectionContent c;
  c.title = "AP spine radiograph \u2014 AI landmark analysis";
  for (const report::ReportSeries& s : in.series) {
    const auto it = s.annotations.landmarkSets.find(ai::kApCornerSetName);
    if (it == s.annotations.landmarkSets.end() || it->second.provenance.source != moduleId) continue;
    const core::LandmarkSet& set = it->second;
    report::KeyImage key;
    key.seriesUid = s.series->info.seriesUid;
    key.caption = "Circles: AI corners \u00B7 squares: corrected by hand \u00B7 orange ring: confidence below 0.3 \u00B7 "
                  "coloured lines: endplates (T1 blue \u2192 L5 red) \u00B7 PT/MT/TL: Cobb end-vertebra lines.";
    c.keyImages.push_back(key);

    report::ReportTable cobb;
    cobb.title = "Cobb angles";
    cobb.columns = {{"Curve", 0.2, 0}, {"End vertebrae", 0.22, 0}, {"Convex", 0.15, 0},
                    {"Apex", 0.12, 0}, {"Angle", 0.15, 1},         {"Edited", 0.16, 2}};
    for (const core::Measurement* m : report::orderedMeasurements(s.annotations)) {
      if (m->provenance.source != moduleId || m->attribute("group") != "Cobb angles") continue;
      static const std::map<std::string, std::string> shortNames = {{"cobb.proximal_thoracic", "PT"},
                                                                   {"cobb.main_thoracic", "MT"},
                                                                   {"cobb.thoracolumbar", "TL/L"},
                                                                   {"cobb.max", "Maximal"}};
      const auto sn = shortNames.find(m->id);
      const std::string name = sn != shortNames.end() ? sn->second : m->name.substr(0, m->name.find(" ("));
      cobb.rows.push_back({name, m->attribute("ends"), m->attribute("side"), m->attribute("apex"), report::formatValue(*m),
                           m->edited ? "yes" : ""});
      cobb.highlight.push_back(m->edited);
    }
    cobb.footnote = cobb.rows.empty() ? "No curve: every region's end vertebrae coincide (a straight spine)."
                                      : "AASCE 2019 definition: each vertebra's line joins the midpoints of its left "
                                        "and right edges; end vertebrae are the most tilted pair of each region; convex "
                                        "side in patient terms. PT proximal thoracic, MT main thoracic, TL/L "
                                        "thoracolumbar/lumbar.";
    c.tables.push_back(std::move(cobb));
    const auto byName = [](const core::Measurement& m) { return m.name; };
    report::ReportTable heights = valueTable("Spinal heights", "Measurement", s, "Spine heights", byName);
    heights.footnote = scaleText(*s.series);
    c.tables.push_back(std::move(heights));
    const auto level = [](const core::Measurement& m) { return m.id.substr(m.id.rfind('.') + 1); };
    report::ReportTable bodies = valueTable("Vertebral body heights", "Vertebra", s, "Vertebral body heights", level);
    bodies.footnote = "Body height: mean of the left (tl\u2013bl) and right (tr\u2013br) side lengths.";
    c.tables.push_back(std::move(bodies));
    report::ReportTable discs = valueTable("Disc heights", "Disc", s, "Disc heights", level);
    discs.footnote = "Disc height: mean of the left and right gaps between adjacent endplate corners.";
    c.tables.push_back(std::move(discs));

    std::vector<std::string> edited, low, values;
    for (const auto& p : set.points) {
      if (p.edited) edited.push_back(p.name);
      else if (p.confidence < ai::kLowConfidence) low.push_back(p.name);
    }
    for (const core::Measurement* m : report::orderedMeasurements(s.annotations))
      if (m->provenance.source == moduleId && m->edited) values.push_back(m->name + " " + report::formatValue(*m));
    if (edited.empty())
      c.notes.push_back("Corrected by hand: nothing; all " + std::to_string(set.points.size()) + " corners are as placed by " +
                        set.provenance.source + " " + set.provenance.modelVersion + ".");
    else {
      c.notes.push_back("Corrected by hand: " + std::to_string(edited.size()) + " of " + std::to_string(set.points.size()) +
                        " corners moved: " + listed(edited, 68) + ".");
      c.notes.push_back("Values recomputed from corrected corners (" + std::to_string(values.size()) + "): " +
                        listed(values, 80) + ".");
    }
    c.notes.push_back(low.empty() ? "Review: no corner below confidence 0.3."
                                  : "Review: " + std::to_string(low.size()) + " AI corners below confidence 0.3 (orange "
                                    "rings): " + listed(low) + ".");
  }
  return c;
}

}  // namespace openrad::modules::xray_landmarks
