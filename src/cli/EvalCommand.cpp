#include "AiCommands.h"

#include "openrad/ai/ModelManifest.h"
#include "openrad/ai/XrayDataset.h"
#include "openrad/ai/XrayLandmarks.h"
#include "openrad/measure/PixelScale.h"
#include "openrad/phantom/Cobb.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <numeric>

namespace openrad::cli {

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
}  // namespace

void addEvalCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("eval", "Measure an AI module's accuracy and speed on a labelled dataset");
  struct Args {
    std::string module, data, model = "models/xray-landmarks", csv;
    int threads = 0, max = 0;
    bool record = false;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("MODULE", a->module, "xray-landmarks")->required()->check(CLI::IsMember({"xray-landmarks"}));
  cmd->add_option("--data", a->data, "Held-out dataset folder (phantoms of another seed, or real data)")->required();
  cmd->add_option("--model", a->model, "Model folder")->capture_default_str();
  cmd->add_option("--threads", a->threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--max", a->max, "Evaluate only the first N studies (0 = all)")->capture_default_str();
  cmd->add_option("--csv", a->csv, "Write per-study results to this CSV file");
  cmd->add_flag("--record", a->record, "Write the held-out figures into the model manifest (heldout.*)");
  cmd->callback([a] {
    ai::RunContext ctx;
    ctx.threads = a->threads;
    const auto module = ai::loadXrayLandmarkModule(a->model, ctx);
    ai::ModelManifest manifest = ai::ModelManifest::read(a->model);
    bool hasSeed = false;
    const std::uint64_t seed = datasetSeed(a->data, hasSeed);
    const bool sameSeed = hasSeed && manifest.training.dataSeed != 0 && seed == manifest.training.dataSeed;
    if (sameSeed)
      std::cerr << "warning: dataset seed " << seed << " is the training data's seed: these are not held-out figures\n";

    std::vector<ai::XrayStudyRecord> records = ai::readXrayDataset(a->data);
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
    std::size_t skipped = 0;
    for (const auto& r : records) {
      if (!r.complete()) {  // Cobb angles and the MRE need all 68 ground-truth corners
        ++skipped;
        continue;
      }
      const auto series = ai::loadXrayStudyImage(r);
      const std::clock_t c0 = std::clock();
      const ai::Findings f = module->run(*series, ctx);
      cpuSeconds.push_back(static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC);
      seconds.push_back(f.seconds);
      const measure::ApCorners pred = measure::apCornersFrom(f.annotations.landmarkSets.at(ai::kApCornerSetName));
      const measure::PixelScale scale = measure::pixelScale(*series);
      const double rows = static_cast<double>(series->image->geometry().size[1]);
      double px = 0, mm = 0, in2 = 0;
      for (std::size_t k = 0; k < pred.size(); ++k) {
        px += (pred[k] - r.corners[k]).norm();
        const double d = scale.distance(pred[k], r.corners[k]);
        mm += d;
        in2 += d <= 2.0 ? 1.0 : 0.0;
      }
      const double nk = static_cast<double>(pred.size());
      const auto cp = phantom::cobbAnglesAasce({pred.begin(), pred.end()}, rows);
      const auto cg = phantom::cobbAnglesAasce({r.corners.begin(), r.corners.end()}, rows);
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
      std::cerr << "\rstudies " << n << "/" << records.size() << std::flush;
    }
    std::cerr << "\n";
    if (skipped) std::cerr << "skipped " << skipped << " studies with unlabelled corners\n";
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
    std::cout << std::fixed << std::setprecision(2);
    std::cout << "model " << manifest.id << " " << manifest.version << " on " << n << " studies of " << a->data
              << (hasSeed ? " (dataset seed " + std::to_string(seed) + ")" : "") << "\n"
              << "  Cobb SMAPE (AASCE)      " << smape << " %\n"
              << "  Cobb MAE (3 angles)     " << mae << " deg  (PT " << regionAbs[0] / dn << ", MT " << regionAbs[1] / dn
              << ", TL " << regionAbs[2] / dn << ")\n"
              << "  landmark MRE            " << mrePx << " px, " << mreMm << " mm\n"
              << "  corners within 2 mm     " << within2 << " %\n"
              << "  inference per image     wall median " << std::setprecision(3) << median(seconds) << " s (first " << first
              << " s), CPU time (all threads) median " << median(cpuSeconds) << " s\n";
    if (a->record) {
      if (sameSeed) throw std::runtime_error("--record refused: the dataset has the training data's seed");
      manifest.metrics["heldout.cobb_smape_pct"] = smape;
      manifest.metrics["heldout.cobb_mae_deg"] = mae;
      manifest.metrics["heldout.mre_px"] = mrePx;
      if (nMm) manifest.metrics["heldout.mre_mm"] = mreMm;
      if (cornersMm > 0) manifest.metrics["heldout.within_2mm_pct"] = within2;
      manifest.metrics["heldout.studies"] = static_cast<double>(n);
      manifest.metrics["heldout.dataset_seed"] = static_cast<double>(seed);
      manifest.metrics["heldout.inference_wall_s_median"] = median(seconds);
      manifest.metrics["heldout.inference_cpu_s_median"] = median(cpuSeconds);
      manifest.metricsNote += " heldout.* = `openrad-cli eval xray-landmarks --data " + a->data + "` (" +
                              std::to_string(n) + " studies, dataset seed " + std::to_string(seed) + ", " +
                              (a->threads > 0 ? std::to_string(a->threads) : std::string("all")) + " CPU threads).";
      manifest.write(a->model);
      std::cout << "recorded held-out metrics in " << a->model << "/manifest.json\n";
    }
  });
}

}  // namespace openrad::cli
