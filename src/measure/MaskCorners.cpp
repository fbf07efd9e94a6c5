#include "openrad/measure/MaskCorners.h"

#include <Eigen/Eigenvalues>

#include <algorithm>
#include <cmath>
#include <limits>

namespace openrad::measure {
namespace {

/// A float image with a margin, so that filters never read outside.
struct Field {
  int width = 0, height = 0;
  std::vector<double> v;
  Field(int w, int h) : width(w), height(h), v(static_cast<std::size_t>(w) * h, 0.0) {}
  double& at(int x, int y) { return v[static_cast<std::size_t>(y) * width + x]; }
  double at(int x, int y) const { return v[static_cast<std::size_t>(y) * width + x]; }
  double clamped(int x, int y) const { return at(std::clamp(x, 0, width - 1), std::clamp(y, 0, height - 1)); }
};

Field gaussian(const Field& in, double sigma) {
  const int radius = static_cast<int>(std::ceil(3 * sigma));
  std::vector<double> k(2 * radius + 1);
  double sum = 0;
  for (int i = -radius; i <= radius; ++i) sum += k[i + radius] = std::exp(-0.5 * i * i / (sigma * sigma));
  for (double& x : k) x /= sum;
  Field tmp(in.width, in.height), out(in.width, in.height);
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      double s = 0;
      for (int i = -radius; i <= radius; ++i) s += k[i + radius] * in.clamped(x + i, y);
      tmp.at(x, y) = s;
    }
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      double s = 0;
      for (int i = -radius; i <= radius; ++i) s += k[i + radius] * tmp.clamped(x, y + i);
      out.at(x, y) = s;
    }
  return out;
}

constexpr int kMargin = 8;

/// A square min (erode) or max (dilate) filter of half-width r, separable.
Mask2D squareFilter(const Mask2D& in, int r, bool dilate) {
  Mask2D tmp = in, out = in;
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      bool v = !dilate;
      for (int i = -r; i <= r && v != dilate; ++i) v = in.at(x + i, y);
      tmp.pixels[static_cast<std::size_t>(y) * in.width + x] = v;
    }
  for (int y = 0; y < in.height; ++y)
    for (int x = 0; x < in.width; ++x) {
      bool v = !dilate;
      for (int i = -r; i <= r && v != dilate; ++i) v = tmp.at(x, y + i);
      out.pixels[static_cast<std::size_t>(y) * in.width + x] = v;
    }
  return out;
}

/// The mask without its spurs: what lies within one pixel more than `r` of the mask eroded by `r`. A strip thinner
/// than 2r + 1 pixels (a network's bleed into the next disc, a pedicle's root) goes; the body's outline, corners
/// included, stays as it was (the square dilation by r + 1 covers every point the erosion by r moved in from).
Mask2D withoutSpurs(const Mask2D& in, int r) {
  const Mask2D core = squareFilter(squareFilter(in, r, false), r + 1, true);
  Mask2D out = in;
  for (std::size_t i = 0; i < out.pixels.size(); ++i) out.pixels[i] = in.pixels[i] && core.pixels[i];
  return out;
}

}  // namespace

