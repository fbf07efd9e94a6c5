// `openrad-cli train ct-hemorrhage`: trains the 2.5D segmentation network on head-ct phantoms rendered in memory (every
// time point of each patient), augmented for pose, scale, noise, the clot's density over days, slice thickness and
// calibration; keeps the weight average with the best mean 3D Dice (hematoma and edema) on phantoms of a tuning seed.
#include "CtSegNet.h"
#include "Hooks.h"

#include "openrad/ai/TorchSession.h"
#include "openrad/core/Format.h"
#include "openrad/core/ImageStatistics.h"
#include "openrad/core/ParallelFor.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageMetrics.h"
#include "openrad/phantom/HeadCt.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cmath>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

namespace openrad::modules::ct_hemorrhage {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kPi = 3.14159265358979323846;

struct TrainOptions {
  std::string outDir = "models/ct-hemorrhage";
  int phantoms = 40;  ///< training patients (every time point of each)
  std::uint64_t phantomSeed = 12101;
  int tuning = 6;  ///< tuning patients (checkpoint chosen on them)
  std::uint64_t tuningSeed = 12202;
  int epochs = 18, iterations = 80, batch = 16, crop = 160, baseWidth = 16;
  double lr = 2e-3;
  double ema = 0.99;  ///< decay of the weight average that is tuned and saved (0 = the raw weights)
  double minutes = 0;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string version = "0.1.0";
};

/// One rendered study and the slices training draws from.
struct Study {
  std::string id;
  phantom::HeadCtCase c;
  ai::PlaneGrid grid;                          ///< the study's inference crop (its centre is the head's)
  std::vector<int> lesionSlices;               ///< slices with any lesion label
  std::vector<Eigen::Vector2d> lesionCentres;  ///< per lesion slice: the mean index (i, j) of its lesion voxels
};

std::vector<Study> renderStudies(int patients, std::uint64_t seed, const CtSegConfig& cfg, int threads) {
  std::vector<phantom::HeadCtParams> params;
  std::vector<std::string> ids;
  for (int p = 0; p < patients; ++p) {
    const phantom::HeadCtPatientPlan plan = phantom::sampleHeadCtPatient(seed, static_cast<std::uint64_t>(p));
    for (std::size_t t = 0; t < plan.studies.size(); ++t) {
      params.push_back(plan.studies[t]);
      ids.push_back("seed" + std::to_string(seed) + "_" + std::to_string(p) + "_t" + std::to_string(t));
    }
  }
  std::vector<Study> out(params.size());
  core::parallelFor(params.size(), threads, [&](std::size_t i) {
    Study& s = out[i];
    s.id = ids[i];
    s.c = phantom::renderHeadCt(params[i]);
    s.grid = axialGrid(*s.c.ct, cfg);
    const auto& g = s.c.labels->geometry();
    const std::uint8_t* L = s.c.labels->as<std::uint8_t>();
    for (std::int64_t k = 0; k < g.size[2]; ++k) {
      Eigen::Vector2d sum = Eigen::Vector2d::Zero();
      double n = 0;
      for (std::int64_t j = 0; j < g.size[1]; ++j)
        for (std::int64_t i = 0; i < g.size[0]; ++i)
          if (L[i + g.size[0] * (j + g.size[1] * k)] != 0)
            sum += Eigen::Vector2d(static_cast<double>(i), static_cast<double>(j)), ++n;
      if (n == 0) continue;
      s.lesionSlices.push_back(static_cast<int>(k));
      s.lesionCentres.push_back(sum / n);
    }
  });
  return out;
}

/// One augmented sample of `crop` × `crop` pixels: nine input channels and the label plane.
void drawSample(const Study& s, int crop, std::mt19937_64& rng, float* x, std::int64_t* y) {
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const core::Image& ct = *s.c.ct;
  const int slices = static_cast<int>(ct.geometry().size[2]);
  // Three draws in four are a slice with a lesion; half of those are centred on its lesions (a thin extra-axial
  // crescent at the skull is otherwise often near the crop's edge), the rest on the head.
  const bool lesion = !s.lesionSlices.empty() && U(rng) < 0.75;
  const std::size_t pick = static_cast<std::size_t>(U(rng) * static_cast<double>(s.lesionSlices.size())) %
                           std::max<std::size_t>(1, s.lesionSlices.size());
  const int k = lesion ? s.lesionSlices[pick] : static_cast<int>(U(rng) * slices) % slices;
  // Pose and scale: the inference crop turned by up to ±12°, scaled by 0.86-1.16, moved by up to ±15 mm, mirrored
  // left-right half of the time.
  ai::PlaneGrid g = s.grid;
  g.width = g.height = crop;
  const double angle = (U(rng) - 0.5) * 24.0 * kPi / 180.0, scale = std::exp((U(rng) - 0.5) * 0.3);
  const Eigen::Vector3d ex = g.indexPerX, ey = g.indexPerY;
  g.indexPerX = scale * (std::cos(angle) * ex + std::sin(angle) * ey);
  g.indexPerY = scale * (-std::sin(angle) * ex + std::cos(angle) * ey);
  if (U(rng) < 0.5) g.indexPerX = -g.indexPerX;
  const double full = (s.grid.width - 1) / 2.0, half = (crop - 1) / 2.0;
  const Eigen::Vector3d middle = lesion && U(rng) < 0.5
                                     ? Eigen::Vector3d(s.lesionCentres[pick].x(), s.lesionCentres[pick].y(), 0.0)
                                     : Eigen::Vector3d(s.grid.index0 + full * (ex + ey));
  const Eigen::Vector3d centre =
      middle + (U(rng) - 0.5) * 30.0 / g.spacing * ex + (U(rng) - 0.5) * 30.0 / g.spacing * ey;
  g.index0 = centre - half * g.indexPerX - half * g.indexPerY;
  // The slice and its neighbours (HU and labels), each sometimes blended with the next slice out: partial volume of a
  // thicker or shifted reconstruction.
  const std::size_t n = static_cast<std::size_t>(crop) * static_cast<std::size_t>(crop);
  std::vector<float> hu(3 * n), lab(3 * n), other(n);
  for (int c = 0; c < 3; ++c) {
    const int at = std::clamp(k + c - 1, 0, slices - 1);
    float* h = hu.data() + n * static_cast<std::size_t>(c);
    ai::samplePlane(ct, g, at, h, kOutsideHu, false);
    ai::samplePlane(*s.c.labels, g, at, lab.data() + n * static_cast<std::size_t>(c), 0.0f, true);
    if (U(rng) < 0.3) {
      const int next = std::clamp(at + (U(rng) < 0.5 ? -1 : 1), 0, slices - 1);
      ai::samplePlane(ct, g, next, other.data(), kOutsideHu, false);
      const auto w = static_cast<float>(0.15 + 0.35 * U(rng));
      for (std::size_t i = 0; i < n; ++i) h[i] = (1 - w) * h[i] + w * other[i];
    }
  }
  // Density: the clot loses density over days (hematoma -25 … +5 HU), an extra-axial collection likewise (-20 … +5);
  // calibration offset and gain of the scanner; quantum noise.
  const auto clot = static_cast<float>(-25 + 30 * U(rng)), collection = static_cast<float>(-20 + 25 * U(rng));
  const auto offset = static_cast<float>((U(rng) - 0.5) * 8), gain = static_cast<float>(0.97 + 0.06 * U(rng));
  const double noise = U(rng) < 0.7 ? 6.0 * U(rng) : 0.0;
  std::normal_distribution<float> N(0.0f, 1.0f);
  for (std::size_t i = 0; i < 3 * n; ++i) {
    float& v = hu[i];
    if (v <= -500) continue;  // air stays air
    if (lab[i] == phantom::kCtHematoma)
      v += clot;
    else if (lab[i] == phantom::kCtExtraAxial)
      v += collection;
    v = v * gain + offset;
    if (noise > 0) v += static_cast<float>(noise) * N(rng);
  }
  ai::PlaneGrid three = g;
  three.slices = 3;
  inputChannels(hu, three, 1, SlabPlan{}, x);
  for (std::size_t i = 0; i < n; ++i) y[i] = static_cast<std::int64_t>(lab[n + i]);
}

/// Cross-entropy plus a soft Dice over the lesion classes (summed over the batch: the classes are rare, and a sample
/// without one must not count as a perfect score).
torch::Tensor segmentationLoss(const torch::Tensor& logits, const torch::Tensor& label) {
  const torch::Tensor ce = torch::nn::functional::cross_entropy(logits, label);
  const torch::Tensor p = torch::softmax(logits, 1);
  const torch::Tensor onehot = torch::one_hot(label, kClasses).permute({0, 3, 1, 2}).to(torch::kFloat);
  const torch::Tensor inter = (p * onehot).sum({0, 2, 3}), sums = (p + onehot).sum({0, 2, 3});
  const torch::Tensor dice = 1 - (2 * inter + 1) / (sums + 1);
  return ce + dice.slice(0, 1).mean();
}

/// Mean 3D Dice of hematoma and of edema over the tuning studies that hold the class.
struct TuningScore {
  double hematoma = 0, edema = 0;
  double mean() const { return (hematoma + edema) / 2; }
};
TuningScore tune(CtSegNet& net, const std::vector<Study>& studies, const torch::Device& device) {
  std::vector<double> h, e;
  for (const Study& s : studies) {
    const SegmentResult r = segmentStudy(net, *s.c.ct, device);
    if (s.c.hematomaMl > 0) h.push_back(dice(*r.labels, *s.c.labels, phantom::kCtHematoma));
    if (s.c.edemaMl > 0) e.push_back(dice(*r.labels, *s.c.labels, phantom::kCtEdema));
  }
  return {h.empty() ? 0.0 : core::mean(h), e.empty() ? 0.0 : core::mean(e)};
}

int train(const TrainOptions& o, const std::string& command) {
  const auto t0 = Clock::now();
  ai::TorchSession session(ai::Device::Auto, o.threads);
  torch::manual_seed(o.seed);
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  std::cout << "device: " << session.describe() << std::endl;
  CtSegConfig cfg;
  cfg.baseWidth = o.baseWidth;
  const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::thread::hardware_concurrency());
  const std::vector<Study> trainSet = renderStudies(o.phantoms, o.phantomSeed, cfg, threads);
  const std::vector<Study> tuneSet = renderStudies(o.tuning, o.tuningSeed, cfg, threads);
  std::size_t lesionSlices = 0;
  for (const auto& s : trainSet) lesionSlices += s.lesionSlices.size();
  std::cout << "phantoms: " << trainSet.size() << " training studies (" << o.phantoms << " patients of seed "
            << o.phantomSeed << ", every time point), " << lesionSlices
            << " slices with a lesion; tuning: " << tuneSet.size() << " studies (" << o.tuning << " patients of seed "
            << o.tuningSeed << ") | " << core::fixed(std::chrono::duration<double>(Clock::now() - t0).count(), 0)
            << " s" << std::endl;

