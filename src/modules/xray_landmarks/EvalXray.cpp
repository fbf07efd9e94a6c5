#include "Hooks.h"

#include <CLI/CLI.hpp>

#include "openrad/ai/ModelManifest.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/core/AtomicWrite.h"
#include "openrad/modules/xray_landmarks/XrayDataset.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
#include "openrad/measure/Cobb.h"
#include "openrad/measure/PixelScale.h"
#include "openrad/measure/SpineLandmarks.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <numeric>
#include <sstream>

namespace openrad::modules::xray_landmarks {

namespace {
std::uint64_t datasetSeed(const std::string& dir, bool& found) {
  std::ifstream in(std::filesystem::path(dir) / "manifest.json");
  found = false;
  if (!in) return 0;
  try {
    nlohmann::json j;
    in >> j;
    found = j.contains("seed");
    return j.value("seed", std::uint64_t{0});
  } catch (const std::exception&) {
    return 0;
  }
}
/// Pearson correlation of x and y (0 when either is constant).
double correlation(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  if (x.empty()) return 0.0;
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n, my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxx > 0 && syy > 0 ? sxy / std::sqrt(sxx * syy) : 0.0;
}

/// How well the per-corner confidence flags bad corners: share flagged (< ai::kLowConfidence), the mean
/// error (px) of flagged and unflagged corners, and the correlation of confidence with error.
struct ConfidenceStats {
  double flaggedPct = 0, flaggedErr = NAN, unflaggedErr = NAN, correlation = 0;
};

ConfidenceStats confidenceStats(const std::vector<double>& conf, const std::vector<double>& err) {
  double flaggedErr = 0, okErr = 0, flagged = 0;
  for (std::size_t i = 0; i < conf.size(); ++i) {
    const bool low = conf[i] < ai::kLowConfidence;
    (low ? flaggedErr : okErr) += err[i];
    flagged += low ? 1.0 : 0.0;
  }
  const double ok = static_cast<double>(conf.size()) - flagged;
  ConfidenceStats c;
  c.flaggedPct = conf.empty() ? 0.0 : 100.0 * flagged / static_cast<double>(conf.size());
  if (flagged > 0) c.flaggedErr = flaggedErr / flagged;
  if (ok > 0) c.unflaggedErr = okErr / ok;
  c.correlation = correlation(conf, err);
  return c;
}
}  // namespace

std::function<EvalReport(const EvalOptions&)> setupEval(CLI::App& command) {
  auto* cmd = &command;
  struct Args {
    std::string csv;
    int max = 0;
    bool record = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("--max", a->max, "Evaluate only the first N studies (0 = all)")->capture_default_str();
  cmd->add_option("--csv", a->csv, "Write per-study results to this CSV file");
  cmd->add_flag("--record", a->record, "Write the held-out figures into the model manifest (heldout.*)");
  return [a](const EvalOptions& eo) {
    ai::RunContext ctx;
    ctx.threads = eo.threads;
    const std::string model = eo.model.empty() ? ai::defaultModelsRoot() + "/" + ai::kXrayLandmarksId : eo.model;
    const auto module = ai::loadXrayLandmarkModule(model, ctx);
    const ai::ModelManifest manifest = ai::ModelManifest::read(model);
    bool hasSeed = false;
    const std::uint64_t seed = datasetSeed(eo.data, hasSeed);
    const bool sameSeed = hasSeed && manifest.training.dataSeed != 0 && seed == manifest.training.dataSeed;
    if (sameSeed)
      std::cerr << "warning: dataset seed " << seed << " is the training data's seed: these are not held-out figures\n";
    EvalReport report;
    report.module = ai::kXrayLandmarksId;
    report.modelVersion = manifest.version;
    report.dataset = eo.data;

    std::vector<ai::XrayStudyRecord> records = ai::readXrayDataset(eo.data);
    if (a->max > 0 && static_cast<std::size_t>(a->max) < records.size()) records.resize(static_cast<std::size_t>(a->max));
    std::ofstream csv;
    if (!a->csv.empty()) {
      csv.open(a->csv);
      csv << "study,mre_px,mre_mm,within2mm_pct,smape_pct,pt_gt,pt_pred,mt_gt,mt_pred,tl_gt,tl_pred,seconds\n";
    }
    double sumSmape = 0, sumMae = 0, sumPx = 0, sumMm = 0, within = 0, cornersMm = 0;
    double regionAbs[3] = {0, 0, 0};
    std::vector<double> seconds, cpuSeconds;  // wall and process CPU time (all threads) per image
    std::size_t n = 0, nMm = 0;
    std::size_t skipped = 0, refused = 0;
    std::vector<double> cornerConf, cornerErr;  // per corner: confidence and radial error (px)
    for (const auto& r : records) {
      if (!r.complete()) {  // Cobb angles and the MRE need all 68 ground-truth corners
        ++skipped;
        continue;
      }
      const auto series = ai::loadXrayStudyImage(r);
      const std::clock_t c0 = std::clock();
      ai::Findings f;
      try {
        f = module->run(module->inputFor(series), ctx);
      } catch (const ai::Refused& e) {
        // A refusal is a result too: the case counts as failed with its reason.
        report.cases.push_back({{"id", r.id}, {"refused", e.what()}});
        ++refused;
        continue;
      }
      cpuSeconds.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
      seconds.push_back(f.seconds);
      const core::LandmarkSet& set = f.series.begin()->second.landmarkSets.at(ai::kApCornerSetName);
      const measure::ApCorners pred = measure::apCornersFrom(set);
      const measure::PixelScale scale = measure::pixelScale(*series);
      const double rows = static_cast<double>(series->image->geometry().size[1]);
      double px = 0, mm = 0, in2 = 0;
      for (std::size_t k = 0; k < pred.size(); ++k) {
        px += (pred[k] - r.corners[k]).norm();
        cornerConf.push_back(set.find(measure::apCornerName(static_cast<int>(k)))->confidence);
        cornerErr.push_back((pred[k] - r.corners[k]).norm());
        const double d = scale.distance(pred[k], r.corners[k]);
        mm += d;
        in2 += d <= 2.0 ? 1.0 : 0.0;
      }
      const double nk = static_cast<double>(pred.size());
      const auto cp = measure::cobbAnglesAasce({pred.begin(), pred.end()}, rows);
      const auto cg = measure::cobbAnglesAasce({r.corners.begin(), r.corners.end()}, rows);
      // AASCE SMAPE: per image Σ|pred − gt| / Σ(pred + gt) over the three angles, then the mean over images.
      double num = 0, den = 0, mae = 0;
      for (std::size_t i = 0; i < 3; ++i) {
        num += std::abs(cp.aasce[i].angleDeg - cg.aasce[i].angleDeg);
        den += cp.aasce[i].angleDeg + cg.aasce[i].angleDeg;
        mae += std::abs(cp.aasce[i].angleDeg - cg.aasce[i].angleDeg) / 3.0;
      }
      const double smape = den > 0 ? 100.0 * num / den : 0.0;
      regionAbs[0] += std::abs(cp.proximalThoracic.angleDeg - cg.proximalThoracic.angleDeg);
      regionAbs[1] += std::abs(cp.mainThoracic.angleDeg - cg.mainThoracic.angleDeg);
      regionAbs[2] += std::abs(cp.thoracolumbar.angleDeg - cg.thoracolumbar.angleDeg);
      sumSmape += smape;
      sumMae += mae;
      sumPx += px / nk;
      if (scale.known) {
        sumMm += mm / nk;
        within += in2;
        cornersMm += nk;
        ++nMm;
      }
      ++n;
      if (csv)
        csv << r.id << ',' << px / nk << ',' << (scale.known ? mm / nk : NAN) << ',' << (scale.known ? 100.0 * in2 / nk : NAN)
            << ',' << smape << ',' << cg.proximalThoracic.angleDeg << ',' << cp.proximalThoracic.angleDeg << ','
            << cg.mainThoracic.angleDeg << ',' << cp.mainThoracic.angleDeg << ',' << cg.thoracolumbar.angleDeg << ','
            << cp.thoracolumbar.angleDeg << ',' << f.seconds << '\n';
      nlohmann::ordered_json truthCorners = nlohmann::ordered_json::array(), predCorners = nlohmann::ordered_json::array();
      for (std::size_t k = 0; k < pred.size(); ++k) {
        truthCorners.push_back({r.corners[k].x(), r.corners[k].y()});
        predCorners.push_back({pred[k].x(), pred[k].y()});
      }
      report.cases.push_back(
          {{"id", r.id},
           {"truth", {{"cobbPT", cg.proximalThoracic.angleDeg}, {"cobbMT", cg.mainThoracic.angleDeg},
                      {"cobbTL", cg.thoracolumbar.angleDeg}, {"aasce", {cg.aasce[0].angleDeg, cg.aasce[1].angleDeg, cg.aasce[2].angleDeg}},
                      {"corners", truthCorners}}},
           {"predicted", {{"cobbPT", cp.proximalThoracic.angleDeg}, {"cobbMT", cp.mainThoracic.angleDeg},
                          {"cobbTL", cp.thoracolumbar.angleDeg}, {"aasce", {cp.aasce[0].angleDeg, cp.aasce[1].angleDeg, cp.aasce[2].angleDeg}},
                          {"corners", predCorners}}},
           {"mrePx", px / nk},
           {"smapePct", smape},
           {"seconds", f.seconds}});
      std::cerr << "\rstudies " << n << "/" << records.size() << std::flush;
    }
    std::cerr << "\n";
    if (skipped) std::cerr << "skipped " << skipped << " studies with unlabelled corners\n";
    if (refused) std::cerr << refused << " studies refused by the module (listed per case)\n";
    const double dn = static_cast<double>(std::max<std::size_t>(n, 1));
    auto median = [](std::vector<double> v) {
      std::sort(v.begin(), v.end());
      return v.empty() ? 0.0 : v[v.size() / 2];
    };
    // The first run includes one-off allocations; report it apart from the steady-state median.
    const double first = seconds.empty() ? 0.0 : seconds.front();
    const double smape = sumSmape / dn, mae = sumMae / dn, mrePx = sumPx / dn;
    const double mreMm = nMm ? sumMm / static_cast<double>(nMm) : NAN;
    const double within2 = cornersMm > 0 ? 100.0 * within / cornersMm : NAN;
    const ConfidenceStats conf = confidenceStats(cornerConf, cornerErr);
    std::ostringstream text;
    text << std::fixed << std::setprecision(2);
    text << "model " << manifest.id << " " << manifest.version << " on " << n << " studies of " << eo.data
         << (hasSeed ? " (dataset seed " + std::to_string(seed) + ")" : "") << (refused ? ", " + std::to_string(refused) + " refused" : "")
         << "\n"
         << "  Cobb SMAPE (AASCE)      " << smape << " %\n"
         << "  Cobb MAE (3 angles)     " << mae << " deg  (PT " << regionAbs[0] / dn << ", MT " << regionAbs[1] / dn
         << ", TL " << regionAbs[2] / dn << ")\n"
         << "  landmark MRE            " << mrePx << " px, " << mreMm << " mm\n"
         << "  corners within 2 mm     " << within2 << " %\n"
         << "  corner confidence       " << conf.flaggedPct << " % flagged (< " << ai::kLowConfidence
         << "), error flagged " << conf.flaggedErr << " px vs unflagged " << conf.unflaggedErr
         << " px, corr(confidence, error) " << conf.correlation << "\n"
         << "  inference per image     wall median " << std::setprecision(3) << median(seconds) << " s (first " << first
         << " s), CPU time (all threads) median " << median(cpuSeconds) << " s";
    std::string line;
    std::istringstream lines(text.str());
    while (std::getline(lines, line)) report.text.push_back(line);
    report.metrics = {{"studies", static_cast<double>(n)},
                      {"refused", static_cast<double>(refused)},
                      {"cobb_smape_pct", smape},
                      {"cobb_mae_deg", mae},
                      {"cobb_mae_pt_deg", regionAbs[0] / dn},
                      {"cobb_mae_mt_deg", regionAbs[1] / dn},
                      {"cobb_mae_tl_deg", regionAbs[2] / dn},
                      {"mre_px", mrePx},
                      {"mre_mm", mreMm},
                      {"within_2mm_pct", within2},
                      {"flagged_corners_pct", conf.flaggedPct},
                      {"confidence_error_correlation", conf.correlation},
                      {"inference_wall_s_median", median(seconds)},
                      {"inference_cpu_s_median", median(cpuSeconds)}};
    if (a->record) {
      if (sameSeed) throw std::runtime_error("--record refused: the dataset has the training data's seed");
      std::map<std::string, double> m = {{"heldout.cobb_smape_pct", smape},
                                         {"heldout.cobb_mae_deg", mae},
                                         {"heldout.mre_px", mrePx},
                                         {"heldout.studies", static_cast<double>(n)},
                                         {"heldout.dataset_seed", static_cast<double>(seed)},
                                         {"heldout.flagged_corners_pct", conf.flaggedPct},
                                         {"heldout.confidence_error_correlation", conf.correlation},
                                         {"heldout.inference_wall_s_median", median(seconds)},
                                         {"heldout.inference_cpu_s_median", median(cpuSeconds)}};
      if (nMm) m["heldout.mre_mm"] = mreMm;
      if (cornersMm > 0) m["heldout.within_2mm_pct"] = within2;
      if (!std::isnan(conf.flaggedErr)) m["heldout.flagged_corner_error_px"] = conf.flaggedErr;
      if (!std::isnan(conf.unflaggedErr)) m["heldout.unflagged_corner_error_px"] = conf.unflaggedErr;
      const std::string note = " heldout.* = `openrad-cli eval xray-landmarks --data " + eo.data + "` (" +
                               std::to_string(n) + " studies, dataset seed " + std::to_string(seed) + ", " +
                               (eo.threads > 0 ? std::to_string(eo.threads) : std::string("all")) + " CPU threads).";
      ai::recordManifestMetrics(model, m, note, " heldout.* = ");
      report.text.push_back("recorded held-out metrics in " + model + "/manifest.json");
    }
    return report;
  };
}

}  // namespace openrad::modules::xray_landmarks
