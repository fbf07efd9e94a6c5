#include "Decode.h"

#include "openrad/measure/SpineLandmarks.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace openrad::ai::xray {

OutputMaps::OutputMaps(int levels_, int height_, int width_)
    : levels(levels_),
      height(height_),
      width(width_),
      heat(static_cast<std::size_t>(levels_ * height_ * width_), 0.0f),
      regression(static_cast<std::size_t>(10 * height_ * width_), 0.0f) {}

OutputMaps mirroredMaps(const OutputMaps& m) {
  OutputMaps out(m.levels, m.height, m.width);
  const int w = m.width;
  for (int y = 0; y < m.height; ++y)
    for (int x = 0; x < w; ++x) {
      const int mx = w - 1 - x;
      for (int l = 0; l < m.levels; ++l) out.heatAt(l, y, x) = m.heatAt(l, y, mx);
      out.regAt(0, y, x) = -m.regAt(0, y, mx);
      out.regAt(1, y, x) = m.regAt(1, y, mx);
      for (int c = 0; c < measure::kCornersPerVertebra; ++c) {
        const int from = measure::mirroredCornerIndex(c);  // the mirrored picture's tl is this picture's tr
        out.regAt(2 + 2 * c, y, x) = -m.regAt(2 + 2 * from, y, mx);
        out.regAt(3 + 2 * c, y, x) = m.regAt(3 + 2 * from, y, mx);
      }
    }
  return out;
}

std::vector<PeakCandidate> peakCandidates(const OutputMaps& maps, int level, int count) {
  std::vector<PeakCandidate> all;
  PeakCandidate best{0, 0, -1.0f};
  for (int y = 0; y < maps.height; ++y)
    for (int x = 0; x < maps.width; ++x) {
      const float v = maps.heatAt(level, y, x);
      if (v > best.heat) best = {x, y, v};
      bool isMax = true;
      for (int dy = -1; dy <= 1 && isMax; ++dy)
        for (int dx = -1; dx <= 1 && isMax; ++dx) {
          const int yy = y + dy, xx = x + dx;
          if ((dx || dy) && yy >= 0 && xx >= 0 && yy < maps.height && xx < maps.width) {
            const float n = maps.heatAt(level, yy, xx);
            // Plateaus: the first cell in scan order wins.
            isMax = n < v || (n == v && (dy > 0 || (dy == 0 && dx > 0)));
          }
        }
      if (isMax) all.push_back({x, y, v});
    }
  std::stable_sort(all.begin(), all.end(),
                   [](const PeakCandidate& a, const PeakCandidate& b) { return a.heat > b.heat; });
  std::vector<PeakCandidate> out{best};
  for (const auto& c : all) {
    if (static_cast<int>(out.size()) >= std::max(1, count) || c.heat < 1e-3f) break;  // (strongest first)
    if (c.x != best.x || c.y != best.y) out.push_back(c);
  }
  return out;
}

namespace {

struct Step {
  double dx, dy, len;
};

Step stepBetween(const PeakCandidate& a, const PeakCandidate& b) {
  const double dx = b.x - a.x, dy = b.y - a.y;
  return {dx, dy, std::hypot(dx, dy)};
}

double unaryCost(const PeakCandidate& c) { return -std::log(std::max(static_cast<double>(c.heat), 1e-4)); }

/// Cost of one step between consecutive levels given the median step length `m`.
double pairCost(const Step& s, double m, const DecodeOptions& o) {
  // Upwards or sideways steps, or two levels on one peak, are not a spine.
  if (s.dy < 0.3 * m) return 50.0 + 10.0 * (0.3 * m - s.dy) / m;
  const double r = std::log(s.len / m);
  return o.spacingWeight * r * r;
}

/// Cost of two consecutive steps: turning and changing length.
double tripleCost(const Step& a, const Step& b, const DecodeOptions& o) {
  if (a.len <= 0 || b.len <= 0) return 0.0;
  const double turn = std::atan2(a.dx * b.dy - a.dy * b.dx, a.dx * b.dx + a.dy * b.dy);
  const double r = std::log(b.len / a.len);
  return o.turnWeight * turn * turn + o.ratioWeight * r * r;
}

double medianStep(const std::vector<std::vector<PeakCandidate>>& cands) {
  std::vector<double> d;
  for (std::size_t l = 0; l + 1 < cands.size(); ++l) d.push_back(stepBetween(cands[l][0], cands[l + 1][0]).len);
  if (d.empty()) return 1.0;
  std::nth_element(d.begin(), d.begin() + static_cast<std::ptrdiff_t>(d.size() / 2), d.end());
  return std::max(1.0, d[d.size() / 2]);
}

}  // namespace

