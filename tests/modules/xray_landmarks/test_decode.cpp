// White-box tests of the xray-landmarks decoder (private header, plain C++: no network needed).
#include "Decode.h"

#include "openrad/modules/xray_landmarks/LandmarkAugment.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace openrad;
using namespace openrad::ai::xray;

namespace {

constexpr int kLevels = 17, kH = 64, kW = 32;

/// Adds a Gaussian bump (σ = 1 cell) of height `peak` at cell (x, y) to one level.
void bump(OutputMaps& m, int level, double x, double y, double peak) {
  for (int yy = 0; yy < m.height; ++yy)
    for (int xx = 0; xx < m.width; ++xx) {
      const double v = peak * std::exp(-((xx - x) * (xx - x) + (yy - y) * (yy - y)) / 2.0);
      m.heatAt(level, yy, xx) = std::max(m.heatAt(level, yy, xx), static_cast<float>(v));
    }
}

/// Vertebra centre of level l (cells): a gentle curve down the map, 3.5 cells apart.
std::array<int, 2> centreOf(int l) { return {14 + (l > 8 ? 2 : 0) + (l > 12 ? 1 : 0), 3 + (7 * l) / 2}; }

/// A clean output: one bump per level at its centre; the regression everywhere says "the centre is this
/// cell, corners ±(1, 0.75) cells (tl, tr, bl, br)", with a tilt-like asymmetry so left and right differ.
OutputMaps cleanMaps() {
  OutputMaps m(kLevels, kH, kW);
  for (int l = 0; l < kLevels; ++l) bump(m, l, centreOf(l)[0], centreOf(l)[1], 0.9);
  const double scale = DecodeOptions{}.offsetScale;
  const double off[4][2] = {{-1.0, -0.75}, {1.0, -0.5}, {-1.0, 0.75}, {1.0, 1.0}};
  for (int y = 0; y < kH; ++y)
    for (int x = 0; x < kW; ++x) {
      m.regAt(0, y, x) = 0.25f;
      m.regAt(1, y, x) = -0.25f;
      for (int c = 0; c < 4; ++c) {
        m.regAt(2 + 2 * c, y, x) = static_cast<float>(off[c][0] / scale);
        m.regAt(3 + 2 * c, y, x) = static_cast<float>(off[c][1] / scale);
      }
    }
  return m;
}

/// Input-pixel centre of a decoded vertebra (mean of its 4 corners).
std::array<double, 2> decodedCentre(const DecodedCorners& d, int level) {
  double x = 0, y = 0;
  for (int c = 0; c < 4; ++c) {
    x += d.points[static_cast<std::size_t>(4 * level + c)][0] / 4.0;
    y += d.points[static_cast<std::size_t>(4 * level + c)][1] / 4.0;
  }
  return {x, y};
}

/// Input-pixel centre the decoder must give for level l of cleanMaps (stride 4, sub-cell (0.25, −0.25),
/// corner offsets averaging (0, 0.125) cells).
std::array<double, 2> expectedCentre(int l) {
  return {4.0 * (centreOf(l)[0] + 0.25) + 1.5, 4.0 * (centreOf(l)[1] - 0.25 + 0.125) + 1.5};
}

}  // namespace

TEST(XrayDecode, PeakCandidatesPutTheArgmaxFirstThenLocalMaxima) {
  OutputMaps m(1, 20, 10);
  bump(m, 0, 3, 5, 0.5);
  bump(m, 0, 6, 14, 0.8);
  const auto c = peakCandidates(m, 0, 5);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].x, 6);
  EXPECT_EQ(c[0].y, 14);
  EXPECT_NEAR(c[0].heat, 0.8f, 1e-6);
  EXPECT_EQ(c[1].x, 3);
  EXPECT_EQ(c[1].y, 5);
  EXPECT_EQ(peakCandidates(m, 0, 1).size(), 1u);
}

TEST(XrayDecode, CleanMapsDecodeToTheirCentresAndCorners) {
  const OutputMaps m = cleanMaps();
  const DecodedCorners d = decodeMaps(m, nullptr, DecodeOptions{});
  ASSERT_EQ(d.points.size(), 68u);
  ASSERT_EQ(d.confidence.size(), 68u);
  for (int l = 0; l < kLevels; ++l) {
    const auto c = decodedCentre(d, l), e = expectedCentre(l);
    EXPECT_NEAR(c[0], e[0], 1e-4) << "level " << l;
    EXPECT_NEAR(c[1], e[1], 1e-4) << "level " << l;
    // tl is 4·(−1, −0.75) input pixels from the (sub-cell) centre.
    EXPECT_NEAR(d.points[static_cast<std::size_t>(4 * l)][0], 4.0 * (centreOf(l)[0] + 0.25 - 1.0) + 1.5, 1e-4);
    EXPECT_NEAR(d.confidence[static_cast<std::size_t>(4 * l)], 0.9, 1e-6);
  }
}

