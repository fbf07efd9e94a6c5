// `openrad-cli eval mri-herniation`: on held-out lumbar-mri phantoms, slice mAP@0.5 of the detector on the slices it
// reads, and per disc level (does this level have a herniation?) sensitivity, specificity and false-positive rate at
// the shipped threshold with and without the consistency rule; a threshold sweep (CSV + PNG). On real lumbar MRI
// without herniation labels, the number of findings per case (plausibility, not accuracy). The disc levels and the
// midline come from the mri-lumbar segmentation of each series, as in the workstation (--truth-labels: the
// phantom's own labels, to see the detector alone).
#include "HerniationModule.h"
#include "Hooks.h"
#include "PhantomSeries.h"

#include "openrad/core/ImageStatistics.h"
#include "openrad/ai/ModelManifest.h"
#include "openrad/io/IoError.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <map>
#include <set>
#include <sstream>

namespace openrad::modules::mri_herniation {

namespace {

namespace fs = std::filesystem;

const std::vector<std::string>& discLevels() {
  static const std::vector<std::string> l = {"L1-L2", "L2-L3", "L3-L4", "L4-L5", "L5-S1"};
  return l;
}

/// Ground truth of a phantom case: herniated levels and boxes per native slice (plane pixels).
struct PhantomTruth {
  std::vector<std::string> levels;
  std::map<int, std::vector<SliceBox>> boxes;
};

PhantomTruth phantomTruth(const mri_lumbar::LumbarCaseRef& ref, const mri_lumbar::PlaneGrid& grid) {
  const fs::path path = fs::path(ref.labelPath).parent_path() / "ground_truth.json";
  std::ifstream in(path);
  if (!in) throw io::IoError(path.string(), "cannot be read: eval mri-herniation needs the phantom's ground truth");
  PhantomTruth t;
  try {
    nlohmann::json j;
    in >> j;
    for (const auto& h : j.at("herniations")) t.levels.push_back(h.at("level").get<std::string>());
    for (const auto& b : j.at("herniationBoxes")) {
      phantom::HerniationBox hb;
      hb.slice = b.at("slice").get<int>();
      hb.x0 = b.at("x0").get<int>(), hb.y0 = b.at("y0").get<int>();
      hb.x1 = b.at("x1").get<int>(), hb.y1 = b.at("y1").get<int>();
      hb.level = b.at("level").get<std::string>();
      hb.type = b.at("type").get<std::string>();
      t.boxes[hb.slice].push_back(planeBox(grid, hb));
    }
  } catch (const nlohmann::json::exception& e) {
    throw io::IoError(path.string(), std::string("no herniations / herniationBoxes as lumbar-mri phantoms write them (") +
                                         e.what() + ")");
  }
  return t;
}

/// Levels called positive without the rule: any read slice with a box over `threshold` at that level.
std::vector<std::string> levelsAnySlice(const std::vector<SliceBox>& boxes, double threshold) {
  std::set<std::string> s;
  for (const auto& b : boxes)
    if (b.score >= threshold && !b.level.empty()) s.insert(b.level);
  return {s.begin(), s.end()};
}

/// One series' detections kept for the sweep.
struct Scored {
  std::vector<std::string> levels, truth, beyond;
  SeriesDetections d;
};

struct SweepRow {
  double threshold;
  LevelCounts rule, norule;
};

void writeSweep(const std::vector<SweepRow>& rows, const PrCurve& pr, double shipped, const fs::path& dir,
                const std::string& title) {
  fs::create_directories(dir);
  {
    std::ofstream csv(dir / "threshold_sweep.csv");
    csv << "threshold,sensitivity,specificity,fpr,sensitivity_norule,specificity_norule,fpr_norule,tp,fn,fp,tn\n";
    for (const auto& r : rows)
      csv << r.threshold << ',' << r.rule.sensitivity() << ',' << r.rule.specificity() << ',' << r.rule.fpr() << ','
          << r.norule.sensitivity() << ',' << r.norule.specificity() << ',' << r.norule.fpr() << ',' << r.rule.tp << ','
          << r.rule.fn << ',' << r.rule.fp << ',' << r.rule.tn << '\n';
    if (!csv) throw io::IoError((dir / "threshold_sweep.csv").string(), "could not be written");
  }
  {
    std::ofstream csv(dir / "pr_curve.csv");
    csv << "score,precision,recall\n";
    for (std::size_t i = 0; i < pr.scores.size(); ++i) csv << pr.scores[i] << ',' << pr.precision[i] << ',' << pr.recall[i] << '\n';
  }
  // Two panels: sensitivity and FPR against threshold (rule solid, no rule thin), and the slice PR curve.
  const int W = 1100, H = 520, pw = 460, ph = 380, top = 70, gap = 110;
  cv::Mat img(H, W, CV_8UC3, cv::Scalar(255, 255, 255));
  const cv::Scalar black(0, 0, 0), grey(170, 170, 170), blue(200, 90, 20), red(40, 40, 210), green(60, 150, 60);
  cv::putText(img, title, {30, 32}, cv::FONT_HERSHEY_SIMPLEX, 0.6, black, 1, cv::LINE_AA);
  const auto panel = [&](int x0, const std::string& xl, const std::string& yl, const std::string& heading) {
    cv::rectangle(img, {x0, top}, {x0 + pw, top + ph}, black, 1);
    for (int k = 1; k < 5; ++k) {
      const int x = x0 + pw * k / 5, y = top + ph * k / 5;
      cv::line(img, {x, top}, {x, top + ph}, cv::Scalar(230, 230, 230), 1);
      cv::line(img, {x0, y}, {x0 + pw, y}, cv::Scalar(230, 230, 230), 1);
    }
    for (int k = 0; k <= 5; ++k) {
      std::ostringstream s;
      s << std::fixed << std::setprecision(1) << k / 5.0;
      cv::putText(img, s.str(), {x0 + pw * k / 5 - 10, top + ph + 18}, cv::FONT_HERSHEY_SIMPLEX, 0.4, black, 1, cv::LINE_AA);
      cv::putText(img, s.str(), {x0 - 30, top + ph - ph * k / 5 + 4}, cv::FONT_HERSHEY_SIMPLEX, 0.4, black, 1, cv::LINE_AA);
    }
    cv::putText(img, xl, {x0 + pw / 2 - 40, top + ph + 40}, cv::FONT_HERSHEY_SIMPLEX, 0.5, black, 1, cv::LINE_AA);
    cv::putText(img, yl, {x0, top - 8}, cv::FONT_HERSHEY_SIMPLEX, 0.45, black, 1, cv::LINE_AA);
    cv::putText(img, heading, {x0, top + ph + 62}, cv::FONT_HERSHEY_SIMPLEX, 0.45, grey, 1, cv::LINE_AA);
  };
  const auto pt = [&](int x0, double x, double y) {
    return cv::Point(x0 + static_cast<int>(std::lround(std::clamp(x, 0.0, 1.0) * pw)),
                     top + ph - static_cast<int>(std::lround(std::clamp(y, 0.0, 1.0) * ph)));
  };
  const int x1 = 50, x2 = 50 + pw + gap;
  panel(x1, "threshold", "per-level sensitivity (blue), FPR (red); thin: without the rule",
        "shipped threshold: green line");
  for (std::size_t i = 1; i < rows.size(); ++i) {
    const auto& a = rows[i - 1];
    const auto& b = rows[i];
    cv::line(img, pt(x1, a.threshold, a.rule.sensitivity()), pt(x1, b.threshold, b.rule.sensitivity()), blue, 2, cv::LINE_AA);
    cv::line(img, pt(x1, a.threshold, a.rule.fpr()), pt(x1, b.threshold, b.rule.fpr()), red, 2, cv::LINE_AA);
    cv::line(img, pt(x1, a.threshold, a.norule.sensitivity()), pt(x1, b.threshold, b.norule.sensitivity()), blue, 1, cv::LINE_AA);
    cv::line(img, pt(x1, a.threshold, a.norule.fpr()), pt(x1, b.threshold, b.norule.fpr()), red, 1, cv::LINE_AA);
  }
  cv::line(img, pt(x1, shipped, 0), pt(x1, shipped, 1), green, 1, cv::LINE_AA);
  std::ostringstream ap;
  ap << "slice PR curve at IoU 0.5 (AP " << std::fixed << std::setprecision(3) << pr.ap << ")";
  panel(x2, "recall", "precision", ap.str());
  for (std::size_t i = 1; i < pr.recall.size(); ++i)
    cv::line(img, pt(x2, pr.recall[i - 1], pr.precision[i - 1]), pt(x2, pr.recall[i], pr.precision[i]), blue, 2, cv::LINE_AA);
  if (!cv::imwrite((dir / "threshold_sweep.png").string(), img))
    throw io::IoError((dir / "threshold_sweep.png").string(), "could not be written");
}

}  // namespace

std::function<EvalReport(const EvalOptions&)> setupEval(CLI::App& command) {
  struct Args {
    std::string real, realSplit = "val", sweepOut = "mri-herniation-sweep", record;
    int max = 0, minSlices = 0;
    bool truthLabels = false;
  };
  auto a = std::make_shared<Args>();
  command.add_option("--real", a->real, "Real lumbar MRI folder (no herniation labels): findings per case, a plausibility figure");
  command.add_option("--real-split", a->realSplit, "Split(s) of --real to read")->capture_default_str();
  command.add_option("--min-slices", a->minSlices, "Consistency rule: slices that must agree (0 = the model's)")->capture_default_str();
  command.add_option("--max", a->max, "Evaluate only the first N phantom series (0 = all)")->capture_default_str();
  command.add_option("--sweep-out", a->sweepOut, "Folder for threshold_sweep.csv/.png and pr_curve.csv")->capture_default_str();
  command.add_flag("--truth-labels", a->truthLabels,
                   "Take midline and disc levels from the phantom's labels instead of the mri-lumbar segmentation");
  command.add_option("--record", a->record, "Write the aggregate figures into the model manifest as NAME.* (e.g. heldout_phantom)");
  return [a](const EvalOptions& eo) {
    ai::RunContext ctx;
    ctx.threads = eo.threads;
    const std::string model = eo.model.empty() ? shippedHerniationModel() : eo.model;
    const HerniationModule module(model, ctx);
    const double shipped = module.threshold();
    const int minSlices = a->minSlices > 0 ? a->minSlices : module.minSlices();
    // The segmentation the workstation would give the module: the registered mri-lumbar model.
    const auto lumbar = Registry::builtIn().create("mri-lumbar", fs::path(model).parent_path().string(), ctx);
    const auto segment = [&](const mri_lumbar::LumbarCase& c, const std::string& id) -> std::shared_ptr<const core::Image> {
      auto series = std::make_shared<core::Series>();
      series->info.seriesUid = "eval:" + id;
      series->info.modality = "MR";
      series->image = c.image;
      const ai::Findings f = lumbar->run(lumbar->inputFor(series), ctx);
      return f.series.begin()->second.labelMaps.at(mri_lumbar::kLabelMap).labels;
    };
    const auto seriesOf = [](const mri_lumbar::LumbarCase& c) {
      core::Series s;
      s.info.modality = "MR";
      s.image = c.image;
      return s;
    };

    EvalReport report;
    report.module = kModuleId;
    report.modelVersion = module.manifest().version;
    report.dataset = eo.data;
    std::vector<mri_lumbar::LumbarCaseRef> refs = mri_lumbar::listLumbarDataset(eo.data);
    refs.erase(std::remove_if(refs.begin(), refs.end(), [](const auto& r) { return r.source != "phantom"; }), refs.end());
    if (refs.empty()) throw io::IoError(eo.data, "holds no lumbar-mri phantom cases (write them with `openrad-cli phantom lumbar-mri`)");
    if (a->max > 0 && static_cast<std::size_t>(a->max) < refs.size()) refs.resize(static_cast<std::size_t>(a->max));
    std::vector<std::vector<SliceBox>> dets, truths;
    std::vector<Scored> scored;
    LevelCounts rule, norule, ruleAll;
    int refused = 0, beyond = 0, beyondFound = 0;
    std::vector<double> seconds;
    for (const auto& ref : refs) {
      const mri_lumbar::LumbarCase c = mri_lumbar::loadLumbarCase(ref);
      const core::Series series = seriesOf(c);
      nlohmann::ordered_json cj = {{"id", ref.id}, {"contrast", ref.contrast}};
      HerniationModule::Detection det;
      try {
        const auto t0 = std::chrono::steady_clock::now();
        const auto labels = a->truthLabels ? c.labels : segment(c, ref.id);
        det = module.detect(series, *labels, 0.02);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      } catch (const std::exception& e) {  // a refused segmentation or no lumbar bodies: counted, every level missed
        cj["refused"] = e.what();
        ++refused;
      }
      const PhantomTruth truth = phantomTruth(ref, det.planes.grid);
      const SeriesDetections& d = det.detections;
      for (int slice : d.slices) {
        std::vector<SliceBox> here;
        for (const auto& b : d.boxes)
          if (b.slice == slice) here.push_back(b);
        const auto it = truth.boxes.find(slice);
        dets.push_back(std::move(here));
        truths.push_back(it == truth.boxes.end() ? std::vector<SliceBox>{} : it->second);
      }
      const auto findings = consistentFindings(d.boxes, shipped, minSlices, d.levelOrder);
      const auto found = levelsOf(findings), any = levelsAnySlice(d.boxes, shipped);
      // Per level: herniations the read slices show on fewer than minSlices slices are beyond the rule's reach
      // (counted apart); `ruleAll` counts every herniated level as a positive.
      const WindowTruth window = levelsInWindow(truth.boxes, d.slices, truth.levels, minSlices);
      rule.add(discLevels(), window.visible, found, window.beyond);
      norule.add(discLevels(), window.visible, any, window.beyond);
      ruleAll.add(discLevels(), truth.levels, found);
      beyond += static_cast<int>(window.beyond.size());
      for (const auto& l : window.beyond) beyondFound += std::find(found.begin(), found.end(), l) != found.end();
      std::vector<std::string> slices1;
      for (int s : d.slices) slices1.push_back(std::to_string(s + 1));
      cj["truth"] = truth.levels;
      cj["truth_visible"] = window.visible;
      cj["truth_beyond"] = window.beyond;
      cj["found"] = found;
      cj["found_norule"] = any;
      nlohmann::ordered_json fj = nlohmann::ordered_json::array();
      for (const auto& f : findings)
        fj.push_back({{"level", f.level}, {"slices", f.boxes.size()}, {"score", f.score}, {"type", f.type()}});
      cj["findings"] = fj;
      cj["slices_read"] = slices1;
      cj["levels_examined"] = d.levelOrder;
      report.cases.push_back(cj);
      scored.push_back({discLevels(), window.visible, window.beyond, d});
    }
    const PrCurve pr = averagePrecision(dets, truths, 0.5), pr30 = averagePrecision(dets, truths, 0.3);
    std::size_t truthBoxes = 0, slivers = 0;
    for (const auto& t : truths)
      for (const auto& b : t) ++truthBoxes, slivers += b.difficult;
    std::vector<SweepRow> sweep;
    for (int k = 2; k <= 98; ++k) {
      SweepRow row{k / 100.0, {}, {}};
      for (const auto& s : scored) {
        row.rule.add(s.levels, s.truth, levelsOf(consistentFindings(s.d.boxes, row.threshold, minSlices, s.d.levelOrder)),
                     s.beyond);
        row.norule.add(s.levels, s.truth, levelsAnySlice(s.d.boxes, row.threshold), s.beyond);
      }
      sweep.push_back(row);
    }
    std::ostringstream title;
    title << "mri-herniation " << report.modelVersion << " on " << refs.size() << " held-out phantom series ("
          << (a->truthLabels ? "phantom labels" : "mri-lumbar segmentation") << "), rule " << minSlices << " of "
          << module.manifest().param("slices", 5);
    if (!a->sweepOut.empty()) writeSweep(sweep, pr, shipped, a->sweepOut, title.str());

    // Real cases: findings per case under the shipped threshold and rule.
    std::vector<double> realFindings;
    int realRefused = 0;
    nlohmann::ordered_json realCases = nlohmann::ordered_json::array();
    if (!a->real.empty())
      for (const auto& ref : mri_lumbar::listLumbarDataset(a->real, a->realSplit)) {
        const mri_lumbar::LumbarCase c = mri_lumbar::loadLumbarCase(ref);
        try {
          const auto det = module.detect(seriesOf(c), *segment(c, ref.id), shipped);
          const auto found = levelsOf(consistentFindings(det.detections.boxes, shipped, minSlices, det.detections.levelOrder));
          realFindings.push_back(static_cast<double>(found.size()));
          realCases.push_back({{"id", ref.id}, {"split", ref.split}, {"found", found}});
        } catch (const std::exception& e) {
          ++realRefused;
          realCases.push_back({{"id", ref.id}, {"split", ref.split}, {"refused", e.what()}});
        }
      }

    std::ostringstream text;
    text << std::fixed << std::setprecision(3);
    text << title.str() << (refused ? ", " + std::to_string(refused) + " without a usable segmentation" : "") << "\n"
         << "  slice mAP@0.5 (" << dets.size() << " slices read, " << truthBoxes << " truth boxes of which " << slivers
         << " slivers under " << kMinTruthSideMm << " mm ignored)   " << pr.ap << "   (mAP@0.3 " << pr30.ap << ")\n"
         << "  per level at threshold " << std::setprecision(2) << shipped << " ("
         << module.manifest().param("operatingSpecificity", 0) << " specificity chosen on tuning phantoms):\n"
         << std::setprecision(3) << "    with the rule      sensitivity " << rule.sensitivity() << "  specificity "
         << rule.specificity() << "  FPR " << rule.fpr() << "  (tp " << rule.tp << ", fn " << rule.fn << ", fp " << rule.fp
         << ", tn " << rule.tn << ")\n"
         << "    without the rule   sensitivity " << norule.sensitivity() << "  specificity " << norule.specificity()
         << "  FPR " << norule.fpr() << "  (tp " << norule.tp << ", fn " << norule.fn << ", fp " << norule.fp << ", tn "
         << norule.tn << ")\n"
         << "    herniated levels shown on fewer than " << minSlices << " read slices (beyond the rule, left out above): "
         << beyond << ", found anyway " << beyondFound << "; counting them as positives, sensitivity with the rule "
         << ruleAll.sensitivity() << "\n"
         << std::setprecision(2) << "  detection per series (segmentation + 5 slices) mean " << core::mean(seconds) << " s";
    if (!a->sweepOut.empty()) text << "\n  sweep: " << (fs::path(a->sweepOut) / "threshold_sweep.csv").string() << ", .png, pr_curve.csv";
    if (!a->real.empty())
      text << "\n  real " << a->real << " (" << a->realSplit << ", no herniation labels: plausibility, not accuracy): "
           << realFindings.size() << " cases, " << core::mean(realFindings) << " findings per case"
           << (realRefused ? ", " + std::to_string(realRefused) + " refused" : "");
    std::string line;
    std::istringstream lines(text.str());
    while (std::getline(lines, line)) report.text.push_back(line);
    report.metrics = {{"series", static_cast<double>(refs.size())},
                      {"refused", static_cast<double>(refused)},
                      {"map50", pr.ap},
                      {"map30", pr30.ap},
                      {"threshold", shipped},
                      {"sensitivity", rule.sensitivity()},
                      {"specificity", rule.specificity()},
                      {"fpr", rule.fpr()},
                      {"sensitivity_norule", norule.sensitivity()},
                      {"specificity_norule", norule.specificity()},
                      {"fpr_norule", norule.fpr()},
                      {"levels_beyond_rule", static_cast<double>(beyond)},
                      {"sensitivity_all_levels", ruleAll.sensitivity()}};
    if (!a->real.empty()) {
      report.metrics.push_back({"real_cases", static_cast<double>(realFindings.size())});
      report.metrics.push_back({"real_findings_per_case", core::mean(realFindings)});
      report.cases.push_back({{"real", realCases}});
    }
    if (!a->record.empty()) {
      std::map<std::string, double> m;
      for (const auto& [k, v] : report.metrics)
        if (std::isfinite(v)) m[a->record + "." + k] = v;
      const std::string marker = " " + a->record + ".* = ";
      ai::recordManifestMetrics(model, m,
                                marker + "`openrad-cli eval mri-herniation --data " + eo.data +
                                    (a->real.empty() ? "" : " --real " + a->real) +
                                    (a->truthLabels ? " --truth-labels" : "") + "` (" + std::to_string(refs.size()) +
                                    " phantom series; levels from " +
                                    (a->truthLabels ? "the phantom labels" : "the mri-lumbar segmentation") + ").",
                                marker);
      report.text.push_back("recorded " + a->record + ".* in " + model + "/manifest.json");
    }
    return report;
  };
}

}  // namespace openrad::modules::mri_herniation
