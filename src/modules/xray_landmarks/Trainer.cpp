#include "openrad/modules/xray_landmarks/XrayTrainer.h"

#include "openrad/ai/TorchSession.h"
#include "LandmarkNet.h"
#include "ModelIo.h"
#include "Preprocess.h"
#include "openrad/modules/xray_landmarks/LandmarkAugment.h"
#include "openrad/ai/ModelError.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
#include "openrad/modules/xray_landmarks/XrayDataset.h"
#include "openrad/io/IoError.h"
#include "openrad/measure/Cobb.h"
#include "openrad/measure/PixelScale.h"

#include <nlohmann/json.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <numeric>
#include <random>
#include <set>
#include <sstream>

namespace openrad::ai {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kPi = 3.14159265358979323846;

/// One study reduced to what training needs.
struct Sample {
  std::string id;
  cv::Mat base;                  ///< 8-bit working image
  measure::ApCorners corners{};  ///< ground truth in base pixels
  measure::ApCorners original{}; ///< ground truth in original pixels
  std::array<bool, measure::kApCorners> labelled{};  ///< corners present in landmarks.csv
  bool complete = true;
  cv::Matx23d baseToOriginal;
  measure::PixelScale scale;
  double rows = 0.0;  ///< original rows (AASCE Cobb rule)
};

std::string fmt(double v, int digits = 3) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(digits);
  s << v;
  return s.str();
}

std::vector<Sample> loadSamples(const std::vector<XrayStudyRecord>& records, int baseHeight,
                                const std::function<void(const std::string&)>& log) {
  std::vector<Sample> out;
  for (std::size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const auto series = loadXrayStudyImage(r);
    const xray::BaseImage base = xray::makeBase(*series->image, baseHeight);
    Sample s;
    s.id = r.id;
    s.base = base.gray;
    s.original = r.corners;
    s.labelled = r.labelled;
    s.complete = r.complete();
    for (std::size_t k = 0; k < r.corners.size(); ++k) s.corners[k] = xray::apply(base.fromOriginal, r.corners[k]);
    s.baseToOriginal = xray::invert(base.fromOriginal);
    s.scale = measure::pixelScale(*series);
    s.rows = static_cast<double>(series->image->geometry().size[1]);
    out.push_back(std::move(s));
    if (log && ((i + 1) % 50 == 0 || i + 1 == records.size()))
      log("loaded " + std::to_string(i + 1) + "/" + std::to_string(records.size()) + " studies");
  }
  return out;
}

/// Similarity transform about `centre`: rotate by deg, scale, then translate.
cv::Matx23d similarity(double deg, double scale, double tx, double ty, const cv::Point2d& centre) {
  const double a = deg * kPi / 180.0, c = std::cos(a) * scale, s = std::sin(a) * scale;
  return cv::Matx23d(c, -s, centre.x + tx - c * centre.x + s * centre.y, s, c, centre.y + ty - s * centre.x - c * centre.y);
}

/// Writes heatmap, regression and mask targets of one sample (corners in input pixels).
void writeTargets(const measure::ApCorners& corners, const std::array<bool, measure::kApCorners>& labelled, int b,
                  torch::Tensor& heat, torch::Tensor& reg, torch::Tensor& mask, double sigma) {
  auto H = heat.accessor<float, 4>();
  auto R = reg.accessor<float, 4>();
  auto M = mask.accessor<float, 4>();
  const int64_t h = heat.size(2), w = heat.size(3);
  const double S = xray::NetConfig::kStride, off = xray::NetConfig::kOffsetScale;
  for (int v = 0; v < measure::kApVertebrae; ++v) {
    bool all = true;
    for (int k = 0; k < 4; ++k) all = all && labelled[static_cast<std::size_t>(4 * v + k)];
    if (!all) continue;  // unlabelled vertebra: no target (its heatmap stays "negative" — acceptable for rare gaps)
    Eigen::Vector2d c = Eigen::Vector2d::Zero();
    for (int k = 0; k < 4; ++k) c += corners[static_cast<std::size_t>(4 * v + k)] / 4.0;
    const double u = (c.x() - (S - 1) / 2) / S, vv = (c.y() - (S - 1) / 2) / S;
    const auto px = static_cast<int64_t>(std::lround(u)), py = static_cast<int64_t>(std::lround(vv));
    if (px < 0 || py < 0 || px >= w || py >= h) continue;  // cropped away by augmentation
    const int64_t rad = static_cast<int64_t>(std::ceil(3 * sigma));
    for (int64_t y = std::max<int64_t>(0, py - rad); y <= std::min(h - 1, py + rad); ++y)
      for (int64_t x = std::max<int64_t>(0, px - rad); x <= std::min(w - 1, px + rad); ++x) {
        const double d2 = static_cast<double>((x - px) * (x - px) + (y - py) * (y - py));
        H[b][v][y][x] = std::max(H[b][v][y][x], static_cast<float>(std::exp(-d2 / (2 * sigma * sigma))));
      }
    H[b][v][py][px] = 1.0f;
    R[b][0][py][px] = static_cast<float>(u - static_cast<double>(px));
    R[b][1][py][px] = static_cast<float>(vv - static_cast<double>(py));
    for (int k = 0; k < 4; ++k) {
      const auto& p = corners[static_cast<std::size_t>(4 * v + k)];
      R[b][2 + 2 * k][py][px] = static_cast<float>((p.x() - c.x()) / S / off);
      R[b][3 + 2 * k][py][px] = static_cast<float>((p.y() - c.y()) / S / off);
    }
    M[b][0][py][px] = 1.0f;
  }
}

