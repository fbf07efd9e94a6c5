#pragma once

// Private to the xray-landmarks module: turning the network's output maps into 68 ordered corners.
// Plain C++ (no Torch), so the decoder is tested on synthetic maps without a network.
#include <array>
#include <cstddef>
#include <vector>

namespace openrad::ai::xray {

/// The output maps of one image on the CPU, channel-major. Cell (x, y) of a stride-s map covers input
/// pixels s·x .. s·x + s − 1; its centre is s·x + (s − 1)/2.
struct OutputMaps {
  int levels = 17;  ///< vertebra heatmap channels, T1 first
  int height = 0, width = 0;
  std::vector<float> heat;  ///< levels × height × width, probabilities 0..1 (after the sigmoid)
  /// 10 × height × width: centre sub-cell offset (dx, dy), then the offsets of the corners tl, tr, bl, br
  /// from the centre as (dx, dy), in cells divided by NetConfig::kOffsetScale.
  std::vector<float> regression;

  OutputMaps() = default;
  OutputMaps(int levels, int height, int width);
  float heatAt(int level, int y, int x) const { return heat[index(level, y, x)]; }
  float& heatAt(int level, int y, int x) { return heat[index(level, y, x)]; }
  float regAt(int channel, int y, int x) const { return regression[index(channel, y, x)]; }
  float& regAt(int channel, int y, int x) { return regression[index(channel, y, x)]; }

 private:
  std::size_t index(int c, int y, int x) const {
    return (static_cast<std::size_t>(c) * static_cast<std::size_t>(height) + static_cast<std::size_t>(y)) *
               static_cast<std::size_t>(width) +
           static_cast<std::size_t>(x);
  }
};

/// The maps a network gives for the horizontally mirrored input, brought back to the original frame:
/// columns reversed, horizontal offsets negated, left and right corners swapped (measure::mirroredCornerIndex).
/// Exact when the input width is a multiple of the stride.
OutputMaps mirroredMaps(const OutputMaps& maps);

/// Decoder settings (defaults: tuned on phantoms of seed 555, see docs/ai.md).
struct DecodeOptions {
  int stride = 4;            ///< output stride of the maps (NetConfig::kStride)
  double offsetScale = 4.0;  ///< corner offsets are regressed in cells / this (NetConfig::kOffsetScale)
  /// Local maxima (3×3) per level the ordered search chooses from; 1 = plain arg-max per level.
  int candidates = 5;
  /// Penalty weights of the ordered search (Viterbi over levels; costs add to −log heat):
  double spacingWeight = 0.5;  ///< (log of step length / median step)²
  double ratioWeight = 0.5;    ///< (log of step length / previous step length)²
  double turnWeight = 1.0;     ///< (angle between consecutive steps, radians)²
  /// Per-corner confidence = heat at the peak × exp(−d²/σ²), d = input-pixel distance between the
  /// unflipped and flipped estimates of that corner; σ in input pixels.
  double agreementSigma = 2.0;
};

/// A local maximum of one level's heatmap (cell coordinates).
struct PeakCandidate {
  int x = 0, y = 0;
  float heat = 0.0f;
};

/// Up to `count` 3×3 local maxima of level `level` with heat ≥ 0.001, strongest first; the arg-max is
/// always first (whatever its heat).
std::vector<PeakCandidate> peakCandidates(const OutputMaps& maps, int level, int count);

/// Chooses one candidate per level so the vertebra centres run top → bottom with even spacing and few
/// turns (Viterbi over levels; state = candidate pair of two consecutive levels). Returns the index of
/// the chosen candidate per level. Levels with no candidate are not allowed.
std::vector<int> orderedPeaks(const std::vector<std::vector<PeakCandidate>>& candidates, const DecodeOptions& options);

/// Decoded landmarks of one image in network-input pixel coordinates.
struct DecodedCorners {
  std::vector<std::array<double, 2>> points;  ///< 4 · levels, AASCE order
  std::vector<double> confidence;             ///< per corner, 0..1
};

/// Decodes one image's maps: ordered peaks (orderedPeaks over peakCandidates), then centre and corners
/// read from the regression at each peak cell. `flippedBack` (mirroredMaps of the mirrored input's output)
/// is optional: when given, peaks are searched on the mean heatmap, each corner is the mean of both
/// readings and its confidence includes their agreement.
DecodedCorners decodeMaps(const OutputMaps& maps, const OutputMaps* flippedBack, const DecodeOptions& options);

/// Mean of several decodings of one image in the same frame (test-time passes): each corner is the mean
/// position; its confidence the mean confidence × exp(−s²/σ²), s² = mean squared distance of the passes'
/// positions from that mean (σ ≤ 0: no agreement factor). Throws std::invalid_argument when empty or
/// the passes differ in size.
DecodedCorners combinePasses(const std::vector<DecodedCorners>& passes, double sigma);

}  // namespace openrad::ai::xray