std::optional<MaskCorners> bodyCornersFromMask(const Mask2D& mask, const Eigen::Vector2d& anterior,
                                               const Eigen::Vector2d& cranial, bool superiorOnly) {
  if (mask.width <= 0 || mask.height <= 0 ||
      mask.pixels.size() != static_cast<std::size_t>(mask.width) * static_cast<std::size_t>(mask.height))
    return std::nullopt;
  // Axes: anterior, and cranial made perpendicular to it.
  if (anterior.norm() < 1e-9) return std::nullopt;
  const Eigen::Vector2d a = anterior.normalized();
  Eigen::Vector2d u = cranial - cranial.dot(a) * a;
  if (u.norm() < 1e-6) return std::nullopt;
  u.normalize();

  // Spurs thinner than 5 px are no part of the outline; a mask that is all spur is kept as it is.
  Mask2D cleaned = withoutSpurs(mask, 2);
  if (std::count_if(cleaned.pixels.begin(), cleaned.pixels.end(), [](std::uint8_t v) { return v != 0; }) < 16) cleaned = mask;
  Field image(mask.width + 2 * kMargin, mask.height + 2 * kMargin);
  Eigen::Vector2d centroid = Eigen::Vector2d::Zero();
  std::vector<Eigen::Vector2d> inside;
  for (int y = 0; y < mask.height; ++y)
    for (int x = 0; x < mask.width; ++x)
      if (cleaned.at(x, y)) {
        image.at(x + kMargin, y + kMargin) = 1.0;
        inside.emplace_back(x, y);
        centroid += Eigen::Vector2d(x, y);
      }
  if (inside.size() < 16) return std::nullopt;
  centroid /= static_cast<double>(inside.size());

  // Harris response of the smoothed mask.
  const Field smooth = gaussian(image, 1.0);
  Field ixx(image.width, image.height), iyy(image.width, image.height), ixy(image.width, image.height);
  for (int y = 1; y + 1 < image.height; ++y)
    for (int x = 1; x + 1 < image.width; ++x) {
      const double gx = (smooth.at(x + 1, y) - smooth.at(x - 1, y)) / 2, gy = (smooth.at(x, y + 1) - smooth.at(x, y - 1)) / 2;
      ixx.at(x, y) = gx * gx, iyy.at(x, y) = gy * gy, ixy.at(x, y) = gx * gy;
    }
  const Field sxx = gaussian(ixx, 1.5), syy = gaussian(iyy, 1.5), sxy = gaussian(ixy, 1.5);
  Field response(image.width, image.height);
  double strongest = 0;
  for (std::size_t i = 0; i < response.v.size(); ++i) {
    const double det = sxx.v[i] * syy.v[i] - sxy.v[i] * sxy.v[i], trace = sxx.v[i] + syy.v[i];
    response.v[i] = det - 0.05 * trace * trace;
    strongest = std::max(strongest, response.v[i]);
  }
  if (!(strongest > 0)) return std::nullopt;

  // The corners along the quadrant diagonals of the frame (a, u): the mask's outermost pixels along each diagonal.
  // Harris on the smoothed mask peaks about 1.5 px inside a corner (measured on drawn right angles), so the position is
  // the mean of the pixels within half a pixel of the extreme, moved out by half a pixel (pixel centres lie inside the
  // outline); Harris near the extreme pixel gives the confidence.
  const int quadrants = superiorOnly ? 2 : 4;
  const auto cornersIn = [&](const Eigen::Vector2d& fa, const Eigen::Vector2d& fu) {
    MaskCorners found;
    const Eigen::Vector2d diagonals[4] = {fa + fu, -fa + fu, fa - fu, -fa - fu};  // AS, PS, AI, PI
    Eigen::Vector2d* corners[4] = {&found.body.anteriorSuperior, &found.body.posteriorSuperior,
                                   &found.body.anteriorInferior, &found.body.posteriorInferior};
    found.body.hasInferior = !superiorOnly;
    for (int q = 0; q < quadrants; ++q) {
      const Eigen::Vector2d d = diagonals[q].normalized();
      double best = -std::numeric_limits<double>::max();
      Eigen::Vector2d extreme = centroid;
      for (const auto& p : inside)
        if (const double s = (p - centroid).dot(d); s > best) best = s, extreme = p;
      const int ex = static_cast<int>(extreme.x()) + kMargin, ey = static_cast<int>(extreme.y()) + kMargin;
      int bx = ex, by = ey;
      for (int y = ey - 4; y <= ey + 4; ++y)
        for (int x = ex - 4; x <= ex + 4; ++x)
          if (x > 0 && y > 0 && x + 1 < image.width && y + 1 < image.height && response.at(x, y) > response.at(bx, by))
            bx = x, by = y;
      Eigen::Vector2d sum = Eigen::Vector2d::Zero();
      int n = 0;
      for (const auto& p : inside)
        if ((p - centroid).dot(d) >= best - 0.5 * std::sqrt(2.0)) sum += p, ++n;
      *corners[q] = sum / n + 0.5 * d;
      found.confidence[static_cast<std::size_t>(q)] = std::clamp(response.at(bx, by) / strongest, 0.0, 1.0);
    }
    return found;
  };

  // The direction of an endplate, from `posterior` to `anterior` corner: a line fitted to the mask's outermost pixels
  // toward `outward` over the middle 60 % of the endplate (clear of the corners' rounding).
  const auto endplateDirection = [&](const Eigen::Vector2d& posterior, const Eigen::Vector2d& anterior,
                                     const Eigen::Vector2d& outward) -> std::optional<Eigen::Vector2d> {
    const Eigen::Vector2d e = anterior - posterior;
    const double length = e.norm();
    if (length < 4) return std::nullopt;
    const Eigen::Vector2d t = e / length;
    Eigen::Vector2d n(-t.y(), t.x());
    if (n.dot(outward) < 0) n = -n;
    const int bins = static_cast<int>(std::floor(length));
    std::vector<double> top(static_cast<std::size_t>(bins), -std::numeric_limits<double>::max());
    std::vector<Eigen::Vector2d> at(static_cast<std::size_t>(bins));
    for (const auto& p : inside) {
      const double along = (p - posterior).dot(t);
      if (along < 0.2 * length || along > 0.8 * length) continue;
      const auto b = static_cast<std::size_t>(std::min(bins - 1, static_cast<int>(along)));
      if (const double out = (p - posterior).dot(n); out > top[b]) top[b] = out, at[b] = p;
    }
    std::vector<Eigen::Vector2d> edge;
    for (std::size_t b = 0; b < top.size(); ++b)
      if (top[b] > -std::numeric_limits<double>::max()) edge.push_back(at[b]);
    if (edge.size() < 3) return std::nullopt;
    Eigen::Vector2d m = Eigen::Vector2d::Zero();
    for (const auto& p : edge) m += p;
    m /= static_cast<double>(edge.size());
    Eigen::Matrix2d cov = Eigen::Matrix2d::Zero();
    for (const auto& p : edge) cov += (p - m) * (p - m).transpose();
    const Eigen::SelfAdjointEigenSolver<Eigen::Matrix2d> eig(cov);
    Eigen::Vector2d d = eig.eigenvectors().col(1);
    return d.dot(t) < 0 ? Eigen::Vector2d(-d) : d;
  };

  // First in the image's own frame, then in the body's: anterior along its endplates (the mean direction of lines
  // fitted to the superior and inferior endplates; the superior one alone for the sacrum). In the image frame a
  // rounded corner of a tilted body is cut where the arc faces the image diagonal, which moves the anterior and
  // posterior corners of an endplate unequally and flattens its tilt (on the network's masks of phantoms: lordosis
  // 7 deg too low); in the body's frame both are cut alike. Twice, since the first corners only bound the endplates;
  // the frame turns at most 60 deg from the image's.
  MaskCorners out = cornersIn(a, u);
  for (int pass = 0; pass < 2; ++pass) {
    const auto superior = endplateDirection(out.body.posteriorSuperior, out.body.anteriorSuperior, u);
    if (!superior) break;
    Eigen::Vector2d along = *superior;
    if (!superiorOnly) {
      const auto inferior = endplateDirection(out.body.posteriorInferior, out.body.anteriorInferior, -u);
      if (!inferior) break;
      along += *inferior;
    }
    if (along.norm() < 1e-6 || along.normalized().dot(a) < 0.5) break;
    const Eigen::Vector2d fa = along.normalized();
    Eigen::Vector2d fu(-fa.y(), fa.x());
    if (fu.dot(u) < 0) fu = -fu;
    out = cornersIn(fa, fu);
  }
  return out;
}

}  // namespace openrad::measure
