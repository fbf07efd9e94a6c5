#include "Commands.h"

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelManifest.h"
#include "openrad/ai/ModuleRegistry.h"
#include "openrad/ai/XrayLandmarks.h"
#include "openrad/io/Loader.h"
#include "openrad/report/FindingsFolder.h"
#include "openrad/report/SpineReport.h"

#include <QString>
#include <QtGlobal>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <set>

namespace openrad::cli {

namespace {

namespace fs = std::filesystem;

struct AnalyzeArgs {
  std::string path, out, models;
  std::vector<std::string> modules;
  int threads = 0;
  bool json = false;
};

/// One loaded series with the patient and study it belongs to.
struct Item {
  const core::Patient* patient;
  const core::Study* study;
  std::shared_ptr<const core::Series> series;
};

std::string joined(const std::vector<std::string>& v, const std::string& sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

double secondsSince(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

/// "series #2 DX PA 'AP spine' (1.2.3)" for messages.
std::string describe(const core::Series& s) {
  std::string out = "series #" + std::to_string(s.info.seriesNumber) + " " + s.info.modality;
  if (!s.info.viewPosition.empty()) out += " " + s.info.viewPosition;
  if (!s.info.description.empty()) out += " '" + s.info.description + "'";
  const auto& g = s.image->geometry();
  out += " " + std::to_string(g.size[0]) + "x" + std::to_string(g.size[1]);
  if (!g.is2D()) out += "x" + std::to_string(g.size[2]);
  return out;
}

/// A folder-name-safe version of `s` (letters, digits, '-', '_', '.').
std::string safeName(const std::string& s) {
  std::string out;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  return out;
}

/// Qt's messages on stderr, without the debug chatter and the offscreen platform's XDG_RUNTIME_DIR notice.
void qtMessages(QtMsgType type, const QMessageLogContext&, const QString& message) {
  if (type == QtDebugMsg || type == QtInfoMsg || message.startsWith(QLatin1String("QStandardPaths:"))) return;
  std::cerr << "qt: " << message.toStdString() << "\n";
}

/// Landmark set to draw: the AP corner set of the X-ray module, else the first one found.
std::string landmarkSetOf(const ai::Findings& f) {
  if (f.annotations.landmarkSets.count(ai::kApCornerSetName)) return ai::kApCornerSetName;
  return f.annotations.landmarkSets.empty() ? std::string(ai::kApCornerSetName) : f.annotations.landmarkSets.begin()->first;
}

int runAnalyze(const AnalyzeArgs& a) {
  const auto t0 = std::chrono::steady_clock::now();
  const ai::ModuleRegistry registry = ai::ModuleRegistry::builtIn();
  std::vector<std::string> ids;
  for (const auto& id : a.modules.empty() ? registry.ids() : a.modules) {
    if (!registry.contains(id)) {
      std::cerr << "error: unknown AI module '" << id << "'; known modules: " << joined(registry.ids(), ", ") << "\n";
      return 2;
    }
    if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
  }
  const std::string modelsRoot = a.models.empty() ? ai::defaultModelsRoot() : a.models;
  if (modelsRoot.empty()) {
    std::cerr << "error: no models folder found beside openrad-cli or in the source tree; pass --models DIR or set "
                 "OPENRAD_MODELS\n";
    return 2;
  }

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
  std::vector<Item> items;
  for (const auto& p : loaded.patients)
    for (const auto& st : p.studies)
      for (const auto& s : st.series) items.push_back({&p, &st, s});
  if (items.empty()) {
    std::cerr << "error: nothing to analyse in " << a.path << ": no loadable image found";
    if (!loaded.issues.empty())
      std::cerr << " (" << loaded.issues.size() << " file(s) with problems, first: " << loaded.issues.front().file
                << ": " << loaded.issues.front().message << ")";
    std::cerr << "\n";
    return 1;
  }

  struct Job {
    std::size_t module;
    const Item* item;
  };
  std::vector<Job> jobs;
  for (std::size_t m = 0; m < modules.size(); ++m)
    for (const auto& item : items)
      if (modules[m]->accepts(*item.series)) jobs.push_back({m, &item});
  if (jobs.empty()) {
    std::vector<std::string> found;
    for (const auto& item : items) found.push_back(describe(*item.series));
    std::cerr << "error: nothing to analyse in " << a.path << ": ";
    for (std::size_t m = 0; m < modules.size(); ++m) {
      const ai::ModuleInfo info = modules[m]->info();
      std::cerr << (m ? "; " : "") << info.id << " needs a "
                << (info.inputs.empty() ? std::string("supported series") : info.inputs.front());
    }
    std::cerr << ", none among the " << items.size() << " series found (" << joined(found, ", ") << ")\n";
    return 1;
  }

  // QPdfWriter and fonts need a QGuiApplication; the command line never uses a display.
  qputenv("QT_QPA_PLATFORM", "offscreen");
  qInstallMessageHandler(qtMessages);
  report::ensureGuiApplication();

  std::set<std::string> usedFolders;
  nlohmann::ordered_json summary;
  summary["path"] = a.path;
  summary["out"] = a.out;
  summary["analysed"] = nlohmann::ordered_json::array();
  summary["errors"] = nlohmann::ordered_json::array();
  std::string lastPdf;
  int failures = 0;
  for (const Job& job : jobs) {
    const auto& module = *modules[job.module];
    const ai::ModuleInfo info = module.info();
    const core::Series& series = *job.item->series;
    fs::path dir = a.out;
    if (jobs.size() > 1) {
      std::string name = safeName(job.item->patient->info.id) + "_S" + std::to_string(series.info.seriesNumber) + "_" +
                         safeName(series.info.modality + (series.info.viewPosition.empty() ? "" : "_" + series.info.viewPosition));
      if (modules.size() > 1) name += "_" + info.id;
      std::string unique = name;
      for (int k = 2; usedFolders.count(unique); ++k) unique = name + "_" + std::to_string(k);
      usedFolders.insert(unique);
      dir /= unique;
    }
    try {
      const ai::Findings findings = module.run(series, context);
      report::ReportInput in;
      in.patient = job.item->patient->info;
      in.study = job.item->study->info;
      in.series = series.info;
      in.image = series.image;
      in.annotations = findings.annotations;
      in.landmarkSet = landmarkSetOf(findings);
      in.modelNote = ai::ModelManifest::read((fs::path(modelsRoot) / info.id).string()).userNote();
      in.warnings = findings.warnings;
      for (const auto& problem : series.info.problems) in.warnings.push_back("image: " + problem);
      const std::vector<std::string> written = report::writeFindingsFolder(in, dir.string());
      lastPdf = written.back();

      nlohmann::ordered_json cobb = nlohmann::ordered_json::object();
      std::vector<std::string> cobbText;
      for (const core::Measurement* m : report::orderedMeasurements(in.annotations)) {
        if (m->id.rfind("cobb.", 0) != 0) continue;
        cobb[m->id] = {{"value", m->value}, {"unit", m->unit}, {"endVertebrae", report::endVertebrae(*m)}};
        static const std::pair<const char*, const char*> shortNames[] = {
            {"cobb.proximal_thoracic", "PT"}, {"cobb.main_thoracic", "MT"}, {"cobb.thoracolumbar", "TL"}, {"cobb.max", "max"}};
        for (const auto& [id, label] : shortNames)
          if (m->id == id) {
            const std::string ends = report::endVertebrae(*m);
            cobbText.push_back(std::string(label) + " " + report::formatValue(*m) + (ends.empty() ? "" : " (" + ends + ")"));
          }
      }
      summary["analysed"].push_back({{"series", series.info.seriesUid},
                                     {"seriesNumber", series.info.seriesNumber},
                                     {"description", describe(series)},
                                     {"module", info.id},
                                     {"modelVersion", info.version},
                                     {"folder", dir.string()},
                                     {"files", written},
                                     {"cobb", cobb},
                                     {"warnings", in.warnings},
                                     {"seconds", findings.seconds}});
      if (!a.json) {
        std::cout << info.id << " " << info.version << " on " << describe(series) << ": " << fixed(findings.seconds, 2)
                  << " s\n";
        if (!cobbText.empty()) std::cout << "  Cobb " << joined(cobbText, ", ") << "\n";
        for (const auto& w : in.warnings) std::cout << "  warning: " << w << "\n";
        std::cout << "  wrote " << dir.string() << "/: " << joined(report::findingsFolderFiles(), ", ") << "\n";
      }
    } catch (const std::exception& e) {
      ++failures;
      std::cerr << "error: " << describe(series) << " (" << series.info.seriesUid << ") with " << info.id << ": "
                << e.what() << "\n";
      summary["errors"].push_back({{"series", series.info.seriesUid}, {"module", info.id}, {"message", e.what()}});
    }
  }
  const double seconds = secondsSince(t0);
  summary["seconds"] = seconds;
  const std::size_t done = jobs.size() - static_cast<std::size_t>(failures);
  if (a.json)
    std::cout << summary.dump(2) << "\n";
  else
    std::cout << done << " of " << jobs.size() << " series analysed in " << fixed(seconds, 1) << " s"
              << (done == 1 ? "; report: " + lastPdf : done > 1 ? "; reports under " + a.out : "") << "\n";
  return failures > 0 ? 2 : 0;
}

}  // namespace

void addAnalyzeCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand(
      "analyze", "Run AI modules on a study and export the findings: CSV, JSON, key image (PNG) and PDF report");
  auto a = std::make_shared<AnalyzeArgs>();
  cmd->add_option("PATH", a->path, "DICOM file/folder/DICOMDIR, NIfTI, or PNG/JPEG/TIFF radiograph")->required();
  cmd->add_option("--modules", a->modules, "AI module ids, comma-separated (default: every built-in module)")
      ->delimiter(',');
  cmd->add_option("--out", a->out, "Output folder (one sub-folder per series when several are analysed)")->required();
  cmd->add_option("--models", a->models, "Models root holding <module>/manifest.json (default: the shipped models)");
  cmd->add_option("--threads", a->threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_flag("--json", a->json, "Print the summary as JSON");
  cmd->callback([a] { exitCode() = runAnalyze(*a); });
}

}  // namespace openrad::cli