TEST(XrayDecode, OrderedDecodingRecoversALevelWhoseArgmaxIsOnItsNeighbour) {
  OutputMaps m = cleanMaps();
  // Level 7 (T8) fires strongest on T9's peak; its own peak is there but weaker.
  std::fill(m.heat.begin() + 7 * kH * kW, m.heat.begin() + 8 * kH * kW, 0.0f);
  bump(m, 7, centreOf(8)[0], centreOf(8)[1], 0.95);
  bump(m, 7, centreOf(7)[0], centreOf(7)[1], 0.45);

  DecodeOptions argmaxOnly;
  argmaxOnly.candidates = 1;
  const DecodedCorners plain = decodeMaps(m, nullptr, argmaxOnly);
  EXPECT_NEAR(decodedCentre(plain, 7)[1], expectedCentre(8)[1], 1e-4) << "arg-max lands on the neighbour";

  const DecodedCorners ordered = decodeMaps(m, nullptr, DecodeOptions{});
  for (int l = 0; l < kLevels; ++l) {
    EXPECT_NEAR(decodedCentre(ordered, l)[0], expectedCentre(l)[0], 1e-4) << "level " << l;
    EXPECT_NEAR(decodedCentre(ordered, l)[1], expectedCentre(l)[1], 1e-4) << "level " << l;
  }
  EXPECT_NEAR(ordered.confidence[28], 0.45, 1e-3) << "the weaker peak's heat is T8's confidence";
}

TEST(XrayDecode, OrderedPeaksPreferAnEvenDownwardChain) {
  // Three levels, the middle one has a strong candidate above level 0 and a weaker one in between.
  std::vector<std::vector<PeakCandidate>> c = {{{10, 10, 0.9f}}, {{10, 5, 0.9f}, {10, 14, 0.5f}}, {{10, 18, 0.9f}}};
  EXPECT_EQ(orderedPeaks(c, DecodeOptions{}), (std::vector<int>{0, 1, 0}));
  c[1] = {{10, 14, 0.9f}, {10, 5, 0.5f}};
  EXPECT_EQ(orderedPeaks(c, DecodeOptions{}), (std::vector<int>{0, 0, 0}));
  EXPECT_THROW(orderedPeaks({{}, {{1, 1, 0.5f}}}, DecodeOptions{}), std::invalid_argument);
}

TEST(XrayDecode, MirroringTwiceIsTheIdentity) {
  const OutputMaps m = cleanMaps();
  const OutputMaps back = mirroredMaps(mirroredMaps(m));
  EXPECT_EQ(back.heat, m.heat);
  EXPECT_EQ(back.regression, m.regression);
}

TEST(XrayDecode, FlipTtaIsConsistentWithTheTrainersFlip) {
  const OutputMaps m = cleanMaps();
  const int inputWidth = kW * DecodeOptions{}.stride;
  const DecodedCorners d = decodeMaps(m, nullptr, DecodeOptions{});
  // The maps of a mirrored picture decode to the mirrored corners with swapped labels.
  const DecodedCorners dm = decodeMaps(mirroredMaps(m), nullptr, DecodeOptions{});
  measure::ApCorners a;
  for (std::size_t k = 0; k < a.size(); ++k) a[k] = {d.points[k][0], d.points[k][1]};
  const measure::ApCorners flipped = ai::flipCornersHorizontally(a, inputWidth);
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_NEAR(dm.points[k][0], flipped[k].x(), 1e-4) << k;
    EXPECT_NEAR(dm.points[k][1], flipped[k].y(), 1e-4) << k;
  }
  // A network that is exactly mirror-equivariant: the mirrored pass brought back equals the plain one, so
  // flip TTA changes neither the corners nor the confidence.
  const OutputMaps back = mirroredMaps(mirroredMaps(m));
  const DecodedCorners tta = decodeMaps(m, &back, DecodeOptions{});
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_NEAR(tta.points[k][0], d.points[k][0], 1e-9);
    EXPECT_NEAR(tta.points[k][1], d.points[k][1], 1e-9);
    EXPECT_NEAR(tta.confidence[k], d.confidence[k], 1e-9);
  }
}

TEST(XrayDecode, CornerConfidenceDropsWhereFlipPassesDisagree) {
  const OutputMaps m = cleanMaps();
  OutputMaps other = m;
  // The other pass puts T5's top-right corner 3 cells (12 input pixels) further right.
  const auto c = centreOf(4);
  other.regAt(2 + 2 * 1, c[1], c[0]) += static_cast<float>(3.0 / DecodeOptions{}.offsetScale);
  const DecodedCorners d = decodeMaps(m, &other, DecodeOptions{});
  for (double v : d.confidence) {
    EXPECT_GE(v, 0.0);
    EXPECT_LE(v, 1.0);
  }
  EXPECT_LT(d.confidence[17], 0.01) << "readings 12 px apart: exp(-12² / 2²)";
  EXPECT_NEAR(d.confidence[16], 0.9, 1e-6) << "the other corners agree";
  EXPECT_NEAR(d.points[17][0], 0.5 * (4.0 * (c[0] + 0.25 + 1.0) + 1.5) + 0.5 * (4.0 * (c[0] + 0.25 + 4.0) + 1.5), 1e-4);
}

TEST(XrayDecode, CombinedPassesAverageAndPenaliseSpread) {
  DecodedCorners a, b;
  a.points = {{10, 10}, {20, 20}};
  b.points = {{10, 10}, {24, 20}};
  a.confidence = {0.8, 0.8};
  b.confidence = {0.6, 1.0};
  const DecodedCorners c = combinePasses({a, b}, 2.0);
  EXPECT_NEAR(c.points[1][0], 22.0, 1e-12);
  EXPECT_NEAR(c.confidence[0], 0.7, 1e-12);
  EXPECT_NEAR(c.confidence[1], 0.9 * std::exp(-4.0 / 4.0), 1e-12);  // each 2 px from the mean
  EXPECT_NEAR(combinePasses({a, b}, 0.0).confidence[1], 0.9, 1e-12);
  EXPECT_THROW(combinePasses({}, 2.0), std::invalid_argument);
}
