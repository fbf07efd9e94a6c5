// `openrad-cli train mri-herniation`: trains the one-stage detector on lumbar-mri phantoms (their herniation boxes,
// T1 and T2), keeps the checkpoint with the best slice mAP@0.5 on a tuning seed, then chooses the score threshold on
// that tuning seed at the stated operating point (per-level specificity under the consistency rule).
#include "Hooks.h"
#include "PhantomSeries.h"

#include "openrad/core/Format.h"
#include "openrad/ai/TorchSession.h"
#include "openrad/core/ParallelFor.h"

#include <CLI/CLI.hpp>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <array>
#include <chrono>
#include <cmath>
#include <ctime>
#include <iostream>
#include <mutex>
#include <random>
#include <sstream>

namespace openrad::modules::mri_herniation {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kPi = 3.14159265358979323846;

struct TrainOptions {
  std::string outDir = "models/mri-herniation";
  int phantoms = 300;  ///< training cases (T1 and T2 of each)
  std::uint64_t phantomSeed = 5101;
  int tuning = 60;     ///< tuning cases (checkpoint and threshold chosen on them)
  std::uint64_t tuningSeed = 5202;
  double specificity = 0.95;  ///< operating point: the lowest threshold whose per-level specificity is at least this
  int epochs = 20, iterations = 150, batch = 12, baseWidth = 16, stride = 4;
  double lr = 2e-3;
  double ema = 0.998;  ///< decay of the weight average that is tuned and saved (0 = the raw weights)
  double minutes = 0;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string version = "0.1.0";
};

/// Slices drawn for training: the central ones (±3 around the midline) of each series.
struct Draw {
  const PhantomSeries* series;
  int slice;
};

/// One augmented sample: input (crop × crop) and its target maps (6 × out × out) plus the positive mask (out × out).
void drawSample(const Draw& d, const DetConfig& cfg, std::mt19937_64& rng, float* x, float* target, float* mask) {
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const PhantomSeries& s = *d.series;
  const Planes& P = s.planes;
  const int W = P.grid.width, H = P.grid.height, crop = cfg.crop, out = crop / cfg.stride;
  const auto bodies = planeBodies(s.labelPlanes.data() + P.plane() * static_cast<std::size_t>(d.slice), W, H);
  Eigen::Vector2d centre(W / 2.0, H / 2.0);
  if (!bodies.empty()) {
    centre.setZero();
    for (const auto& [n, p] : bodies) centre += p;
    centre /= static_cast<double>(bodies.size());
  }
  centre += Eigen::Vector2d((U(rng) - 0.5) * 50.0, (U(rng) - 0.5) * 60.0);
  const double angle = (U(rng) - 0.5) * 24.0 * kPi / 180.0, scale = std::exp((U(rng) - 0.5) * 0.4);
  const double ca = std::cos(angle) / scale, sa = std::sin(angle) / scale, h = (crop - 1) / 2.0;
  // Destination pixel d -> source: src = centre + R(angle) (d - h) / scale.
  const cv::Matx23d toSrc(ca, -sa, centre.x() - ca * h + sa * h, sa, ca, centre.y() - sa * h - ca * h);
  const cv::Mat src(H, W, CV_32F, const_cast<float*>(P.slice(d.slice)));
  cv::Mat dst(crop, crop, CV_32F, x);
  cv::warpAffine(src, dst, toSrc, dst.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, cv::Scalar(-1e9));
  // Intensity: gamma, a smooth bias field, contrast, noise; outside the image -1.
  const double gamma = std::exp((U(rng) - 0.5) * 0.8), contrast = 0.8 + 0.4 * U(rng);
  const double bx = (U(rng) - 0.5) * 0.8, by = (U(rng) - 0.5) * 0.8;
  const double noise = U(rng) < 0.6 ? U(rng) * 0.05 : 0.0;
  std::normal_distribution<float> N(0.0f, 1.0f);
  for (int yy = 0; yy < crop; ++yy)
    for (int xx = 0; xx < crop; ++xx) {
      float& v = x[yy * crop + xx];
      if (v < -1e8f) { v = -1.0f; continue; }
      double t = std::pow(std::clamp(static_cast<double>(v), 0.0, 1.5), gamma);
      t *= std::exp(bx * (2.0 * xx / crop - 1.0) + by * (2.0 * yy / crop - 1.0)) * contrast;
      if (noise > 0) t += noise * N(rng);
      v = static_cast<float>((std::clamp(t, 0.0, 1.5) - 0.5) * 2.0);
    }
  // Targets: boxes through the inverse of toSrc (source -> destination). A herniation is a rounded blob, so its box is
  // taken as the ellipse inscribed in the truth box, rotated and scaled, and bounded again: the rotated box's own
  // corners would inflate a 5 x 10 mm box by 20 % at 6 degrees, a bias the network would learn and carry to unrotated
  // slices.
  const double det = ca * ca + sa * sa;  // toSrc's linear part is [ca -sa; sa ca]
  const auto toDst = [&](const Eigen::Vector2d& p) {
    const double u = p.x() - toSrc(0, 2), v = p.y() - toSrc(1, 2);
    return Eigen::Vector2d((ca * u + sa * v) / det, (-sa * u + ca * v) / det);
  };
  const double cosA = std::abs(std::cos(angle)), sinA = std::abs(std::sin(angle));
  std::fill(target, target + 6 * out * out, 0.0f);
  std::fill(mask, mask + out * out, 0.0f);
  const auto it = s.truth.find(d.slice);
  if (it == s.truth.end()) return;
  for (const SliceBox& b : it->second) {
    const Eigen::Vector2d half = 0.5 * (b.max - b.min) * scale;
    const Eigen::Vector2d extent(std::sqrt(half.x() * half.x() * cosA * cosA + half.y() * half.y() * sinA * sinA),
                                 std::sqrt(half.x() * half.x() * sinA * sinA + half.y() * half.y() * cosA * cosA));
    const Eigen::Vector2d mid = toDst(b.centre());
    const Eigen::Vector2d lo = mid - extent, hi = mid + extent;
    const Eigen::Vector2d c = 0.5 * (lo + hi) / cfg.stride, size = hi - lo;
    const int cx = static_cast<int>(std::floor(c.x())), cy = static_cast<int>(std::floor(c.y()));
    if (cx < 0 || cy < 0 || cx >= out || cy >= out) continue;
    const double sigma = std::max(0.5, std::min(size.x(), size.y()) / cfg.stride / 3.0 + 0.3);
    const int reach = std::max(2, static_cast<int>(std::ceil(3 * sigma)));
    for (int yy = std::max(0, cy - reach); yy <= std::min(out - 1, cy + reach); ++yy)
      for (int xx = std::max(0, cx - reach); xx <= std::min(out - 1, cx + reach); ++xx) {
        const double g = std::exp(-((xx - cx) * (xx - cx) + (yy - cy) * (yy - cy)) / (2 * sigma * sigma));
        float& t = target[yy * out + xx];
        t = std::max(t, static_cast<float>(g));
      }
    if (b.difficult) continue;  // a sliver: its heat suppresses the negative loss there, but it is no positive
    const int at = cy * out + cx;
    target[1 * out * out + at] = static_cast<float>(std::log(std::max(size.x(), 0.5)));
    target[2 * out * out + at] = static_cast<float>(std::log(std::max(size.y(), 0.5)));
    target[3 * out * out + at] = static_cast<float>(c.x() - cx);
    target[4 * out * out + at] = static_cast<float>(c.y() - cy);
    target[5 * out * out + at] = static_cast<float>(b.typeScore);
    mask[at] = 1.0f;
  }
}

/// 1 - IoU of the boxes (log w, log h, dx, dy in channels 0..3 of `a` and `b`, offsets in cells of `stride` pixels)
/// that two regressions put on the same cell.
torch::Tensor iouLoss(const torch::Tensor& a, const torch::Tensor& b, int stride) {
  const auto edges = [&](const torch::Tensor& r) {
    const torch::Tensor w = torch::exp(r.select(1, 0).clamp(-3, 5)), h = torch::exp(r.select(1, 1).clamp(-3, 5));
    const torch::Tensor x = r.select(1, 2) * stride, y = r.select(1, 3) * stride;
    return std::array<torch::Tensor, 4>{x - w / 2, y - h / 2, x + w / 2, y + h / 2};
  };
  const auto p = edges(a), t = edges(b);
  const torch::Tensor iw = (torch::min(p[2], t[2]) - torch::max(p[0], t[0])).clamp_min(0);
  const torch::Tensor ih = (torch::min(p[3], t[3]) - torch::max(p[1], t[1])).clamp_min(0);
  const torch::Tensor inter = iw * ih;
  const torch::Tensor uni = (p[2] - p[0]) * (p[3] - p[1]) + (t[2] - t[0]) * (t[3] - t[1]) - inter;
  return 1 - inter / uni.clamp_min(1e-6);
}

/// Focal loss on the heat-map (CenterNet: alpha 2, beta 4), L1 on size and offset plus 1 - IoU of the box (the
/// metric's own measure: a pixel matters more on a 4-pixel-wide box than on a 20-pixel one) and BCE on the type at
/// centres.
torch::Tensor detectionLoss(const torch::Tensor& out, const torch::Tensor& target, const torch::Tensor& mask, int stride) {
  const torch::Tensor p = torch::sigmoid(out.select(1, 0)).clamp(1e-4, 1 - 1e-4);
  const torch::Tensor t = target.select(1, 0);
  const torch::Tensor pos = mask;
  const torch::Tensor neg = 1 - pos;
  const torch::Tensor posLoss = -(torch::log(p) * (1 - p).pow(2) * pos).sum();
  const torch::Tensor negLoss = -(torch::log(1 - p) * p.pow(2) * (1 - t).pow(4) * neg).sum();
  const torch::Tensor n = pos.sum().clamp_min(1);
  const torch::Tensor m = pos.unsqueeze(1);
  const torch::Tensor reg = ((out.slice(1, 1, 5) - target.slice(1, 1, 5)).abs() * m).sum() / n;
  const torch::Tensor type =
      (torch::binary_cross_entropy_with_logits(out.select(1, 5), target.select(1, 5), {}, {}, at::Reduction::None) * pos).sum() / n;
  const torch::Tensor box = (iouLoss(out.slice(1, 1, 5), target.slice(1, 1, 5), stride) * pos).sum() / n;
  return (posLoss + negLoss) / n + 0.5 * reg + box + 0.5 * type;
}

std::string nowIso() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

std::vector<PhantomSeries> renderSeries(int count, std::uint64_t seed, const DetConfig& cfg, int threads) {
  std::vector<PhantomSeries> out(static_cast<std::size_t>(2 * count));
  core::parallelFor(static_cast<std::size_t>(count), threads, [&](std::size_t i) {
    const auto c = phantom::renderLumbarMri(phantom::sampleLumbarMriParams(seed, i));
    const std::string id = "seed" + std::to_string(seed) + "_" + std::to_string(i);
    out[2 * i] = phantomSeries(c, "t1", cfg, id + "_t1");
    out[2 * i + 1] = phantomSeries(c, "t2", cfg, id + "_t2");
  });
  return out;
}

}  // namespace

