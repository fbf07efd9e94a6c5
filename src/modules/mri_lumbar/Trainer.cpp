// `openrad-cli train mri-lumbar`: trains the segmentation network on the real train split (partial labels: each
// case labels only its own levels) together with in-memory lumbar-mri phantoms (bodies L1–S1, discs, canal), keeps the
// checkpoint with the best 3D Dice on the real val split.
#include "Hooks.h"
#include "SegNet.h"

#include "openrad/ai/TorchSession.h"
#include "openrad/io/IoError.h"
#include "openrad/modules/mri_lumbar/LumbarAnalysis.h"
#include "openrad/modules/mri_lumbar/LumbarDataset.h"
#include "openrad/modules/mri_lumbar/LumbarMetrics.h"
#include "openrad/phantom/LumbarMri.h"

#include <CLI/CLI.hpp>
#include <opencv2/core.hpp>
#include <opencv2/core/utility.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>

namespace openrad::modules::mri_lumbar {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kPi = 3.14159265358979323846;

struct TrainOptions {
  std::string data;        ///< real dataset folder (manifest.csv + nifti/)
  std::string outDir = "models/mri-lumbar";
  std::string trainSplit = "train", valSplit = "val";
  int phantoms = 40;       ///< in-memory lumbar-mri phantoms (T1 and T2 of each)
  std::uint64_t phantomSeed = 9101;
  double realShare = 0.7;  ///< share of real cases in a batch
  int epochs = 30, iterations = 120, batch = 6, crop = 192, baseWidth = 16;
  double lr = 2e-3;
  double minutes = 0;
  std::uint64_t seed = 1;
  int threads = 0;
  std::string version = "0.1.0";
  std::string init;
};

/// One case reduced to what training draws from.
struct TrainCase {
  std::string id;
  bool real = true;
  PlaneStack stack;
  std::vector<std::uint8_t> labels;  ///< on the plane grid (nearest), slices × H × W
  std::array<float, kClasses> bgAllowed{};  ///< classes a background-labelled pixel may be (unannotated ones)
  std::uint32_t annotated = 0;
  std::vector<int> bodySlices;
  double cx = 0, cy = 0;  ///< centroid of the annotated bodies (plane pixels)
};

TrainCase makeTrainCase(const std::string& id, bool real, const core::Image& image, const core::Image& labels,
                        std::uint32_t annotated, const SegConfig& cfg) {
  const auto f = measure::sagittalFrame(image.geometry());
  if (std::holds_alternative<std::string>(f)) throw io::IoError(id, std::get<std::string>(f));
  const auto& frame = std::get<measure::SagittalFrame>(f);
  TrainCase t;
  t.id = id;
  t.real = real;
  t.annotated = annotated;
  t.stack = makeStack(image, frame, cfg.spacingMm, 512);
  const std::vector<float> lab = sampleStack(labels, t.stack.grid, 0.0f, true);
  t.labels.resize(lab.size());
  for (std::size_t i = 0; i < lab.size(); ++i) t.labels[i] = static_cast<std::uint8_t>(lab[i]);
  for (int c = 0; c < kClasses; ++c) t.bgAllowed[static_cast<std::size_t>(c)] = (c == 0 || !(annotated & (1u << c))) ? 1.f : 0.f;
  const std::size_t plane = t.stack.plane();
  double sx = 0, sy = 0, n = 0;
  for (int s = 0; s < t.stack.grid.slices; ++s) {
    bool any = false;
    for (std::size_t i = 0; i < plane; ++i) {
      const int v = t.labels[plane * static_cast<std::size_t>(s) + i];
      if (isBody(v)) {
        any = true;
        sx += static_cast<double>(i % static_cast<std::size_t>(t.stack.grid.width));
        sy += static_cast<double>(i / static_cast<std::size_t>(t.stack.grid.width));
        ++n;
      }
    }
    if (any) t.bodySlices.push_back(s);
  }
  if (n == 0) throw io::IoError(id, "no labelled vertebral body");
  t.cx = sx / n, t.cy = sy / n;
  return t;
}

/// Augmented network input and target of one draw.
void drawSample(const TrainCase& c, int crop, std::mt19937_64& rng, float* x, std::int64_t* y) {
  std::uniform_real_distribution<double> U(0.0, 1.0);
  const PlaneStack& st = c.stack;
  const int W = st.grid.width, H = st.grid.height;
  const std::size_t plane = st.plane();
  const bool thin = st.grid.sliceSpacing <= 2.0;
  int s = U(rng) < 0.9 ? c.bodySlices[static_cast<std::size_t>(U(rng) * static_cast<double>(c.bodySlices.size())) % c.bodySlices.size()]
                       : static_cast<int>(U(rng) * st.grid.slices) % st.grid.slices;
  int thick = 1, step = 1;
  if (thin) {
    static const int thicks[] = {1, 2, 3, 3, 3, 4, 5};
    thick = thicks[static_cast<int>(U(rng) * 7) % 7];
    step = std::max(thick, 2 + static_cast<int>(U(rng) * 2));
    thick = std::max(1, static_cast<int>(std::lround(thick / st.grid.sliceSpacing)));
    step = std::max(1, static_cast<int>(std::lround(step / st.grid.sliceSpacing)));
  }
  std::vector<float> in(3 * plane);
  inputChannels(st, s, thick, step, in.data());
  if (U(rng) < 0.5) std::swap_ranges(in.begin(), in.begin() + static_cast<std::ptrdiff_t>(plane), in.begin() + 2 * static_cast<std::ptrdiff_t>(plane));
  // Intensity: gamma, T1/T2-like inversion of tissue (air stays dark), a smooth bias field, noise.
  const double gamma = std::exp((U(rng) - 0.5) * 0.9);
  const bool invert = U(rng) < 0.25;
  const double bx = (U(rng) - 0.5) * 0.8, by = (U(rng) - 0.5) * 0.8, bxy = (U(rng) - 0.5) * 0.6;
  const double noise = U(rng) < 0.6 ? U(rng) * 0.06 : 0.0;
  const double contrast = 0.8 + 0.4 * U(rng);
  std::normal_distribution<float> N(0.0f, 1.0f);
  for (int ch = 0; ch < 3; ++ch)
    for (int yy = 0; yy < H; ++yy)
      for (int xx = 0; xx < W; ++xx) {
        float& v = in[plane * static_cast<std::size_t>(ch) + static_cast<std::size_t>(yy * W + xx)];
        double t = (v + 1.0) / 2.0;  // back to the 0..1.5 window
        if (t <= 0.0) { v = -1.0f; continue; }
        if (invert && t > 0.04) t = std::max(0.04, 1.0 - t);
        t = std::pow(std::min(t, 1.5), gamma);
        const double px = 2.0 * xx / W - 1.0, py = 2.0 * yy / H - 1.0;
        t *= std::exp(bx * px + by * py + bxy * px * py) * contrast;
        if (noise > 0) t += noise * N(rng);
        v = static_cast<float>(std::clamp(t, 0.0, 1.5) * 2.0 - 1.0);
      }
  // Geometry: the crop around the spine, rotated, scaled, shifted.
  const double angle = (U(rng) - 0.5) * 30.0 * kPi / 180.0, scale = std::exp((U(rng) - 0.5) * 0.45);
  const double cx = c.cx + (U(rng) - 0.5) * 50.0, cy = c.cy + (U(rng) - 0.5) * 60.0;
  // Destination pixel d -> source: src = centre + R(angle) * (d - crop/2) / scale.
  const double ca = std::cos(angle) / scale, sa = std::sin(angle) / scale, h = (crop - 1) / 2.0;
  const cv::Matx23d toSrc(ca, -sa, cx - ca * h + sa * h, sa, ca, cy - sa * h - ca * h);
  for (int ch = 0; ch < 3; ++ch) {
    const cv::Mat src(H, W, CV_32F, in.data() + plane * static_cast<std::size_t>(ch));
    cv::Mat dst(crop, crop, CV_32F, x + static_cast<std::size_t>(crop * crop) * static_cast<std::size_t>(ch));
    cv::warpAffine(src, dst, toSrc, dst.size(), cv::INTER_LINEAR | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, cv::Scalar(-1.0));
  }
  const cv::Mat lab(H, W, CV_8U, const_cast<std::uint8_t*>(c.labels.data()) + plane * static_cast<std::size_t>(s));
  cv::Mat out;
  cv::warpAffine(lab, out, toSrc, cv::Size(crop, crop), cv::INTER_NEAREST | cv::WARP_INVERSE_MAP, cv::BORDER_CONSTANT, cv::Scalar(0));
  for (int i = 0; i < crop * crop; ++i) y[i] = out.data[i];
}

/// Cross-entropy over the classes a pixel may be (partial labels) plus a soft Dice over the annotated classes.
torch::Tensor partialLoss(const torch::Tensor& logits, const torch::Tensor& label, const torch::Tensor& bgAllowed,
                          const torch::Tensor& annotated) {
  const int64_t C = logits.size(1);
  const torch::Tensor onehot = torch::one_hot(label, C).permute({0, 3, 1, 2}).to(torch::kFloat);
  const torch::Tensor isBg = label.eq(0).unsqueeze(1).to(torch::kFloat);
  const torch::Tensor allowed = onehot * (1 - isBg) + isBg * bgAllowed.view({-1, C, 1, 1});
  const torch::Tensor ce = (torch::logsumexp(logits, 1) - torch::logsumexp(logits.masked_fill(allowed.eq(0), -1e4), 1)).mean();
  const torch::Tensor p = torch::softmax(logits, 1);
  const torch::Tensor inter = (p * onehot).sum({2, 3}), sums = p.sum({2, 3}) + onehot.sum({2, 3});
  const torch::Tensor dice = 1 - (2 * inter + 1) / (sums + 1);
  const torch::Tensor w = annotated;  // (B, C): classes annotated in the sample, background excluded
  const torch::Tensor diceLoss = (dice * w).sum() / w.sum().clamp_min(1);
  return ce + 0.5 * diceLoss;
}

std::string fmt(double v, int d = 3) {
  std::ostringstream s;
  s.setf(std::ios::fixed);
  s.precision(d);
  s << v;
  return s.str();
}

int train(const TrainOptions& o, const std::string& command) {
  const auto t0 = Clock::now();
  ai::TorchSession session(ai::Device::Auto, o.threads);
  cv::setNumThreads(1);
  torch::manual_seed(o.seed);
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<double> U(0.0, 1.0);
  std::cout << "device: " << session.describe() << std::endl;
  SegConfig cfg;
  cfg.baseWidth = o.baseWidth;

  std::vector<TrainCase> real, phantoms;
  const std::vector<LumbarCaseRef> trainRefs = listLumbarDataset(o.data, o.trainSplit);
  for (const auto& ref : trainRefs) {
    const LumbarCase c = loadLumbarCase(ref);
    real.push_back(makeTrainCase(ref.id, true, *c.image, *c.labels, ref.annotated, cfg));
  }
  std::vector<LumbarCase> val;
  for (const auto& ref : listLumbarDataset(o.data, o.valSplit)) val.push_back(loadLumbarCase(ref));
  std::cout << "real: " << real.size() << " train cases (split " << o.trainSplit << "), " << val.size()
            << " validation cases (split " << o.valSplit << ")" << std::endl;
  std::uint32_t phantomAnnotated = 0;
  for (int c = kL1; c <= kCanal; ++c) phantomAnnotated |= 1u << c;
  for (int i = 0; i < o.phantoms; ++i) {
    const phantom::LumbarMriCase pc = phantom::renderLumbarMri(phantom::sampleLumbarMriParams(o.phantomSeed, static_cast<std::uint64_t>(i)));
    auto lab = pc.labels->copy();
    std::uint8_t* L = lab->as<std::uint8_t>();
    for (std::int64_t k = 0; k < lab->geometry().voxelCount(); ++k) L[k] = fromPhantomLabel(L[k]);
    phantoms.push_back(makeTrainCase("phantom" + std::to_string(i) + "_t1", false, *pc.t1, *lab, phantomAnnotated, cfg));
    phantoms.push_back(makeTrainCase("phantom" + std::to_string(i) + "_t2", false, *pc.t2, *lab, phantomAnnotated, cfg));
  }
  std::cout << "phantoms: " << phantoms.size() << " series (" << o.phantoms << " cases of seed " << o.phantomSeed
            << ", T1 and T2)" << std::endl;
  if (real.empty() && phantoms.empty()) throw io::IoError(o.data, "no training cases");

  SegNet net(cfg);
  std::string initProvenance;
  if (!o.init.empty()) {
    const ai::ModelManifest init = ai::ModelManifest::read(o.init);
    init.verifyWeights(o.init);
    session.load(*net, init.weightsPath(o.init));
    // The starting weights' own history stays in the manifest: the shipped command alone would not reproduce them.
    initProvenance = "; initialised from " + o.init + " (sha256 " + init.sha256 + ", " +
                     std::to_string(init.training.epochs) + " epochs of: " + init.training.command + ")";
  }
  net->to(session.device());
  std::size_t params = 0;
  for (const auto& p : net->parameters()) params += static_cast<std::size_t>(p.numel());
  std::cout << "network: " << params << " parameters, crop " << o.crop << ", " << cfg.spacingMm << " mm/pixel" << std::endl;
  torch::optim::AdamW opt(net->parameters(), torch::optim::AdamWOptions(o.lr).weight_decay(1e-4));

  ai::ModelManifest manifest = segManifestFor(cfg, o.version);
  manifest.training.data = std::to_string(real.size()) + " real sagittal lumbar MRIs (split '" + o.trainSplit +
                           "' of " + std::filesystem::path(o.data).filename().string() + ", manual vertebral-body masks) and " + std::to_string(phantoms.size()) +
                           " lumbar-mri phantom series (seed " + std::to_string(o.phantomSeed) + ")";
  manifest.training.seed = o.seed;
  manifest.training.dataSeed = o.phantomSeed;
  manifest.training.command = command + initProvenance;
  manifest.training.studies = static_cast<int>(real.size() + phantoms.size());
  manifest.training.validationStudies = static_cast<int>(val.size());
  double best = -1;
  const std::int64_t crop = o.crop;
  for (int epoch = 1; epoch <= o.epochs; ++epoch) {
    const auto te = Clock::now();
    const double lr = ai::setCosineLearningRate(opt, o.lr, epoch, o.epochs);
    net->train();
    double sum = 0;
    for (int it = 0; it < o.iterations; ++it) {
      torch::Tensor x = torch::empty({o.batch, 3, crop, crop}, torch::kFloat);
      torch::Tensor y = torch::empty({o.batch, crop, crop}, torch::kLong);
      torch::Tensor bg = torch::empty({o.batch, kClasses}, torch::kFloat);
      torch::Tensor ann = torch::zeros({o.batch, kClasses}, torch::kFloat);
      for (int b = 0; b < o.batch; ++b) {
        const bool useReal = phantoms.empty() || (!real.empty() && U(rng) < o.realShare);
        const auto& pool = useReal ? real : phantoms;
        const TrainCase& c = pool[static_cast<std::size_t>(U(rng) * static_cast<double>(pool.size())) % pool.size()];
        drawSample(c, o.crop, rng, x.data_ptr<float>() + static_cast<std::size_t>(b) * 3 * static_cast<std::size_t>(crop * crop),
                   y.data_ptr<std::int64_t>() + static_cast<std::size_t>(b) * static_cast<std::size_t>(crop * crop));
        for (int k = 0; k < kClasses; ++k) {
          bg[b][k] = c.bgAllowed[static_cast<std::size_t>(k)];
          ann[b][k] = (k > 0 && (c.annotated & (1u << k))) ? 1.f : 0.f;
        }
      }
      const auto dev = session.device();
      const torch::Tensor loss = partialLoss(net->forward(x.to(dev)), y.to(dev), bg.to(dev), ann.to(dev));
      opt.zero_grad();
      loss.backward();
      opt.step();
      sum += loss.item<double>();
    }
    // Validation: the whole-series path on the real val split, 3D Dice.
    net->eval();
    double dice = 0, acc = 0;
    int bodies = 0, identified = 0;
    for (const auto& v : val) {
      const auto frame = std::get<measure::SagittalFrame>(measure::sagittalFrame(v.image->geometry()));
      const SegmentResult r = segmentSeries(net, *v.image, frame, session.device());
      checkLevels(*r.labels);  // the checkpoint is chosen on the labels a user gets, levels checked
      const VolumeScores s = scoreVolume(*r.labels, *v.labels, v.ref.annotated);
      dice += s.diceMean;
      bodies += s.bodies;
      identified += s.identified;
    }
    dice = val.empty() ? 0 : dice / static_cast<double>(val.size());
    acc = bodies ? static_cast<double>(identified) / bodies : 0;
    const bool improved = val.empty() || dice > best;
    std::cout << "epoch " << epoch << "/" << o.epochs << " lr " << fmt(lr, 5) << " loss " << fmt(sum / o.iterations, 4)
              << " | val dice " << fmt(dice, 4) << " level acc " << fmt(acc, 3) << " | "
              << fmt(std::chrono::duration<double>(Clock::now() - te).count(), 0) << " s" << (improved ? " *" : "")
              << std::endl;
    if (improved) {
      best = dice;
      manifest.training.epochs = epoch;
      manifest.training.date = ai::trainingDateNow();
      manifest.metrics = {{"val.dice_mean", dice}, {"val.level_accuracy", acc}};
      manifest.metricsNote = "val.* = real val split (" + std::to_string(val.size()) +
                             " cases), chosen on it (best of " + std::to_string(epoch) +
                             " epochs): a tuning figure, not held-out. Held-out figures: `openrad-cli eval mri-lumbar`.";
      const std::string sha = saveSegModel(net, manifest, o.outDir);
      std::cout << "  saved " << o.outDir << " (sha256 " << sha << ")" << std::endl;
    }
    if (ai::trainingTimeUp(t0, o.minutes, epoch)) break;
  }
  return 0;
}

}  // namespace