std::vector<int> orderedPeaks(const std::vector<std::vector<PeakCandidate>>& cands, const DecodeOptions& o) {
  const std::size_t n = cands.size();
  for (const auto& c : cands)
    if (c.empty()) throw std::invalid_argument("orderedPeaks: a level has no candidate");
  std::vector<int> choice(n, 0);
  if (n < 2) return choice;
  const double m = medianStep(cands);
  // cost[l][i·K(l) + j]: best total cost of levels 0..l ending with candidate i at l−1 and j at l.
  std::vector<std::vector<double>> cost(n);
  std::vector<std::vector<int>> back(n);
  auto K = [&](std::size_t l) { return cands[l].size(); };
  cost[1].resize(K(0) * K(1));
  back[1].assign(K(0) * K(1), -1);
  for (std::size_t i = 0; i < K(0); ++i)
    for (std::size_t j = 0; j < K(1); ++j)
      cost[1][i * K(1) + j] =
          unaryCost(cands[0][i]) + unaryCost(cands[1][j]) + pairCost(stepBetween(cands[0][i], cands[1][j]), m, o);
  for (std::size_t l = 2; l < n; ++l) {
    cost[l].assign(K(l - 1) * K(l), std::numeric_limits<double>::infinity());
    back[l].assign(K(l - 1) * K(l), -1);
    for (std::size_t i = 0; i < K(l - 1); ++i)
      for (std::size_t j = 0; j < K(l); ++j) {
        const Step s2 = stepBetween(cands[l - 1][i], cands[l][j]);
        const double local = unaryCost(cands[l][j]) + pairCost(s2, m, o);
        double& c = cost[l][i * K(l) + j];
        for (std::size_t h = 0; h < K(l - 2); ++h) {
          const double total =
              cost[l - 1][h * K(l - 1) + i] + local + tripleCost(stepBetween(cands[l - 2][h], cands[l - 1][i]), s2, o);
          if (total < c) {
            c = total;
            back[l][i * K(l) + j] = static_cast<int>(h);
          }
        }
      }
  }
  const auto& last = cost[n - 1];
  const std::size_t best = static_cast<std::size_t>(std::min_element(last.begin(), last.end()) - last.begin());
  std::size_t i = best / K(n - 1), j = best % K(n - 1);
  choice[n - 1] = static_cast<int>(j);
  choice[n - 2] = static_cast<int>(i);
  for (std::size_t l = n - 1; l >= 2; --l) {
    const int h = back[l][i * K(l) + j];
    choice[l - 2] = h;
    j = i;
    i = static_cast<std::size_t>(h);
  }
  return choice;
}

namespace {

/// The 4 corners of one vertebra (input pixels) read from the regression at cell (px, py). The
/// regression is trained at the centre cell only, so neighbouring cells are not read (tried: worse).
std::array<std::array<double, 2>, 4> readCorners(const OutputMaps& reg, int px, int py, const DecodeOptions& o) {
  std::array<std::array<double, 2>, 4> out{};
  const double cu = px + reg.regAt(0, py, px), cv = py + reg.regAt(1, py, px), s = o.stride;
  for (int c = 0; c < 4; ++c) {
    const double u = cu + o.offsetScale * reg.regAt(2 + 2 * c, py, px);
    const double v = cv + o.offsetScale * reg.regAt(3 + 2 * c, py, px);
    out[static_cast<std::size_t>(c)] = {s * u + (s - 1.0) / 2.0, s * v + (s - 1.0) / 2.0};  // cell centres
  }
  return out;
}

}  // namespace

DecodedCorners decodeMaps(const OutputMaps& maps, const OutputMaps* flippedBack, const DecodeOptions& o) {
  // Peaks are searched on the mean heatmap of both passes: a level that only one pass sees is weak.
  OutputMaps mean;
  if (flippedBack) {
    mean = maps;
    for (std::size_t k = 0; k < mean.heat.size(); ++k) mean.heat[k] = 0.5f * (maps.heat[k] + flippedBack->heat[k]);
  }
  const OutputMaps& heat = flippedBack ? mean : maps;
  std::vector<std::vector<PeakCandidate>> cands;
  for (int l = 0; l < maps.levels; ++l) cands.push_back(peakCandidates(heat, l, o.candidates));
  const std::vector<int> choice = orderedPeaks(cands, o);

  DecodedCorners r;
  for (int l = 0; l < maps.levels; ++l) {
    const PeakCandidate& p =
        cands[static_cast<std::size_t>(l)][static_cast<std::size_t>(choice[static_cast<std::size_t>(l)])];
    const auto a = readCorners(maps, p.x, p.y, o);
    const auto b = flippedBack ? readCorners(*flippedBack, p.x, p.y, o) : a;
    for (std::size_t c = 0; c < 4; ++c) {
      const double dx = a[c][0] - b[c][0], dy = a[c][1] - b[c][1];
      r.points.push_back({0.5 * (a[c][0] + b[c][0]), 0.5 * (a[c][1] + b[c][1])});
      const double agree =
          o.agreementSigma > 0 ? std::exp(-(dx * dx + dy * dy) / (o.agreementSigma * o.agreementSigma)) : 1.0;
      r.confidence.push_back(std::clamp(static_cast<double>(p.heat) * agree, 0.0, 1.0));
    }
  }
  return r;
}

DecodedCorners combinePasses(const std::vector<DecodedCorners>& passes, double sigma) {
  if (passes.empty()) throw std::invalid_argument("combinePasses: no pass");
  const std::size_t k = passes.front().points.size();
  for (const auto& p : passes)
    if (p.points.size() != k || p.confidence.size() != k)
      throw std::invalid_argument("combinePasses: passes differ in size");
  const double n = static_cast<double>(passes.size());
  DecodedCorners out;
  out.points.assign(k, {0.0, 0.0});
  out.confidence.assign(k, 0.0);
  for (const auto& p : passes)
    for (std::size_t i = 0; i < k; ++i) {
      out.points[i][0] += p.points[i][0] / n;
      out.points[i][1] += p.points[i][1] / n;
      out.confidence[i] += p.confidence[i] / n;
    }
  if (sigma <= 0) return out;
  for (std::size_t i = 0; i < k; ++i) {
    double spread = 0.0;
    for (const auto& p : passes)
      spread += (std::pow(p.points[i][0] - out.points[i][0], 2) + std::pow(p.points[i][1] - out.points[i][1], 2)) / n;
    out.confidence[i] = std::clamp(out.confidence[i] * std::exp(-spread / (sigma * sigma)), 0.0, 1.0);
  }
  return out;
}

}  // namespace openrad::ai::xray