TuningResult tune(HerniaNet& net, const DetConfig& cfg, const std::vector<PhantomSeries>& series,
                  const torch::Device& device, double specificity) {
  TuningResult r;
  std::vector<std::vector<SliceBox>> dets, truths;
  std::vector<SeriesDetections> all;
  for (const auto& s : series) {
    SeriesDetections d = detectSeries(net, cfg, s.planes, s.labelPlanes, s.mid, device, 0.02);
    for (int slice : d.slices) {
      std::vector<SliceBox> here, truth;
      for (const auto& b : d.boxes)
        if (b.slice == slice) here.push_back(b);
      if (const auto it = s.truth.find(slice); it != s.truth.end()) truth = it->second;
      dets.push_back(std::move(here));
      truths.push_back(std::move(truth));
    }
    all.push_back(std::move(d));
  }
  r.map50 = averagePrecision(dets, truths, 0.5).ap;
  // Threshold sweep: per-level outcomes under the rule.
  for (int k = 1; k <= 95; ++k) {
    const double t = k / 100.0;
    LevelCounts counts;
    for (std::size_t i = 0; i < series.size(); ++i) {
      const WindowTruth w = levelsInWindow(series[i].truth, all[i].slices, series[i].herniatedLevels, cfg.minSlices);
      counts.add(series[i].levels, w.visible, levelsOf(consistentFindings(all[i].boxes, t, cfg.minSlices, all[i].levelOrder)),
                 w.beyond);
    }
    r.sweep.push_back({t, counts});
    if (r.threshold < 0 && counts.specificity() >= specificity) {
      r.threshold = t;
      r.atThreshold = counts;
    }
  }
  if (r.threshold < 0) r.threshold = 0.95, r.atThreshold = r.sweep.back().second;
  return r;
}