  CtSegNet net(cfg), ema(cfg);
  net->to(session.device());
  ema->to(session.device());
  ai::updateAverage(*ema, *net, 0.0);
  std::size_t params = 0;
  for (const auto& p : net->parameters()) params += static_cast<std::size_t>(p.numel());
  std::cout << "network: " << params << " parameters, training crop " << o.crop << " (inference " << cfg.crop << "), "
            << cfg.spacingMm << " mm/pixel" << std::endl;
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(1e-4));
  long step = 0;

  ai::ModelManifest manifest = ctSegManifestFor(cfg, o.version);
  manifest.training.data = std::to_string(trainSet.size()) + " head-ct phantom studies (" + std::to_string(o.phantoms) +
                           " patients of seed " + std::to_string(o.phantomSeed) +
                           ", every time point, labels hematoma / edema / extra-axial); checkpoint chosen on " +
                           std::to_string(tuneSet.size()) + " studies (" + std::to_string(o.tuning) +
                           " patients) of tuning seed " + std::to_string(o.tuningSeed);
  manifest.training.seed = o.seed;
  manifest.training.dataSeed = o.phantomSeed;
  manifest.training.command = command;
  manifest.training.studies = static_cast<int>(trainSet.size());
  manifest.training.validationStudies = static_cast<int>(tuneSet.size());
  const std::int64_t crop = o.crop;
  const std::size_t plane = static_cast<std::size_t>(crop * crop);
  double best = -1;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto te = Clock::now();
    const double lr = ai::setCosineLearningRate(opt, o.lr, epoch, o.epochs);
    net->train();
    double sum = 0;
    for (int it = 0; it < o.iterations; ++it) {
      torch::Tensor x = torch::empty({o.batch, kChannels, crop, crop}, torch::kFloat);
      torch::Tensor y = torch::empty({o.batch, crop, crop}, torch::kLong);
      for (int b = 0; b < o.batch; ++b) {
        const Study& s =
            trainSet[static_cast<std::size_t>(U(rng) * static_cast<double>(trainSet.size())) % trainSet.size()];
        drawSample(s, o.crop, rng, x.data_ptr<float>() + static_cast<std::size_t>(b) * kChannels * plane,
                   y.data_ptr<std::int64_t>() + static_cast<std::size_t>(b) * plane);
      }
      const auto dev = session.device();
      const torch::Tensor loss = segmentationLoss(net->forward(x.to(dev)), y.to(dev));
      opt.zero_grad();
      loss.backward();
      opt.step();
      ++step;
      ai::updateAverage(*ema, *net, o.ema > 0 ? std::min(o.ema, (1.0 + step) / (10.0 + step)) : 0.0);
      sum += loss.item<double>();
    }
    const double trainSeconds = std::chrono::duration<double>(Clock::now() - te).count();
    ema->eval();
    const TuningScore score = tune(ema, tuneSet, session.device());
    const bool improved = score.mean() > best;
    std::cout << "epoch " << epoch << "/" << o.epochs << " lr " << core::fixed(lr, 5) << " loss "
              << core::fixed(sum / o.iterations, 4) << " | tuning dice hematoma " << core::fixed(score.hematoma, 4)
              << " edema " << core::fixed(score.edema, 4) << " | train " << core::fixed(trainSeconds, 0)
              << " s, tuning "
              << core::fixed(std::chrono::duration<double>(Clock::now() - te).count() - trainSeconds, 0) << " s"
              << (improved ? " *" : "") << std::endl;
    if (improved) {
      best = score.mean();
      manifest.training.epochs = epoch;
      manifest.training.date = ai::trainingDateNow();
      manifest.metrics = {{"tune.dice_hematoma", score.hematoma}, {"tune.dice_edema", score.edema}};
      manifest.metricsNote =
          "tune.* = mean 3D Dice on the tuning phantoms (seed " + std::to_string(o.tuningSeed) + ", " +
          std::to_string(tuneSet.size()) +
          " studies), chosen on them (best mean of hematoma and "
          "edema of " +
          std::to_string(epoch) +
          " epochs): tuning figures, not held-out. Held-out figures: `openrad-cli eval ct-hemorrhage`.";
      const std::string sha = saveCtSegModel(ema, manifest, o.outDir);
      std::cout << "  saved " << o.outDir << " (sha256 " << sha << ")" << std::endl;
    }
    if (ai::trainingTimeUp(t0, o.minutes, epoch)) break;
  }
  return 0;
}

}  // namespace

