#include "Commands.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/core/AtomicWrite.h"
#include "openrad/core/Errors.h"
#include "openrad/io/Loader.h"
#include "openrad/report/Report.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>

namespace openrad::cli {

namespace {

namespace fs = std::filesystem;
using Json = nlohmann::ordered_json;

struct AnalyzeArgs {
  std::string path, out, models;
  std::vector<std::string> modules;
  int threads = 0;
  bool json = false;
};

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}


/// One finished run of a module on an input.
struct Run {
  std::string module, version, label, studyUid;
  std::vector<std::string> series;
  ai::Findings findings;
};

int runAnalyze(const AnalyzeArgs& a, const modules::Registry& registry) {
  const auto t0 = std::chrono::steady_clock::now();
  std::vector<std::string> ids;
  for (const auto& id : a.modules.empty() ? registry.ids() : a.modules) {
    if (!registry.find(id)) {
      std::cerr << "error: unknown AI module '" << id << "'; known modules: " << joined(registry.ids(), ", ") << "\n";
      return 2;
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  const std::string modelsRoot = a.models.empty() ? ai::defaultModelsRoot() : a.models;

  // Models first: a missing or tampered model fails fast, before a long load.
  ai::RunContext context;
  context.threads = a.threads;
  std::vector<std::unique_ptr<ai::AiModule>> modules;
  for (const auto& id : ids) {
    try {
      modules.push_back(registry.create(id, modelsRoot, context));
    } catch (const ai::ModelError& e) {
      std::cerr << "error: model of AI module '" << id << "' is unusable: " << e.file() << ": " << e.reason() << "\n";
      return 2;
    }
  }

  io::LoadOptions loadOptions;
  loadOptions.threads = a.threads;
  const core::LoadResult loaded = io::loadPath(a.path, loadOptions);  // IoError: main() reports it, exit 2
  const std::vector<ai::LoadedSeries> all = ai::loadedSeries(loaded);
  if (all.empty()) {
    std::cerr << "error: nothing to analyse in " << a.path << ": no loadable image found";
    if (!loaded.issues.empty())
      std::cerr << " (" << loaded.issues.size() << " file(s) with problems, first: " << loaded.issues.front().file
                << ": " << loaded.issues.front().message << ")";
    std::cerr << "\n";
    return 1;
  }

  // The same document, rules and apply command as the workstation: a module that reads another's findings sees
  // them, and the exported values are the ones the rules compute.
  core::Document document;
  registry.installRules(document);
  for (const auto& item : all) document.attachSeries(item.series);

  Json summary;
  summary["path"] = a.path;
  summary["out"] = a.out;
  summary["analysed"] = Json::array();
  summary["errors"] = Json::array();
  std::vector<Run> runs;
  std::size_t proposed = 0;
  int failures = 0;
  for (std::size_t k = 0; k < modules.size(); ++k) {
    const ai::ModuleInfo info = modules[k]->info();
    for (const ai::AnalysisInput& input : modules[k]->candidates(loaded, document)) {
      ++proposed;
      try {
        Run run{info.id, info.version, input.label, input.study.studyUid, {}, modules[k]->run(input, context)};
        for (const auto& s : input.series) run.series.push_back(s->info.seriesUid);
        document.execute(ai::findingsCommands(info.id, input, run.findings), "Analyse (" + info.id + ")");
        runs.push_back(std::move(run));
      } catch (const std::exception& e) {
        ++failures;
        std::cerr << "error: " << info.id << " on " << input.label << ": " << e.what() << "\n";
        summary["errors"].push_back({{"input", input.label}, {"module", info.id}, {"message", e.what()}});
      }
    }
  }
  if (proposed == 0) {
    std::vector<std::string> found, needs;
    for (const auto& item : all) found.push_back(ai::describeSeries(*item.series));
    for (const auto& m : modules) {
      const ai::ModuleInfo info = m->info();
      needs.push_back(info.id + " needs a " + (info.inputs.empty() ? std::string("supported series") : info.inputs.front()));
    }
    std::cerr << "error: nothing to analyse in " << a.path << ": " << joined(needs, "; ") << ", none among the "
              << all.size() << " series found (" << joined(found, ", ") << ")\n";
    return 1;
  }

  // One findings folder per analysed study (directly in --out when there is one).
  std::map<std::string, std::pair<const core::Patient*, const core::Study*>> studies;
  for (const auto& item : all)
    for (const Run& run : runs)
      if (std::find(run.series.begin(), run.series.end(), item.series->info.seriesUid) != run.series.end())
        studies[item.study->info.studyUid] = {item.patient, item.study};
  std::map<std::string, std::string> folders;
  std::set<std::string> used;
  for (const auto& [uid, ps] : studies) {
    fs::path dir = a.out;
    if (studies.size() > 1) {
      std::string name = core::safeFileName(ps.first->info.id) + "_" + core::safeFileName(ps.second->info.date.empty() ? uid : ps.second->info.date);
      std::string unique = name;
      for (int n = 2; used.count(unique); ++n) unique = name + "_" + std::to_string(n);
      used.insert(unique);
      dir /= unique;
    }
    folders[uid] = dir.string();
  }
  if (!runs.empty()) {
    // QPdfWriter and fonts need a QGuiApplication; the command line never uses a display.
    report::startOffscreenApplication();
  }
  const report::Presentations presentations = registry.presentations();
  std::map<std::string, std::vector<std::string>> written;
  for (const auto& [uid, ps] : studies) {
    report::ReportInput in;
    in.patient = ps.first->info;
    in.study = ps.second->info;
    for (const auto& s : ps.second->series) {
      const core::SeriesAnnotations& annotations = document.annotations(s->info.seriesUid);
      if (annotations.empty() || !s->image) continue;
      in.series.push_back({s, annotations});
      for (const auto& problem : s->info.problems) in.warnings.push_back("image " + ai::describeSeries(*s) + ": " + problem);
    }
    in.studyResults = document.annotations(core::studyKey(uid));
    for (const auto& id : in.modules()) in.modelNotes[id] = registry.modelNote(id, modelsRoot);
    try {
      written[uid] = report::writeFindingsFolder(in, folders[uid], presentations);
    } catch (const std::exception& e) {
      ++failures;
      std::cerr << "error: writing the findings of study " << uid << ": " << e.what() << "\n";
      summary["errors"].push_back({{"study", uid}, {"message", e.what()}});
    }
  }

  for (const Run& run : runs) {
    const std::string folder = folders[run.studyUid];
    Json measurements = Json::object();
    std::vector<std::string> lines;
    for (const auto& uid : run.series) {
      for (const core::Measurement* m : report::orderedMeasurements(document.annotations(uid))) {
        if (m->provenance.source != run.module) continue;
        Json attributes = Json::object();
        for (const auto& [key, value] : m->attributes) attributes[key] = value;
        measurements[m->id] = {{"name", m->name}, {"value", m->value}, {"unit", m->unit}, {"attributes", attributes}};
        if (lines.size() < 4) lines.push_back(m->name + " " + report::formatValue(*m));
      }
    }
    summary["analysed"].push_back({{"module", run.module},
                                   {"modelVersion", run.version},
                                   {"input", run.label},
                                   {"series", run.series},
                                   {"folder", folder},
                                   {"files", written[run.studyUid]},
                                   {"measurements", measurements},
                                   {"warnings", run.findings.warnings},
                                   {"seconds", run.findings.seconds}});
    if (!a.json) {
      std::cout << run.module << " " << run.version << " on " << run.label << ": " << fixed(run.findings.seconds, 2) << " s\n";
      for (const auto& line : lines) std::cout << "  " << line << "\n";
      for (const auto& w : run.findings.warnings) std::cout << "  warning: " << w << "\n";
    }
  }
  // Series no selected module took (a label map beside its image, a localiser): said, not silently dropped.
  std::set<std::string> analysed;
  for (const Run& run : runs) analysed.insert(run.series.begin(), run.series.end());
  summary["skipped"] = Json::array();
  for (const auto& item : all)
    if (!analysed.count(item.series->info.seriesUid)) {
      summary["skipped"].push_back(ai::describeSeries(*item.series));
      if (!a.json) std::cout << "skipped " << ai::describeSeries(*item.series) << ": no selected module applies to it\n";
    }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  summary["seconds"] = seconds;
  if (a.json) {
    std::cout << summary.dump(2) << "\n";
  } else {
    for (const auto& [uid, files] : written)
      std::cout << "wrote " << folders[uid] << "/: " << files.size() << " files; report: " << files.back() << "\n";
    std::cout << runs.size() << " of " << proposed << " analyses done in " << fixed(seconds, 1) << " s\n";
  }
  if (runs.empty()) return 1;  // every input refused or failed: nothing was written
  return failures > 0 ? 2 : 0;
}

}  // namespace

void addAnalyzeCommand(CLI::App& app, const modules::Registry& registry) {
  auto* cmd = app.add_subcommand(
      "analyze", "Run AI modules on studies and export the findings: CSV, JSON, key images (PNG), label maps (NIfTI), PDF");
  auto a = std::make_shared<AnalyzeArgs>();
  cmd->add_option("PATH", a->path, "DICOM file/folder/DICOMDIR, NIfTI, or PNG/JPEG/TIFF radiograph")->required();
  cmd->add_option("--modules", a->modules, "AI module ids, comma-separated (default: every registered module)")
      ->delimiter(',');
  cmd->add_option("--out", a->out, "Output folder (one sub-folder per study when several are analysed)")->required();
  cmd->add_option("--models", a->models, "Models root holding <module>/manifest.json (default: the shipped models)");
  cmd->add_option("--threads", a->threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_flag("--json", a->json, "Print the summary as JSON");
  cmd->callback([a, &registry] { exitCode() = runAnalyze(*a, registry); });
}

}  // namespace openrad::cli
