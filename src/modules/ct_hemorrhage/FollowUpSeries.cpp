#include "openrad/modules/ct_hemorrhage/FollowUpSeries.h"

#include "openrad/core/Format.h"

#include <cmath>
#include <sstream>
#include <stdexcept>

namespace openrad::modules::ct_hemorrhage {

FollowUpSeries followUpSeries(const std::vector<FollowUpScan>& scans, std::size_t reference, const LesionRules& lesionRules,
                              const FollowUpRules& rules) {
  if (scans.empty()) throw std::invalid_argument("follow-up: no scans");
  if (reference >= scans.size()) throw std::invalid_argument("follow-up: the reference scan is out of range");
  const core::Image& refCt = *scans[reference].ct;
  std::vector<StudyPoint> points;
  std::vector<std::vector<Lesion>> lesionsOf;
  std::vector<RigidMap> maps;
  for (std::size_t n = 0; n < scans.size(); ++n) {
    const FollowUpScan& s = scans[n];
    if (!s.ct || !s.labels) throw std::invalid_argument("follow-up: study '" + s.studyUid + "' has no CT or no label map");
    if (!s.labels->geometry().sameGrid(s.ct->geometry()))
      throw std::invalid_argument("follow-up: study '" + s.studyUid + "': the label map is not on the CT's grid");
    const RigidMap map = n == reference ? RigidMap{} : registerHeads(refCt, *s.ct);
    const Volumes v = volumes(*s.labels);
    StudyPoint p;
    p.studyUid = s.studyUid;
    p.date = s.date;
    p.time = s.time;
    p.hematomaMl = v.hematomaMl;
    p.edemaMl = v.edemaMl;
    std::vector<Lesion> found = lesions(*s.labels, *s.ct, lesionRules);
    for (const Lesion& l : found) p.lesionCentroids.push_back(map.toFixed(l.centroidLps));
    points.push_back(std::move(p));
    lesionsOf.push_back(std::move(found));
    maps.push_back(map);
  }
  FollowUpSeries out;
  out.referenceStudyUid = scans[reference].studyUid;
  out.points = followUp(points, rules);
  // followUp() orders the points; carry each scan's lesions and map along (by study, each scan once).
  std::vector<bool> used(scans.size(), false);
  for (const FollowUpPoint& p : out.points)
    for (std::size_t n = 0; n < scans.size(); ++n)
      if (!used[n] && scans[n].studyUid == p.study.studyUid) {
        used[n] = true;
        out.lesions.push_back(lesionsOf[n]);
        out.toReference.push_back(maps[n]);
        break;
      }
  return out;
}

std::string followUpCsv(const FollowUpSeries& series) {
  std::ostringstream csv;
  csv << "study_uid,date,day,hematoma_ml,edema_ml,total_ml,hematoma_change_ml,hematoma_change_percent,"
         "edema_change_ml,expansion,lesions,matched,new,resolved\n";
  for (std::size_t n = 0; n < series.points.size(); ++n) {
    const FollowUpPoint& p = series.points[n];
    int matched = 0, added = 0, resolved = 0;
    for (const LesionMatch& m : p.matches) {
      matched += m.status == "matched";
      added += m.status == "new";
      resolved += m.status == "resolved";
    }
    csv << p.study.studyUid << ',' << p.study.date << ',' << p.day << ',' << core::fixed(p.study.hematomaMl, 2) << ','
        << core::fixed(p.study.edemaMl, 2) << ',' << core::fixed(p.study.hematomaMl + p.study.edemaMl, 2) << ',';
    if (n == 0) {
      csv << ",,,,";
    } else {
      csv << core::fixed(p.hematomaChangeMl, 2) << ','
          << (std::isnan(p.hematomaChangeRelative) ? std::string() : core::fixed(100 * p.hematomaChangeRelative, 1)) << ','
          << core::fixed(p.edemaChangeMl, 2) << ',' << (p.expansion ? "yes" : "no");
    }
    csv << ',' << p.study.lesionCentroids.size() << ',';
    if (n > 0) csv << matched << ',' << added << ',' << resolved;
    else csv << ",,";
    csv << '\n';
  }
  return csv.str();
}

}  // namespace openrad::modules::ct_hemorrhage
