#include "openrad/ai/AiModule.h"

#include "openrad/core/Commands.h"

#include <set>

namespace openrad::ai {

const core::Series* AnalysisInput::withRole(const std::string& role) const {
  for (std::size_t i = 0; i < series.size() && i < roles.size(); ++i)
    if (roles[i] == role) return series[i].get();
  return nullptr;
}

std::vector<LoadedSeries> loadedSeries(const core::LoadResult& loaded) {
  std::vector<LoadedSeries> out;
  for (const auto& p : loaded.patients)
    for (const auto& st : p.studies)
      for (const auto& s : st.series)
        if (s && s->image) out.push_back({&p, &st, s});
  return out;
}

std::string describeSeries(const core::Series& s) {
  std::string out = "series #" + std::to_string(s.info.seriesNumber) + " " + s.info.modality;
  if (!s.info.viewPosition.empty()) out += " " + s.info.viewPosition;
  if (!s.info.description.empty()) out += " '" + s.info.description + "'";
  if (s.image) {
    const auto& g = s.image->geometry();
    out += " " + std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]);
    if (!g.is2D()) out += "x" + std::to_string(g.size[2]);
  }
  return out;
}

bool AiModule::accepts(const core::Series&) const { return false; }

AnalysisInput AiModule::inputFor(std::shared_ptr<const core::Series> series) const {
  AnalysisInput in;
  in.moduleId = info().id;
  in.label = series ? describeSeries(*series) : std::string();
  in.series = {std::move(series)};
  in.roles = {"series"};
  return in;
}

std::vector<AnalysisInput> AiModule::candidates(const core::LoadResult& loaded, const core::Document&) const {
  std::vector<AnalysisInput> out;
  for (const LoadedSeries& item : loadedSeries(loaded)) {
    if (!accepts(*item.series)) continue;
    AnalysisInput in = inputFor(item.series);
    in.patient = item.patient->info;
    in.study = item.study->info;
    out.push_back(std::move(in));
  }
  return out;
}

std::vector<std::unique_ptr<core::Command>> findingsCommands(const std::string& moduleId, const AnalysisInput& input,
                                                             const Findings& findings) {
  const std::string text = "Analyse (" + moduleId + ")";
  std::vector<std::unique_ptr<core::Command>> commands;
  // Every series of the input is re-analysed: even one for which the module found nothing loses the old output.
  std::set<std::string> uids;
  for (const auto& s : input.series) uids.insert(s->info.seriesUid);
  for (const auto& [uid, a] : findings.series) uids.insert(uid);
  const std::string primary = input.primary() ? input.primary()->info.seriesUid : std::string();
  for (const auto& uid : uids) {
    auto it = findings.series.find(uid);
    core::SeriesAnnotations a = it == findings.series.end() ? core::SeriesAnnotations{} : it->second;
    if (uid == primary && !findings.warnings.empty()) a.warnings[moduleId] = findings.warnings;
    commands.push_back(std::make_unique<core::ApplyFindingsCommand>(uid, moduleId, std::move(a), text));
  }
  if (!findings.study.empty() && !input.study.studyUid.empty())
    commands.push_back(
        std::make_unique<core::ApplyFindingsCommand>(core::studyKey(input.study.studyUid), moduleId, findings.study, text));
  return commands;
}

int handCorrectionsReplaced(const std::string& moduleId, const AnalysisInput& input, const core::Document& document) {
  int n = 0;
  for (const auto& s : input.series) n += document.annotations(s->info.seriesUid).editedCount(moduleId);
  return n;
}

}  // namespace openrad::ai