namespace {

int train(const TrainOptions& o, const std::string& command) {
  const auto t0 = Clock::now();
  ai::TorchSession session(ai::Device::Auto, o.threads);
  cv::setNumThreads(1);
  torch::manual_seed(o.seed);
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  std::cout << "device: " << session.describe() << std::endl;
  DetConfig cfg;
  cfg.baseWidth = o.baseWidth;
  cfg.stride = o.stride;
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  const std::vector<PhantomSeries> trainSet = renderSeries(o.phantoms, o.phantomSeed, cfg, threads);
  const std::vector<PhantomSeries> tuneSet = renderSeries(o.tuning, o.tuningSeed, cfg, threads);
  std::vector<Draw> draws;
  int positives = 0;
  for (const auto& s : trainSet)
    for (int k = -3; k <= 3; ++k) {
      const int slice = s.mid + k;
      if (slice < 0 || slice >= s.planes.grid.slices) continue;
      draws.push_back({&s, slice});
      positives += s.truth.count(slice) ? 1 : 0;
    }
  std::cout << "phantoms: " << trainSet.size() << " training series (" << o.phantoms << " cases of seed " << o.phantomSeed
            << ", T1 and T2), " << draws.size() << " slices (" << positives << " with a herniation box); tuning: "
            << tuneSet.size() << " series (seed " << o.tuningSeed << ") | "
            << core::fixed(std::chrono::duration<double>(Clock::now() - t0).count(), 0) << " s" << std::endl;

  HerniaNet net(cfg);
  net->to(session.device());
  std::size_t params = 0;
  for (const auto& p : net->parameters()) params += static_cast<std::size_t>(p.numel());
  std::cout << "network: " << params << " parameters, crop " << cfg.crop << ", " << cfg.spacingMm << " mm/pixel" << std::endl;
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(1e-4));
  // An exponential moving average of the weights (batch-norm statistics copied) is what is tuned and saved: on a
  // small CPU budget the raw weights' tuning mAP jumps from epoch to epoch.
  HerniaNet ema(cfg);
  ema->to(session.device());
  const auto syncEma = [&](double decay) {
    torch::NoGradGuard guard;
    const auto src = net->parameters(), dst = ema->parameters();
    for (std::size_t i = 0; i < src.size(); ++i) dst[i].mul_(decay).add_(src[i].detach(), 1.0 - decay);
    const auto sb = net->buffers(), db = ema->buffers();
    for (std::size_t i = 0; i < sb.size(); ++i) db[i].copy_(sb[i]);
  };
  syncEma(0.0);
  long step = 0;