std::function<int()> setupTrain(CLI::App& cmd) {
  auto o = std::make_shared<TrainOptions>();
  cmd.add_option("--out", o->outDir, "Model folder to write")->capture_default_str();
  cmd.add_option("--phantoms", o->phantoms, "Training phantom patients (every time point of each)")
      ->capture_default_str();
  cmd.add_option("--phantom-seed", o->phantomSeed, "Seed of the training phantoms")->capture_default_str();
  cmd.add_option("--tuning", o->tuning, "Tuning phantom patients (checkpoint)")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  cmd.add_option("--tuning-seed", o->tuningSeed, "Seed of the tuning phantoms")->capture_default_str();
  cmd.add_option("--epochs", o->epochs, "Epochs")->capture_default_str()->check(CLI::PositiveNumber);
  cmd.add_option("--iterations", o->iterations, "Batches per epoch")->capture_default_str()->check(CLI::PositiveNumber);
  cmd.add_option("--batch", o->batch, "Batch size")->capture_default_str()->check(CLI::Range(2, 64));
  cmd.add_option("--crop", o->crop, "Training crop (pixels of 1 mm, multiple of 32; inference reads 224)")
      ->capture_default_str();
  cmd.add_option("--base-width", o->baseWidth, "Channels of the first stage")
      ->capture_default_str()
      ->check(CLI::Range(4, 64));
  cmd.add_option("--lr", o->lr, "Peak learning rate (cosine decay)")->capture_default_str();
  cmd.add_option("--ema", o->ema, "Decay of the saved weight average (0 = raw weights)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.9999));
  cmd.add_option("--minutes", o->minutes, "Stop after this many minutes (0 = no limit)")->capture_default_str();
  cmd.add_option("--seed", o->seed, "Seed (initialisation, sampling, augmentation)")->capture_default_str();
  cmd.add_option("--threads", o->threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd.add_option("--version", o->version, "Model version written to the manifest")->capture_default_str();
  return [o] {
    if (o->crop % 32 != 0 || o->crop < 64)
      throw CLI::ValidationError("--crop", "must be a multiple of 32, at least 64");
    if (o->tuningSeed == o->phantomSeed) throw CLI::ValidationError("--tuning-seed", "must differ from --phantom-seed");
    std::ostringstream c;
    c << "openrad-cli train ct-hemorrhage --out " << o->outDir << " --phantoms " << o->phantoms << " --phantom-seed "
      << o->phantomSeed << " --tuning " << o->tuning << " --tuning-seed " << o->tuningSeed << " --epochs " << o->epochs
      << " --iterations " << o->iterations << " --batch " << o->batch << " --crop " << o->crop << " --base-width "
      << o->baseWidth << " --lr " << o->lr << " --ema " << o->ema << " --seed " << o->seed << " --version "
      << o->version;
    if (o->minutes > 0) c << " --minutes " << o->minutes;
    return train(*o, c.str());
  };
}

}  // namespace openrad::modules::ct_hemorrhage
