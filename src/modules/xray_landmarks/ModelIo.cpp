#include "ModelIo.h"

#include "Preprocess.h"
#include "openrad/ai/Sha256.h"
#include "openrad/ai/InferenceThreads.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"

#include <algorithm>
#include <filesystem>

namespace openrad::ai::xray {

NetConfig netConfigFrom(const ModelManifest& manifest) {
  NetConfig c;
  c.inputWidth = manifest.input.width;
  c.inputHeight = manifest.input.height;
  c.baseWidth = static_cast<int>(manifest.param("baseWidth", c.baseWidth));
  c.vertebrae = static_cast<int>(manifest.param("vertebrae", c.vertebrae));
  return c;
}

ModelManifest manifestFor(const NetConfig& config, const std::string& version) {
  ModelManifest m;
  m.id = kXrayLandmarksId;
  m.version = version;
  m.architecture =
      "LandmarkNet: ResNet-style encoder (stem + 5 residual stages to stride 32), U-Net decoder to stride 4 "
      "with coordinate channels; heads: 17 vertebra-centre heatmaps (focal loss) + 10 regression maps "
      "(centre sub-pixel offset, 4 corner offsets, L1)";
  m.architectureParams = {{"baseWidth", config.baseWidth},
                          {"vertebrae", config.vertebrae},
                          {"outputStride", NetConfig::kStride},
                          {"offsetScale", NetConfig::kOffsetScale}};
  m.input.width = config.inputWidth;
  m.input.height = config.inputHeight;
  m.input.channels = 3;
  m.input.preprocessing =
      "window to the 0.5-99.5 % intensity percentiles -> 8 bit; area-resize to 2x input height; letterbox; "
      "channels: raw, CLAHE (clip 2, 4x8 tiles), histogram-equalised";
  m.input.normalisation = "(x/255 - 0.5) * 4 per channel";
  m.input.resize = "letterbox: uniform scale to fit, centred, zero padding; the affine map is inverted to "
                   "return corners in original pixels";
  m.labels = measure::apCornerNames();
  m.weightsFile = kWeightsFile;
  return m;
}

std::string saveModel(LandmarkNet& net, ModelManifest manifest, const std::string& dir) {
  return ai::saveModel(net.ptr(), std::move(manifest), dir, kWeightsFile);
}

std::vector<Prediction> predictBases(LandmarkNet& net, const std::vector<cv::Mat>& bases, const torch::Device& device,
                                     const InferenceOptions& opt) {
  const NetConfig& cfg = net->config();
  const cv::Size input(cfg.inputWidth, cfg.inputHeight);
  DecodeOptions dec = opt.decode;
  dec.stride = NetConfig::kStride;
  dec.offsetScale = NetConfig::kOffsetScale;
  // Half an output cell: each pass samples the regression on another grid alignment.
  const std::array<std::array<double, 2>, 4> shifts = {{{0, 0}, {2, 2}, {2, 0}, {0, 2}}};
  const auto passes = static_cast<std::size_t>(std::clamp(opt.shifts, 1, 4));
  const std::size_t n = bases.size() * passes;
  torch::Tensor x = torch::empty({static_cast<int64_t>(n), 3, cfg.inputHeight, cfg.inputWidth}, torch::kFloat);
  const std::size_t plane = static_cast<std::size_t>(3 * cfg.inputHeight * cfg.inputWidth);
  for (std::size_t b = 0; b < bases.size(); ++b)
    for (std::size_t q = 0; q < passes; ++q) {
      const cv::Matx23d shift(1, 0, shifts[q][0], 0, 1, shifts[q][1]);
      const cv::Mat in8 = warpToInput(bases[b], compose(shift, letterbox(bases[b].size(), input)), input);
      makeChannels(in8, true, x.data_ptr<float>() + (b * passes + q) * plane);
    }
  // The mirrored inputs go through in the same batch (images n..2n-1).
  if (opt.flip) x = torch::cat({x, torch::flip(x, {3})}, 0);
  NetOutput out;
  if (device.is_cpu()) {
    // The batch in one part per inference thread, each part single-threaded (see inferenceParallelFor): eval-mode
    // layers treat the images of a batch independently, so this is the whole batch's result. Beside a busy process
    // it is faster than splitting every operator over the threads; one image per part would repeat the network's
    // per-call cost too often (measured with `openrad-cli bench xray-landmarks`).
    const int64_t parts = std::min<int64_t>(x.size(0), inferenceThreads());
    const int64_t chunk = (x.size(0) + parts - 1) / parts;
    const auto count = static_cast<std::size_t>((x.size(0) + chunk - 1) / chunk);
    std::vector<torch::Tensor> heat(count), regression(count);
    inferenceParallelFor(count, [&](std::size_t i) {
      const int64_t first = static_cast<int64_t>(i) * chunk;
      NetOutput one = net->forward(x.narrow(0, first, std::min(chunk, x.size(0) - first)));
      heat[i] = one.heatLogits;
      regression[i] = one.regression;
    });
    out.heatLogits = torch::cat(heat, 0);
    out.regression = torch::cat(regression, 0);
  } else {
    c10::InferenceMode guard;
    out = net->forward(x.to(device));
  }
  const std::vector<OutputMaps> maps = toMaps(out);
  std::vector<Prediction> result(bases.size());
  for (std::size_t b = 0; b < bases.size(); ++b) {
    std::vector<DecodedCorners> perPass;
    for (std::size_t q = 0; q < passes; ++q) {
      const std::size_t i = b * passes + q;
      const OutputMaps back = opt.flip ? mirroredMaps(maps[n + i]) : OutputMaps{};
      perPass.push_back(decodeMaps(maps[i], opt.flip ? &back : nullptr, dec));
      for (auto& p : perPass.back().points) p = {p[0] - shifts[q][0], p[1] - shifts[q][1]};  // to the unshifted input
    }
    const DecodedCorners d = combinePasses(perPass, opt.passSigma);
    const cv::Matx23d toBase = invert(letterbox(bases[b].size(), input));
    for (std::size_t k = 0; k < static_cast<std::size_t>(measure::kApCorners); ++k) {
      result[b].corners[k] = apply(toBase, {d.points[k][0], d.points[k][1]});
      result[b].confidence[k] = d.confidence[k];
    }
  }
  return result;
}

Prediction predictImage(LandmarkNet& net, const core::Image& image, const torch::Device& device,
                        const InferenceOptions& options) {
  const BaseImage base = makeBase(image, 2 * net->config().inputHeight);
  Prediction p = predictBases(net, {base.gray}, device, options).front();
  const cv::Matx23d back = invert(base.fromOriginal);
  for (auto& c : p.corners) c = apply(back, c);
  return p;
}

}  // namespace openrad::ai::xray