  ai::ModelManifest manifest = detManifestFor(cfg, o.version);
  manifest.training.data = std::to_string(trainSet.size()) + " lumbar-mri phantom series (" + std::to_string(o.phantoms) +
                           " cases of seed " + std::to_string(o.phantomSeed) +
                           ", T1 and T2, the 7 slices around the canal midline, their herniationBoxes); checkpoint and "
                           "threshold chosen on " + std::to_string(tuneSet.size()) + " series of tuning seed " +
                           std::to_string(o.tuningSeed);
  manifest.training.seed = o.seed;
  manifest.training.dataSeed = o.phantomSeed;
  manifest.training.command = command;
  manifest.training.studies = static_cast<int>(trainSet.size());
  manifest.training.validationStudies = static_cast<int>(tuneSet.size());
  const int crop = cfg.crop, out = crop / cfg.stride;
  double best = -1;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto te = Clock::now();
    const double lr = o.lr * (0.03 + 0.97 * 0.5 * (1.0 + std::cos(kPi * (epoch - 1) / std::max(1, o.epochs))));
    for (auto& group : opt.param_groups()) static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);
    net->train();
    double sum = 0;
    for (int it = 0; it < o.iterations; ++it) {
      torch::Tensor x = torch::empty({o.batch, 1, crop, crop}, torch::kFloat);
      torch::Tensor y = torch::empty({o.batch, 6, out, out}, torch::kFloat);
      torch::Tensor m = torch::empty({o.batch, out, out}, torch::kFloat);
      for (int b = 0; b < o.batch; ++b) {
        const Draw& d = draws[static_cast<std::size_t>(U(rng) * static_cast<double>(draws.size())) % draws.size()];
        drawSample(d, cfg, rng, x.data_ptr<float>() + static_cast<std::size_t>(b) * static_cast<std::size_t>(crop * crop),
                   y.data_ptr<float>() + static_cast<std::size_t>(b) * 6 * static_cast<std::size_t>(out * out),
                   m.data_ptr<float>() + static_cast<std::size_t>(b) * static_cast<std::size_t>(out * out));
      }
      const auto dev = session.device();
      const torch::Tensor loss = detectionLoss(net->forward(x.to(dev)), y.to(dev), m.to(dev), cfg.stride);
      opt.zero_grad();
      loss.backward();
      opt.step();
      ++step;
      syncEma(o.ema > 0 ? std::min(o.ema, (1.0 + step) / (10.0 + step)) : 0.0);
      sum += loss.item<double>();
    }
    const TuningResult r = tune(ema, cfg, tuneSet, session.device(), o.specificity);
    const bool improved = r.map50 > best;
    std::cout << "epoch " << epoch << "/" << o.epochs << " lr " << core::fixed(lr, 5) << " loss " << core::fixed(sum / o.iterations, 4)
              << " | tuning map50 " << core::fixed(r.map50, 4) << ", threshold " << core::fixed(r.threshold, 2) << ": sensitivity "
              << core::fixed(r.atThreshold.sensitivity(), 3) << " specificity " << core::fixed(r.atThreshold.specificity(), 3) << " | "
              << core::fixed(std::chrono::duration<double>(Clock::now() - te).count(), 0) << " s" << (improved ? " *" : "") << std::endl;
    if (improved) {
      best = r.map50;
      cfg.threshold = r.threshold;
      ai::ModelManifest m = detManifestFor(cfg, o.version);
      m.architectureParams["operatingSpecificity"] = o.specificity;
      m.training = manifest.training;
      m.training.epochs = epoch;
      m.training.date = nowIso();
      m.metrics = {{"tune.map50", r.map50},
                   {"tune.sensitivity", r.atThreshold.sensitivity()},
                   {"tune.specificity", r.atThreshold.specificity()},
                   {"tune.threshold", r.threshold}};
      m.metricsNote = "tune.* = tuning phantoms (seed " + std::to_string(o.tuningSeed) +
                      ", phantom labels for the levels), chosen on them (checkpoint: best slice mAP@0.5 of " +
                      std::to_string(epoch) + " epochs; threshold: the lowest with per-level specificity >= " +
                      core::fixed(o.specificity, 2) + " under the " + std::to_string(cfg.minSlices) + "-of-" +
                      std::to_string(cfg.slices) +
                      " rule): tuning figures, not held-out. Held-out figures: `openrad-cli eval mri-herniation`.";
      const std::string sha = saveDetModel(ema, m, o.outDir);
      std::cout << "  saved " << o.outDir << " (sha256 " << sha << ", threshold " << core::fixed(r.threshold, 2) << ")" << std::endl;
    }
    const double minutes = std::chrono::duration<double>(Clock::now() - t0).count() / 60.0;
    if (o.minutes > 0 && minutes > o.minutes) {
      std::cout << "time limit of " << o.minutes << " min reached after epoch " << epoch << std::endl;
      break;
    }
  }
  return 0;
}

}  // namespace