std::function<int()> setupTrain(CLI::App& cmd) {
  auto o = std::make_shared<TrainOptions>();
  cmd.add_option("--data", o->data, "Real dataset folder (manifest.csv + nifti/, e.g. ../shared/data/mri-lumbar-real)")->required();
  cmd.add_option("--out", o->outDir, "Model folder to write")->capture_default_str();
  cmd.add_option("--train-split", o->trainSplit, "Manifest split(s) trained on")->capture_default_str();
  cmd.add_option("--val-split", o->valSplit, "Manifest split(s) the checkpoint is chosen on")->capture_default_str();
  cmd.add_option("--phantoms", o->phantoms, "In-memory lumbar-mri phantom cases added (T1 and T2 of each)")->capture_default_str();
  cmd.add_option("--phantom-seed", o->phantomSeed, "Seed of those phantoms")->capture_default_str();
  cmd.add_option("--real-share", o->realShare, "Share of real cases in a batch")->capture_default_str();
  cmd.add_option("--epochs", o->epochs, "Epochs")->capture_default_str()->check(CLI::PositiveNumber);
  cmd.add_option("--iterations", o->iterations, "Batches per epoch")->capture_default_str()->check(CLI::PositiveNumber);
  cmd.add_option("--batch", o->batch, "Batch size")->capture_default_str()->check(CLI::Range(2, 64));
  cmd.add_option("--crop", o->crop, "Training crop (pixels, multiple of 32)")->capture_default_str();
  cmd.add_option("--base-width", o->baseWidth, "Channels of the first stage")->capture_default_str();
  cmd.add_option("--lr", o->lr, "Peak learning rate (cosine decay)")->capture_default_str();
  cmd.add_option("--minutes", o->minutes, "Stop after this many minutes (0 = no limit)")->capture_default_str();
  cmd.add_option("--seed", o->seed, "Seed (initialisation, sampling, augmentation)")->capture_default_str();
  cmd.add_option("--threads", o->threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd.add_option("--version", o->version, "Model version written to the manifest")->capture_default_str();
  cmd.add_option("--init", o->init, "Start from this model folder's weights");
  return [o] {
    if (o->crop % 32 != 0) throw CLI::ValidationError("--crop", "must be a multiple of 32");
    std::ostringstream c;
    c << "openrad-cli train mri-lumbar --data " << o->data << " --out " << o->outDir << " --train-split " << o->trainSplit
      << " --val-split " << o->valSplit << " --phantoms " << o->phantoms << " --phantom-seed " << o->phantomSeed
      << " --real-share " << o->realShare << " --epochs " << o->epochs << " --iterations " << o->iterations
      << " --batch " << o->batch << " --crop " << o->crop << " --base-width " << o->baseWidth << " --lr " << o->lr
      << " --seed " << o->seed << " --version " << o->version;
    if (o->minutes > 0) c << " --minutes " << o->minutes;
    if (!o->init.empty()) c << " --init " << o->init;
    return train(*o, c.str());
  };
}

}  // namespace openrad::modules::mri_lumbar
