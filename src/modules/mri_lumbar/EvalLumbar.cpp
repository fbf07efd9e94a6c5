// `openrad-cli eval mri-lumbar`: per case and aggregate Dice per level (3D), level identification, corner error
// against the same extractor on the ground-truth mask, and on phantoms lordosis and listhesis error.
#include "Hooks.h"
#include "LumbarModule.h"

#include "openrad/core/ImageStatistics.h"
#include "openrad/ai/ModelManifest.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/core/Study.h"
#include "openrad/measure/SagittalFrame.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"
#include "openrad/modules/mri_lumbar/LumbarMetrics.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <sstream>

namespace openrad::modules::mri_lumbar {

namespace {

double medianOf(std::vector<double> v) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// Listhesis truth of a phantom case ("L4-L5" → %), from ground_truth.json beside its labels.
std::map<std::string, double> phantomListhesis(const LumbarCaseRef& ref) {
  std::map<std::string, double> out;
  std::ifstream in(std::filesystem::path(ref.labelPath).parent_path() / "ground_truth.json");
  if (!in) return out;
  try {
    nlohmann::json j;
    in >> j;
    for (const auto& l : j.at("listhesis")) out[l.at("level").get<std::string>()] = l.at("percent").get<double>();
  } catch (const std::exception&) {
    out.clear();
  }
  return out;
}

double value(const std::vector<core::Measurement>& ms, const std::string& id, bool* found) {
  for (const auto& m : ms)
    if (m.id == id) {
      *found = true;
      return m.value;
    }
  *found = false;
  return 0;
}

}  // namespace

std::function<EvalReport(const EvalOptions&)> setupEval(CLI::App& command) {
  struct Args {
    std::string split;
    int max = 0;
    std::string record;
  };
  auto a = std::make_shared<Args>();
  command.add_option("--split", a->split, "Real-data manifest split(s) to evaluate, comma-separated (default: every stored row)");
  command.add_option("--max", a->max, "Evaluate only the first N cases (0 = all)")->capture_default_str();
  command.add_option("--record", a->record,
                     "Write the aggregate figures into the model manifest as NAME.* (e.g. real_val, heldout_phantom)");
  return [a](const EvalOptions& eo) {
    ai::RunContext ctx;
    ctx.threads = eo.threads;
    const std::string model = eo.model.empty() ? shippedLumbarModel() : eo.model;
    const LumbarModule module(model, ctx);
    const ai::ModelManifest manifest = ai::ModelManifest::read(model);
    std::vector<LumbarCaseRef> refs = listLumbarDataset(eo.data, a->split);
    if (a->max > 0 && static_cast<std::size_t>(a->max) < refs.size()) refs.resize(static_cast<std::size_t>(a->max));
    EvalReport report;
    report.module = "mri-lumbar";
    report.modelVersion = manifest.version;
    report.dataset = eo.data + (a->split.empty() ? "" : " (split " + a->split + ")");
    std::vector<double> dice, cornerErr, lordosisErr, lordosis15Err, listhesisErr, seconds;
    std::map<int, std::vector<double>> perLevel;
    int bodies = 0, identified = 0, refused = 0;
    std::vector<std::string> misidentified;
    bool anyPhantom = false;
    for (const auto& ref : refs) {
      const LumbarCase c = loadLumbarCase(ref);
      auto series = std::make_shared<core::Series>();
      series->info.seriesUid = "eval:" + ref.id;
      series->info.modality = "MR";
      series->image = c.image;
      ai::Findings f;
      try {
        f = module.run(module.inputFor(series), ctx);
      } catch (const ai::Refused& e) {
        report.cases.push_back({{"id", ref.id}, {"refused", e.what()}});
        ++refused;
        continue;
      }
      seconds.push_back(f.seconds);
      const core::SeriesAnnotations& out = f.series.begin()->second;
      const core::Image& pred = *out.labelMaps.at(kLabelMap).labels;
      const VolumeScores s = scoreVolume(pred, *c.labels, ref.annotated);
      dice.push_back(s.diceMean);
      bodies += s.bodies;
      identified += s.identified;
      nlohmann::ordered_json cj = {{"id", ref.id}, {"split", ref.split}, {"contrast", ref.contrast},
                                   {"dice_mean", s.diceMean}, {"levels", s.diceLevels},
                                   {"bodies", s.bodies}, {"identified", s.identified}, {"seconds", f.seconds}};
      nlohmann::ordered_json per = nlohmann::ordered_json::object();
      for (int k = 1; k < kClasses; ++k)
        if (s.inTruth[static_cast<std::size_t>(k)]) {
          per[className(k)] = s.dice[static_cast<std::size_t>(k)];
          perLevel[k].push_back(s.dice[static_cast<std::size_t>(k)]);
        }
      cj["dice"] = per;
      // Bodies given another level: what the reader would have to correct.
      nlohmann::ordered_json wrong = nlohmann::ordered_json::object();
      for (int k = kT9; k <= kS1; ++k)
        if (s.inTruth[static_cast<std::size_t>(k)] && s.identifiedAs[static_cast<std::size_t>(k)] != k) {
          const int as = s.identifiedAs[static_cast<std::size_t>(k)];
          wrong[className(k)] = as ? className(as) : "missed";
          misidentified.push_back(ref.id + ": " + className(k) + " as " + (as ? className(as) : "nothing"));
        }
      if (!wrong.empty()) cj["misidentified"] = wrong;
      // Corners: the same extractor on the ground-truth mask of the slice the module chose.
      const core::LandmarkSet& predSet = out.landmarkSets.at(kCornerSet);
      const auto frame = std::get<measure::SagittalFrame>(measure::sagittalFrame(c.image->geometry()));
      if (!predSet.points.empty()) {
        const int slice = static_cast<int>(std::lround(predSet.points.front().position[frame.sliceAxis]));
        const core::LandmarkSet truthSet = cornersOnSlice(*c.labels, frame, slice, {"truth", ""});
        std::vector<double> err;
        nlohmann::ordered_json perCorner = nlohmann::ordered_json::object();
        for (const auto& p : predSet.points)
          if (const core::Landmark* t = truthSet.find(p.name)) {
            err.push_back((c.image->geometry().indexToPhysical(p.position) - c.image->geometry().indexToPhysical(t->position)).norm());
            perCorner[p.name] = err.back();
          }
        if (!err.empty()) {
          cornerErr.push_back(core::mean(err));
          cj["corner_error_mm"] = core::mean(err);
          cj["corners_compared"] = err.size();
          cj["corner_errors_mm"] = perCorner;
        }
        cj["slice"] = slice + 1;
        const auto predM = lumbarMeasurements(predSet, *series), truthM = lumbarMeasurements(truthSet, *series);
        // A lordosis against the truth mask's corners: its error, and both values in the case's JSON as KEY_pred_deg
        // and KEY_truth_deg.
        const auto compareAngle = [&](const std::string& id, const std::string& key, std::vector<double>& errors) {
          bool fp = false, ft = false;
          const double lp = value(predM, id, &fp), lt = value(truthM, id, &ft);
          if (!fp || !ft) return;
          errors.push_back(std::abs(lp - lt));
          cj[key + "_pred_deg"] = lp;
          cj[key + "_truth_deg"] = lt;
        };
        compareAngle("lumbar.lordosis.L1-L5", "lordosis_l1l5", lordosis15Err);  // every dataset has L1-L5
        if (ref.source == "phantom") {
          anyPhantom = true;
          compareAngle("lumbar.lordosis.L1-S1", "lordosis", lordosisErr);
          for (const auto& [level, truth] : phantomListhesis(ref)) {
            bool found = false;
            const double p = value(predM, "lumbar.listhesis." + level, &found);
            if (found) listhesisErr.push_back(std::abs(p - truth));
          }
        }
      }
      report.cases.push_back(cj);
    }
    const double acc = bodies ? 100.0 * identified / bodies : NAN;
    std::ostringstream text;
    text << std::fixed << std::setprecision(3);
    text << "model mri-lumbar " << manifest.version << " on " << dice.size() << " cases of " << report.dataset
         << (refused ? ", " + std::to_string(refused) + " refused" : "") << "\n"
         << "  Dice mean (L1-S1 in truth)  " << core::mean(dice) << "\n";
    for (const auto& [k, v] : perLevel) text << "    " << std::setw(6) << className(k) << "  " << core::mean(v) << " (" << v.size() << ")\n";
    text << std::setprecision(1) << "  level accuracy              " << acc << " % (" << identified << "/" << bodies << " bodies)\n"
         ;
    for (const auto& m : misidentified) text << "    " << m << "\n";
    text << std::setprecision(2) << "  corner error                " << core::mean(cornerErr) << " mm (vs the extractor on the truth mask)\n"
         << "  lordosis L1-L5 MAE          " << core::mean(lordosis15Err) << " deg (" << lordosis15Err.size()
         << " cases, vs the corners of the truth mask)\n";
    if (anyPhantom)
      text << "  lordosis L1-S1 MAE          " << core::mean(lordosisErr) << " deg (" << lordosisErr.size() << " cases)\n"
           << "  listhesis MAE               " << core::mean(listhesisErr) << " % (" << listhesisErr.size() << " levels)\n";
    text << "  analysis per series         median " << medianOf(seconds) << " s";
    std::string line;
    std::istringstream lines(text.str());
    while (std::getline(lines, line)) report.text.push_back(line);
    report.metrics = {{"cases", static_cast<double>(dice.size())},
                      {"refused", static_cast<double>(refused)},
                      {"dice_mean", core::mean(dice)},
                      {"level_accuracy", acc / 100.0},  // a fraction, like dice_mean and the trainer val.level_accuracy
                      {"corner_error_mm", core::mean(cornerErr)},
                      {"lordosis_l1l5_mae_deg", core::mean(lordosis15Err)},
                      {"seconds_median", medianOf(seconds)}};
    for (const auto& [k, v] : perLevel) report.metrics.push_back({"dice_" + className(k), core::mean(v)});
    if (anyPhantom) {
      report.metrics.push_back({"lordosis_mae_deg", core::mean(lordosisErr)});
      report.metrics.push_back({"listhesis_mae_pct", core::mean(listhesisErr)});
    }
    if (!a->record.empty()) {
      std::map<std::string, double> m;
      for (const auto& [k, v] : report.metrics)
        if (std::isfinite(v)) m[a->record + "." + k] = v;
      const std::string marker = " " + a->record + ".* = ";
      ai::recordManifestMetrics(model, m,
                                marker + "`openrad-cli eval mri-lumbar --data " + eo.data +
                                    (a->split.empty() ? "" : " --split " + a->split) + "` (" +
                                    std::to_string(dice.size()) + " cases).",
                                marker);
      report.text.push_back("recorded " + a->record + ".* in " + model + "/manifest.json");
    }
    return report;
  };
}

}  // namespace openrad::modules::mri_lumbar