std::function<int()> setupTrain(CLI::App& cmd) {
  auto o = std::make_shared<TrainOptions>();
  cmd.add_option("--out", o->outDir, "Model folder to write")->capture_default_str();
  cmd.add_option("--phantoms", o->phantoms, "Training phantom cases (T1 and T2 of each)")->capture_default_str();
  cmd.add_option("--phantom-seed", o->phantomSeed, "Seed of the training phantoms")->capture_default_str();
  cmd.add_option("--tuning", o->tuning, "Tuning phantom cases (checkpoint and threshold)")->capture_default_str();
  cmd.add_option("--tuning-seed", o->tuningSeed, "Seed of the tuning phantoms")->capture_default_str();
  cmd.add_option("--specificity", o->specificity, "Operating point: per-level specificity the threshold must reach")
      ->capture_default_str()->check(CLI::Range(0.5, 1.0));
  cmd.add_option("--epochs", o->epochs, "Epochs")->capture_default_str()->check(CLI::PositiveNumber);
  cmd.add_option("--iterations", o->iterations, "Batches per epoch")->capture_default_str()->check(CLI::PositiveNumber);
  cmd.add_option("--batch", o->batch, "Batch size")->capture_default_str()->check(CLI::Range(2, 128));
  cmd.add_option("--base-width", o->baseWidth, "Channels of the first stage")->capture_default_str();
  cmd.add_option("--stride", o->stride, "Output stride of the heads (2 or 4)")->capture_default_str()->check(CLI::IsMember({2, 4}));
  cmd.add_option("--lr", o->lr, "Peak learning rate (cosine decay)")->capture_default_str();
  cmd.add_option("--ema", o->ema, "Decay of the saved weight average (0 = raw weights)")->capture_default_str()->check(CLI::Range(0.0, 0.9999));
  cmd.add_option("--minutes", o->minutes, "Stop after this many minutes (0 = no limit)")->capture_default_str();
  cmd.add_option("--seed", o->seed, "Seed (initialisation, sampling, augmentation)")->capture_default_str();
  cmd.add_option("--threads", o->threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd.add_option("--version", o->version, "Model version written to the manifest")->capture_default_str();
  return [o] {
    if (o->tuningSeed == o->phantomSeed) throw CLI::ValidationError("--tuning-seed", "must differ from --phantom-seed");
    std::ostringstream c;
    c << "openrad-cli train mri-herniation --out " << o->outDir << " --phantoms " << o->phantoms << " --phantom-seed "
      << o->phantomSeed << " --tuning " << o->tuning << " --tuning-seed " << o->tuningSeed << " --specificity "
      << o->specificity << " --epochs " << o->epochs << " --iterations " << o->iterations << " --batch " << o->batch
      << " --base-width " << o->baseWidth << " --stride " << o->stride << " --lr " << o->lr << " --ema " << o->ema << " --seed " << o->seed << " --version " << o->version;
    if (o->minutes > 0) c << " --minutes " << o->minutes;
    return train(*o, c.str());
  };
}

}  // namespace openrad::modules::mri_herniation