/// CenterNet's penalty-reduced focal loss on sigmoid heatmaps.
torch::Tensor focalLoss(const torch::Tensor& logits, const torch::Tensor& target) {
  const torch::Tensor p = torch::sigmoid(logits).clamp(1e-4, 1.0 - 1e-4);
  const torch::Tensor pos = target.ge(0.999).to(torch::kFloat);
  const torch::Tensor neg = 1.0 - pos;
  const torch::Tensor posLoss = torch::log(p) * torch::pow(1.0 - p, 2) * pos;
  const torch::Tensor negLoss = torch::log(1.0 - p) * torch::pow(p, 2) * torch::pow(1.0 - target, 4) * neg;
  return -(posLoss.sum() + negLoss.sum()) / pos.sum().clamp_min(1.0);
}

struct ValResult {
  double mrePx = 0.0, mreMm = 0.0, smape = 0.0, cobbMae = 0.0;
};

double smapeOf(const measure::CobbAngles& p, const measure::CobbAngles& g) {
  double num = 0.0, den = 0.0;
  for (int i = 0; i < 3; ++i) {
    num += std::abs(p.aasce[static_cast<std::size_t>(i)].angleDeg - g.aasce[static_cast<std::size_t>(i)].angleDeg);
    den += p.aasce[static_cast<std::size_t>(i)].angleDeg + g.aasce[static_cast<std::size_t>(i)].angleDeg;
  }
  return den > 0.0 ? 100.0 * num / den : 0.0;
}

ValResult validate(xray::LandmarkNet& net, const std::vector<Sample>& samples, const std::vector<std::size_t>& idx,
                   const torch::Device& device) {
  ValResult r;
  if (idx.empty()) return r;
  net->eval();
  std::size_t n = 0;
  for (std::size_t start = 0; start < idx.size(); start += 8) {
    std::vector<cv::Mat> bases;
    const std::size_t end = std::min(idx.size(), start + 8);
    for (std::size_t i = start; i < end; ++i) bases.push_back(samples[idx[i]].base);
    const auto preds = xray::predictBases(net, bases, device);
    for (std::size_t i = start; i < end; ++i) {
      const Sample& s = samples[idx[i]];
      std::vector<Eigen::Vector2d> pred, gt(s.original.begin(), s.original.end());
      double px = 0.0, mm = 0.0;
      for (std::size_t k = 0; k < s.original.size(); ++k) {
        pred.push_back(xray::apply(s.baseToOriginal, preds[i - start].corners[k]));
        px += (pred.back() - s.original[k]).norm();
        mm += s.scale.distance(pred.back(), s.original[k]);
      }
      r.mrePx += px / static_cast<double>(s.original.size());
      r.mreMm += mm / static_cast<double>(s.original.size());
      const auto cp = measure::cobbAnglesAasce(pred, s.rows), cg = measure::cobbAnglesAasce(gt, s.rows);
      r.smape += smapeOf(cp, cg);
      for (int a = 0; a < 3; ++a)
        r.cobbMae += std::abs(cp.aasce[static_cast<std::size_t>(a)].angleDeg - cg.aasce[static_cast<std::size_t>(a)].angleDeg) / 3.0;
      ++n;
    }
  }
  const double dn = static_cast<double>(n);
  r.mrePx /= dn;
  r.mreMm /= dn;
  r.smape /= dn;
  r.cobbMae /= dn;
  return r;
}

