// The herniation report section: a key image per series (the slice read with most boxes), the levels with a
// herniation (side, type, slices, score, edited), the findings a reader rejected (kept out of the findings), and what
// was read (slices, threshold, operating point, rule).
#include "HerniationSection.h"

#include "openrad/modules/mri_herniation/HerniationReview.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"

#include <map>

namespace openrad::modules::mri_herniation {

report::SectionContent herniationSection(const report::ReportInput& in, const std::string& moduleId) {
  report::SectionContent c;
  c.title = "Lumbar MRI \u2014 AI disc herniation detection (5 central sagittal slices)";
  for (const report::ReportSeries& s : in.series) {
    const auto read = s.annotations.tables.find(kReadTable);
    if (read == s.annotations.tables.end() || read->second.provenance.source != moduleId || !s.series->image) continue;
    std::map<int, int> perSlice;
    for (const auto& b : s.annotations.boxes)
      if (isHerniationBox(b) && b.review != "rejected") ++perSlice[b.slice];
    int keySlice = -1, most = 0;
    for (const auto& [slice, n] : perSlice)
      if (n > most) keySlice = slice, most = n;
    if (keySlice < 0) {
      try {
        keySlice = std::stoi(readValue(read->second, kRowMidline)) - 1;
      } catch (const std::exception&) {
        keySlice = 0;
      }
    }
    report::KeyImage key;
    key.seriesUid = s.series->info.seriesUid;
    key.plane = report::sagittalDisplayPlane(s.series->image->geometry(), keySlice);
    key.caption = "Sagittal slice " + std::to_string(keySlice + 1) +
                  ": herniation boxes with disc level and score (green: AI, orange dashed: moved or drawn by hand, "
                  "blue: accepted, grey dotted: rejected).";
    c.keyImages.push_back(key);

    report::ReportTable found, rejected;
    found.title = "Levels with a herniation";
    found.columns = {{"Level", 0.17, 0}, {"Side", 0.14, 0}, {"Type", 0.19, 0}, {"Slices", 0.15, 0},
                     {"Score", 0.11, 1}, {"Review", 0.14, 0}, {"Edited", 0.1, 0}};
    rejected.title = "Rejected by the reader (not findings)";
    rejected.columns = found.columns;
    std::string countLine;
    for (const core::Measurement* m : report::orderedMeasurements(s.annotations)) {
      if (m->provenance.source != moduleId) continue;
      if (m->id == kCountId) {
        countLine = "Threshold " + m->attribute("threshold") + " (" + m->attribute("operatingPoint") + "), a level is a "
                    "finding when " + m->attribute("rule") + " slices agree; slices read: " + m->attribute("slicesRead") + ".";
        continue;
      }
      if (m->id.rfind(kMeasurementPrefix, 0) != 0) continue;
      const std::string review = m->attribute("review");
      std::vector<std::string> row = {m->attribute("level"), m->attribute("side"), m->attribute("type"), m->attribute("slices"),
                                      m->attribute("score"), review == "pending" ? "" : review == "rejected" ? "reject" : "accept",
                                      m->edited || m->attribute("source") != "ai" ? "yes" : ""};
      report::ReportTable& t = review == "rejected" ? rejected : found;
      t.rows.push_back(row);
      t.highlight.push_back(!row[6].empty());
    }
    if (found.rows.empty()) found.rows.push_back({"none", "", "", "", "", "", ""}), found.highlight.push_back(false);
    found.footnote = countLine + " Side from the slices' positions relative to the canal midline (within 3 mm: central). "
                     "Type: protrusion or extrusion as the detector judges it. Score: mean detector score of the agreeing "
                     "slices (\"drawn\" for boxes drawn by hand). Edited: moved, resized or drawn by hand.";
    c.tables.push_back(found);
    if (!rejected.rows.empty()) c.tables.push_back(rejected);
    if (const auto w = s.annotations.warnings.find(moduleId); w != s.annotations.warnings.end())
      for (const auto& line : w->second) c.notes.push_back("Module: " + line + ".");
  }
  return c;
}

}  // namespace openrad::modules::mri_herniation
