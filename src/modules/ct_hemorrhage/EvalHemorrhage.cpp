// `openrad-cli eval ct-hemorrhage`: on held-out head-ct phantoms, 3D Dice per class per study, agreement of the
// hematoma and edema volumes with the truth (Lin's CCC, bias and 95 % limits of agreement), the lesion count against
// the phantom's, and the ABC/2 estimate against the true hematoma volume (on the predicted and on the true label map,
// to tell the segmentation's error from the formula's).
#include "HemorrhageModule.h"
#include "Hooks.h"

#include "openrad/core/Format.h"
#include "openrad/core/ImageStatistics.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageDataset.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageMetrics.h"
#include "openrad/phantom/HeadCt.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>
#include <sstream>

namespace openrad::modules::ct_hemorrhage {

namespace {

double measured(const core::SeriesAnnotations& a, const std::string& id) {
  const auto it = a.measurements.find("hemorrhage." + id);
  return it == a.measurements.end() ? NAN : it->second.value;
}

std::vector<double> finite(const std::vector<double>& v) {
  std::vector<double> out;
  for (double x : v)
    if (std::isfinite(x)) out.push_back(x);
  return out;
}

std::string agreementLine(const std::string& what, const Agreement& a) {
  return "  " + what + " volume      CCC " + core::fixed(a.ccc, 3) + ", mean difference " +
         core::fixed(a.meanDifference, 2) + " mL, 95 % limits " + core::fixed(a.lowerLimit, 2) + " to " +
         core::fixed(a.upperLimit, 2) + " mL (" + std::to_string(a.n) + " studies)";
}

}  // namespace

std::function<EvalReport(const EvalOptions&)> setupEval(CLI::App& command) {
  auto max = std::make_shared<int>(0);
  command.add_option("--max", *max, "Evaluate only the first N studies (0 = all)")->capture_default_str();
  return [max](const EvalOptions& eo) {
    ai::RunContext ctx;
    ctx.threads = eo.threads;
    const std::string model = eo.model.empty() ? shippedHemorrhageModel() : eo.model;
    const HemorrhageModule module(model, ctx);
    std::vector<HeadCtStudyRef> refs = listHeadCtDataset(eo.data);
    if (*max > 0 && static_cast<std::size_t>(*max) < refs.size()) refs.resize(static_cast<std::size_t>(*max));
    EvalReport report;
    report.module = kModuleId;
    report.modelVersion = module.manifest().version;
    report.dataset = eo.data;
    std::vector<double> diceH, diceE, diceX, volH, volE, truthH, truthE, abcErr, abcTruthErr, seconds;
    int counted = 0, countRight = 0, refused = 0, mlsMissing = 0;
    std::vector<double> mlsErr;
    std::map<std::string, std::vector<StudyPoint>> truthSeries, predSeries;  // per patient
    for (const auto& ref : refs) {
      const HeadCtStudy s = loadHeadCtStudy(ref);
      const HeadCtTruth& t = s.truth;
      nlohmann::ordered_json cj = {{"id", ref.id}, {"day", t.day}};
      cj["truth"] = {{"hematoma_ml", t.hematomaMl},
                     {"edema_ml", t.edemaMl},
                     {"extra_axial_ml", t.extraAxialMl},
                     {"lesion_count", t.lesionCount},
                     {"lesion_volumes_ml", t.lesionVolumesMl},
                     {"midline_shift_mm", t.midlineShiftMm}};
      ai::Findings f;
      try {
        f = module.run(module.inputFor(s.series), ctx);
      } catch (const ai::Refused& e) {
        cj["refused"] = e.what();
        report.cases.push_back(cj);
        ++refused;
        continue;
      }
      seconds.push_back(f.seconds);
      const core::SeriesAnnotations& out = f.series.begin()->second;
      const core::Image& pred = *out.labelMaps.at(kLabelMap).labels;
      const double dh = dice(pred, *s.labels, phantom::kCtHematoma), de = dice(pred, *s.labels, phantom::kCtEdema),
                   dx = dice(pred, *s.labels, phantom::kCtExtraAxial);
      diceH.push_back(dh), diceE.push_back(de), diceX.push_back(dx);
      const double ph = measured(out, "hematoma_ml"), pe = measured(out, "edema_ml");
      volH.push_back(ph), truthH.push_back(t.hematomaMl);
      volE.push_back(pe), truthE.push_back(t.edemaMl);
      const int count = static_cast<int>(measured(out, "lesion_count"));
      ++counted;
      countRight += count == t.lesionCount;
      std::vector<double> lesionVolumes;
      for (int n = 1; n <= count; ++n)
        lesionVolumes.push_back(measured(out, "lesion." + std::to_string(n) + ".volume_ml"));
      const double abc = measured(out, "abc2.estimate_ml");
      const double abcTruth = abcOverTwo(*s.labels, lesionRulesFor(*s.series->image)).estimateMl;
      if (t.hematomaMl > 0) abcErr.push_back(abc - t.hematomaMl), abcTruthErr.push_back(abcTruth - t.hematomaMl);
      cj["predicted"] = {{"hematoma_ml", ph},
                         {"edema_ml", pe},
                         {"extra_axial_ml", measured(out, "extra_axial_ml")},
                         {"lesion_count", count},
                         {"lesion_volumes_ml", lesionVolumes},
                         {"abc2_ml", abc}};
      const double mls = measured(out, "midline_shift_mm");
      if (std::isfinite(mls)) mlsErr.push_back(std::abs(mls - t.midlineShiftMm));
      else ++mlsMissing;
      cj["predicted"]["midline_shift_mm"] = std::isfinite(mls) ? nlohmann::ordered_json(mls) : nlohmann::ordered_json();
      // Follow-up: each patient's studies, truth and predicted volumes, for the expansion flag.
      StudyPoint truthPoint, predPoint;
      truthPoint.studyUid = predPoint.studyUid = ref.id;
      truthPoint.date = predPoint.date = t.studyDate;
      truthPoint.hematomaMl = t.hematomaMl, predPoint.hematomaMl = ph;
      truthPoint.edemaMl = t.edemaMl, predPoint.edemaMl = pe;
      if (!t.patientId.empty() && !t.studyDate.empty()) {
        truthSeries[t.patientId].push_back(truthPoint);
        predSeries[t.patientId].push_back(predPoint);
      }
      cj["dice"] = {{"hematoma", dh}, {"edema", de}, {"extra_axial", dx}};  // NaN (null): the class is in neither
      cj["abc2_error_ml"] = abc - t.hematomaMl;
      cj["abc2_on_truth_labels_ml"] = abcTruth;
      cj["seconds"] = f.seconds;
      report.cases.push_back(cj);
    }
    // Expansion flags between consecutive scans of each patient: the rule on the predicted volumes against the rule on
    // the true ones.
    int flags = 0, flagsRight = 0;
    for (const auto& [patient, points] : truthSeries) {
      const auto truthFollow = followUp(points), predFollow = followUp(predSeries.at(patient));
      for (std::size_t n = 1; n < truthFollow.size(); ++n) {
        ++flags;
        flagsRight += truthFollow[n].expansion == predFollow[n].expansion;
      }
    }
    const double flagAccuracy = flags ? static_cast<double>(flagsRight) / flags : NAN;
    const std::vector<double> dH = finite(diceH), dE = finite(diceE), dX = finite(diceX);
    const Agreement aH = agreement(volH, truthH), aE = agreement(volE, truthE);
    std::vector<double> abcAbs, abcTruthAbs;
    for (double e : abcErr) abcAbs.push_back(std::abs(e));
    for (double e : abcTruthErr) abcTruthAbs.push_back(std::abs(e));
    const double countAccuracy = counted ? static_cast<double>(countRight) / counted : NAN;
    std::ostringstream text;
    text << "model ct-hemorrhage " << report.modelVersion << " on " << counted << " studies of " << eo.data
         << (refused ? ", " + std::to_string(refused) + " refused" : "") << "\n"
         << "  Dice hematoma      mean " << core::fixed(core::mean(dH), 3) << ", median "
         << core::fixed(core::median(dH), 3) << " (" << dH.size() << " studies)\n"
         << "  Dice edema         mean " << core::fixed(core::mean(dE), 3) << ", median "
         << core::fixed(core::median(dE), 3) << " (" << dE.size() << " studies)\n"
         << "  Dice extra-axial   mean " << core::fixed(core::mean(dX), 3) << " (" << dX.size()
         << " studies with the class in the truth or the prediction)\n"
         << agreementLine("hematoma", aH) << "\n"
         << agreementLine("edema   ", aE) << "\n"
         << "  lesion count       " << countRight << " of " << counted << " right (accuracy "
         << core::fixed(countAccuracy, 3) << ")\n"
         << "  ABC/2 - true hematoma volume: on the prediction MAE " << core::fixed(core::mean(abcAbs), 2)
         << " mL (mean " << core::fixed(core::mean(abcErr), 2) << "), on the true label map MAE "
         << core::fixed(core::mean(abcTruthAbs), 2) << " mL (mean " << core::fixed(core::mean(abcTruthErr), 2) << ")\n"
         << "  midline shift      MAE " << core::fixed(core::mean(mlsErr), 2) << " mm over " << mlsErr.size()
         << " studies" << (mlsMissing ? " (" + std::to_string(mlsMissing) + " without landmarks, left out)" : std::string())
         << "\n"
         << "  expansion flag     " << flagsRight << " of " << flags << " consecutive scan pairs right (accuracy "
         << core::fixed(flagAccuracy, 3) << ")\n"
         << "  analysis per study median " << core::fixed(core::median(seconds), 2) << " s";
    std::string line;
    std::istringstream lines(text.str());
    while (std::getline(lines, line)) report.text.push_back(line);
    // core::median gives 0 for none: an empty figure must read as missing.
    const auto medianOrNaN = [](const std::vector<double>& v) { return v.empty() ? NAN : core::median(v); };
    report.metrics = {{"studies", static_cast<double>(counted)},
                      {"refused", static_cast<double>(refused)},
                      {"dice_hematoma", core::mean(dH)},
                      {"dice_hematoma_median", medianOrNaN(dH)},
                      {"dice_edema", core::mean(dE)},
                      {"dice_edema_median", medianOrNaN(dE)},
                      {"dice_extra_axial", core::mean(dX)},
                      {"volume_ccc_hematoma", aH.ccc},
                      {"volume_bias_hematoma_ml", aH.meanDifference},
                      {"volume_loa_low_hematoma_ml", aH.lowerLimit},
                      {"volume_loa_high_hematoma_ml", aH.upperLimit},
                      {"volume_ccc_edema", aE.ccc},
                      {"volume_bias_edema_ml", aE.meanDifference},
                      {"volume_loa_low_edema_ml", aE.lowerLimit},
                      {"volume_loa_high_edema_ml", aE.upperLimit},
                      {"count_accuracy", countAccuracy},
                      {"abc2_mae_ml", core::mean(abcAbs)},
                      {"abc2_mean_error_ml", core::mean(abcErr)},
                      {"abc2_truth_labels_mae_ml", core::mean(abcTruthAbs)},
                      {"mls_mae_mm", core::mean(mlsErr)},
                      {"mls_not_found", static_cast<double>(mlsMissing)},
                      {"expansion_flag_accuracy", flagAccuracy},
                      {"expansion_pairs", static_cast<double>(flags)},
                      {"seconds_median", medianOrNaN(seconds)}};
    return report;
  };
}

}  // namespace openrad::modules::ct_hemorrhage