std::string describeData(const std::string& dir, std::size_t studies) {
  const auto path = std::filesystem::path(dir) / "manifest.json";
  std::ifstream in(path);
  nlohmann::json j;
  if (in) {
    try {
      in >> j;
      std::ostringstream s;
      s << studies << " studies of dataset '" << std::filesystem::path(dir).filename().string() << "' (kind "
        << j.value("kind", "?") << ", source " << j.value("source", "?") << ", seed " << j.value("seed", 0)
        << ", generator " << j.value("generatorVersion", "?") << ")";
      // A combined dataset (several phantom sets) says what it is made of.
      if (j.contains("description") && j["description"].is_string()) s << ": " << j["description"].get<std::string>();
      return s.str();
    } catch (const std::exception&) {
    }
  }
  return std::to_string(studies) + " studies of real dataset folder " + dir;
}

std::uint64_t datasetSeed(const std::string& dir) {
  std::ifstream in(std::filesystem::path(dir) / "manifest.json");
  nlohmann::json j;
  try {
    if (in) in >> j;
    return j.value("seed", std::uint64_t{0});
  } catch (const std::exception&) {
    return 0;
  }
}

std::string nowIso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace

XrayTrainResult trainXrayLandmarks(const XrayTrainOptions& o) {
  const auto t0 = Clock::now();
  auto log = [&](const std::string& line) {
    if (o.log) o.log(line);
  };
  TorchSession session(Device::Auto, o.threads);
  cv::setNumThreads(1);  // small images; Torch has the cores
  torch::manual_seed(o.seed);
  cv::theRNG().state = o.seed;
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  log("device: " + session.describe());

  std::vector<XrayStudyRecord> records = readXrayDataset(o.dataDir);
  if (o.maxStudies > 0 && static_cast<std::size_t>(o.maxStudies) < records.size())
    records.resize(static_cast<std::size_t>(o.maxStudies));

  // Split by patient: every study of a patient lands on the same side.
  std::vector<std::size_t> trainIdx, valIdx;
  {
    std::set<std::string> valPatients;
    const bool presplit = std::any_of(records.begin(), records.end(), [](const XrayStudyRecord& r) { return !r.split.empty(); });
    if (presplit) {
      for (const auto& r : records)
        if (r.split == "val" || r.split == "test") valPatients.insert(r.patientId);
    } else {
      std::vector<std::string> patients;
      for (const auto& r : records) patients.push_back(r.patientId);
      std::sort(patients.begin(), patients.end());
      patients.erase(std::unique(patients.begin(), patients.end()), patients.end());
      std::mt19937_64 splitRng(o.seed ^ 0x5eedULL);
      std::shuffle(patients.begin(), patients.end(), splitRng);
      std::size_t nVal = static_cast<std::size_t>(std::lround(o.valFraction * static_cast<double>(patients.size())));
      if (patients.size() >= 2) nVal = std::clamp<std::size_t>(nVal, 1, patients.size() - 1);
      else nVal = 0;
      valPatients.insert(patients.begin(), patients.begin() + static_cast<std::ptrdiff_t>(nVal));
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
      if (valPatients.count(records[i].patientId)) {
        if (records[i].complete()) valIdx.push_back(i);  // Cobb needs all 68 corners
      } else {
        trainIdx.push_back(i);
      }
    }
  }
  if (trainIdx.empty()) throw io::IoError(o.dataDir, "no training studies after the split");
  log("studies: " + std::to_string(trainIdx.size()) + " train, " + std::to_string(valIdx.size()) + " validation (split by patient)");

  const std::vector<Sample> samples = loadSamples(records, 2 * o.inputHeight, o.log);

  xray::NetConfig cfg;
  cfg.inputWidth = o.inputWidth;
  cfg.inputHeight = o.inputHeight;
  cfg.baseWidth = o.baseWidth;
  xray::LandmarkNet net(cfg);
  std::string initNote;
  if (!o.initDir.empty()) {
    // Fine-tuning: the starting model must be an intact xray-landmarks model of the same shape.
    const ModelManifest init = ModelManifest::read(o.initDir);
    const std::string manifestPath = (std::filesystem::path(o.initDir) / "manifest.json").string();
    if (init.id != kXrayLandmarksId)
      throw ModelError(manifestPath, "--init model is '" + init.id + "', not " + kXrayLandmarksId);
    const xray::NetConfig ic = xray::netConfigFrom(init);
    if (ic.inputWidth != cfg.inputWidth || ic.inputHeight != cfg.inputHeight || ic.baseWidth != cfg.baseWidth ||
        ic.vertebrae != cfg.vertebrae)
      throw ModelError(manifestPath, "--init model's network shape (input " + std::to_string(ic.inputHeight) + "x" +
                                         std::to_string(ic.inputWidth) + ", base width " + std::to_string(ic.baseWidth) +
                                         ", " + std::to_string(ic.vertebrae) + " vertebrae) differs from the training options (input " +
                                         std::to_string(cfg.inputHeight) + "x" + std::to_string(cfg.inputWidth) +
                                         ", base width " + std::to_string(cfg.baseWidth) + ", " +
                                         std::to_string(cfg.vertebrae) + " vertebrae)");
    init.verifyWeights(o.initDir);  // throws ModelError naming weights.pt on a SHA-256 mismatch
    session.load(*net, init.weightsPath(o.initDir));
    initNote = "fine-tuned from " + init.id + " " + init.version + " (sha256 " + init.sha256 + ")";
    log("initialised from " + o.initDir + ": " + initNote);
  }
  net->to(session.device());
  std::size_t params = 0;
  for (const auto& p : net->parameters()) params += static_cast<std::size_t>(p.numel());
  log("network: " + std::to_string(params) + " parameters, input " + std::to_string(cfg.inputHeight) + "x" +
      std::to_string(cfg.inputWidth));

  torch::optim::Adam opt(net->parameters(), torch::optim::AdamOptions(o.learningRate).weight_decay(1e-4));
  const cv::Size input(cfg.inputWidth, cfg.inputHeight);
  const int64_t oh = cfg.inputHeight / xray::NetConfig::kStride, ow = cfg.inputWidth / xray::NetConfig::kStride;
  const cv::Point2d centre((input.width - 1) / 2.0, (input.height - 1) / 2.0);
  const std::size_t plane = static_cast<std::size_t>(3 * cfg.inputHeight * cfg.inputWidth);

  XrayTrainResult result;
  result.trainStudies = static_cast<int>(trainIdx.size());
  result.valStudies = static_cast<int>(valIdx.size());
  double best = std::numeric_limits<double>::infinity();

  ModelManifest manifest = xray::manifestFor(cfg, o.version);
  manifest.training.data = describeData(o.dataDir, records.size());
  if (!initNote.empty()) manifest.training.data += "; " + initNote;
  manifest.training.seed = o.seed;
  manifest.training.dataSeed = datasetSeed(o.dataDir);
  manifest.training.command = o.commandLine;
  if (!initNote.empty() && o.commandLine.find("--init") == std::string::npos)
    manifest.training.command += " --init " + o.initDir;
  manifest.training.studies = result.trainStudies;
  manifest.training.validationStudies = result.valStudies;

  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto te = Clock::now();
    const double lr = o.learningRate * (0.05 + 0.95 * 0.5 * (1.0 + std::cos(kPi * (epoch - 1) / std::max(1, o.epochs))));
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamOptions&>(group.options()).lr(lr);
    net->train();
    std::shuffle(trainIdx.begin(), trainIdx.end(), rng);
    double sumHeat = 0.0, sumReg = 0.0;
    int batches = 0;
    for (std::size_t start = 0; start < trainIdx.size(); start += static_cast<std::size_t>(o.batchSize)) {
      const std::size_t end = std::min(trainIdx.size(), start + static_cast<std::size_t>(o.batchSize));
      const auto n = static_cast<int64_t>(end - start);
      if (n < 2) break;  // BatchNorm needs two samples
      torch::Tensor x = torch::empty({n, 3, cfg.inputHeight, cfg.inputWidth}, torch::kFloat);
      torch::Tensor heat = torch::zeros({n, cfg.vertebrae, oh, ow}, torch::kFloat);
      torch::Tensor reg = torch::zeros({n, 10, oh, ow}, torch::kFloat);
      torch::Tensor mask = torch::zeros({n, 1, oh, ow}, torch::kFloat);
      for (std::size_t i = start; i < end; ++i) {
        const Sample& s = samples[trainIdx[i]];
        const int b = static_cast<int>(i - start);
        cv::Mat img = s.base;
        measure::ApCorners c = s.corners;
        const bool flipped = U(rng) < 0.5;
        if (flipped) {  // mirror: labels swap sides (tl↔tr, bl↔br)
          cv::flip(s.base, img, 1);
          c = flipCornersHorizontally(c, img.cols);
        }
        const cv::Matx23d aug = similarity((U(rng) - 0.5) * 12.0, 0.85 + 0.35 * U(rng), (U(rng) - 0.5) * 0.1 * input.width,
                                           (U(rng) - 0.5) * 0.08 * input.height, centre);
        const cv::Matx23d m = xray::compose(aug, xray::letterbox(img.size(), input));
        cv::Mat in8 = xray::warpToInput(img, m, input);
        if (U(rng) < 0.8) xray::augmentIntensity(in8, rng);
        xray::makeChannels(in8, U(rng) < 0.8, x.data_ptr<float>() + static_cast<std::size_t>(b) * plane);
        for (auto& p : c) p = xray::apply(m, p);
        auto labelled = s.labelled;
        if (flipped)
          for (int k = 0; k < measure::kApCorners; ++k)
            labelled[static_cast<std::size_t>(measure::mirroredCornerIndex(k))] = s.labelled[static_cast<std::size_t>(k)];
        writeTargets(c, labelled, b, heat, reg, mask, 1.0);
      }
      const auto dev = session.device();
      const xray::NetOutput out = net->forward(x.to(dev));
      const torch::Tensor maskD = mask.to(dev);
      const torch::Tensor lh = focalLoss(out.heatLogits, heat.to(dev));
      const torch::Tensor lr1 = (torch::abs(out.regression - reg.to(dev)) * maskD).sum() / maskD.sum().clamp_min(1.0);
      const torch::Tensor loss = lh + 4.0 * lr1;
      opt.zero_grad();
      loss.backward();
      opt.step();
      sumHeat += lh.item<double>();
      sumReg += lr1.item<double>();
      ++batches;
    }
    const ValResult v = validate(net, samples, valIdx, session.device());
    result.epochsRun = epoch;
    const double key = valIdx.empty() ? -epoch : (samples[valIdx[0]].scale.known ? v.mreMm : v.mrePx);
    const bool improved = key < best;
    std::ostringstream line;
    line << "epoch " << epoch << "/" << o.epochs << " lr " << fmt(lr, 5) << " heat " << fmt(sumHeat / std::max(1, batches))
         << " reg " << fmt(sumReg / std::max(1, batches), 4) << " | val MRE " << fmt(v.mrePx, 2) << " px "
         << fmt(v.mreMm, 2) << " mm, Cobb SMAPE " << fmt(v.smape, 2) << " %, MAE " << fmt(v.cobbMae, 2) << " deg | "
         << fmt(std::chrono::duration<double>(Clock::now() - te).count(), 1) << " s" << (improved ? " *" : "");
    log(line.str());
    if (improved) {
      best = key;
      result.bestEpoch = epoch;
      result.bestValMrePx = v.mrePx;
      result.bestValMreMm = v.mreMm;
      result.bestValSmape = v.smape;
      manifest.training.epochs = epoch;
      manifest.training.date = nowIso();
      manifest.metrics = {{"val.mre_px", v.mrePx}, {"val.mre_mm", v.mreMm}, {"val.cobb_smape_pct", v.smape},
                          {"val.cobb_mae_deg", v.cobbMae}};
      manifest.metricsNote = "val.* = validation split (" + std::to_string(valIdx.size()) +
                             " studies) of the training dataset (seed " + std::to_string(datasetSeed(o.dataDir)) +
                             "), best of " + std::to_string(epoch) +
                             " epochs; NOT held-out. Held-out figures come from `openrad-cli eval xray-landmarks "
                             "--record` on phantoms of another seed (heldout.*).";
      result.sha256 = xray::saveModel(net, manifest, o.outDir);
    }
    const double minutes = std::chrono::duration<double>(Clock::now() - t0).count() / 60.0;
    if (o.maxMinutes > 0.0 && minutes > o.maxMinutes) {
      log("time limit of " + fmt(o.maxMinutes, 1) + " min reached after epoch " + std::to_string(epoch));
      break;
    }
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  log("best epoch " + std::to_string(result.bestEpoch) + ": val MRE " + fmt(result.bestValMrePx, 2) + " px " +
      fmt(result.bestValMreMm, 2) + " mm, SMAPE " + fmt(result.bestValSmape, 2) + " %; saved to " + o.outDir);
  return result;
}

}  // namespace openrad::ai
