#include "openrad/core/Study.h"

#include <algorithm>

namespace openrad::core {

std::vector<std::shared_ptr<const Series>> LoadResult::allSeries() const {
  std::vector<std::shared_ptr<const Series>> out;
  for (const auto& p : patients)
    for (const auto& s : p.studies) out.insert(out.end(), s.series.begin(), s.series.end());
  return out;
}

std::shared_ptr<const Series> LoadResult::findSeries(const std::string& seriesUid) const {
  for (const auto& s : allSeries())
    if (s->info.seriesUid == seriesUid) return s;
  return nullptr;
}

void LoadResult::merge(LoadResult other) {
  for (auto& patient : other.patients) {
    auto p = std::find_if(patients.begin(), patients.end(),
                          [&](const Patient& x) { return x.info.id == patient.info.id && x.info.name == patient.info.name; });
    if (p == patients.end()) {
      patients.push_back(std::move(patient));
      continue;
    }
    for (auto& study : patient.studies) {
      auto s = std::find_if(p->studies.begin(), p->studies.end(),
                            [&](const Study& x) { return x.info.studyUid == study.info.studyUid; });
      if (s == p->studies.end()) {
        p->studies.push_back(std::move(study));
        continue;
      }
      for (auto& series : study.series) {
        const bool known = std::any_of(s->series.begin(), s->series.end(), [&](const auto& x) {
          return x->info.seriesUid == series->info.seriesUid;
        });
        if (!known) s->series.push_back(std::move(series));
      }
    }
  }
  for (auto& issue : other.issues) issues.push_back(std::move(issue));
}

}  // namespace openrad::core
