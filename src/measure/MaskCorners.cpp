#include "openrad/measure/MaskCorners.h"

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

  Field image(mask.width + 2 * kMargin, mask.height + 2 * kMargin);
  Eigen::Vector2d centroid = Eigen::Vector2d::Zero();
  std::vector<Eigen::Vector2d> inside;
  for (int y = 0; y < mask.height; ++y)
    for (int x = 0; x < mask.width; ++x)
      if (mask.at(x, y)) {
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

  MaskCorners out;
  const Eigen::Vector2d diagonals[4] = {a + u, -a + u, a - u, -a - u};  // AS, PS, AI, PI
  Eigen::Vector2d* corners[4] = {&out.body.anteriorSuperior, &out.body.posteriorSuperior, &out.body.anteriorInferior,
                                 &out.body.posteriorInferior};
  out.body.hasInferior = !superiorOnly;
  for (int q = 0; q < (superiorOnly ? 2 : 4); ++q) {
    // The mask's extreme pixel along the quadrant's diagonal, then the strongest response near it.
    double best = -std::numeric_limits<double>::max();
    Eigen::Vector2d extreme = centroid;
    for (const auto& p : inside)
      if (const double s = (p - centroid).dot(diagonals[q]); s > best) best = s, extreme = p;
    const int ex = static_cast<int>(extreme.x()) + kMargin, ey = static_cast<int>(extreme.y()) + kMargin;
    int bx = ex, by = ey;
    for (int y = ey - 4; y <= ey + 4; ++y)
      for (int x = ex - 4; x <= ex + 4; ++x)
        if (x > 0 && y > 0 && x + 1 < image.width && y + 1 < image.height && response.at(x, y) > response.at(bx, by))
          bx = x, by = y;
    // Harris on the smoothed mask peaks about 1.5 px inside a corner (measured on drawn right angles), so the position
    // is the mask's outermost pixels along the diagonal: the mean of those within half a pixel of the extreme, moved
    // out by half a pixel (pixel centres lie inside the outline). Harris gives the confidence.
    const Eigen::Vector2d d = diagonals[q].normalized();
    const double reach = (extreme - centroid).dot(d);
    Eigen::Vector2d sum = Eigen::Vector2d::Zero();
    int n = 0;
    for (const auto& p : inside)
      if ((p - centroid).dot(d) >= reach - 0.5 * std::sqrt(2.0)) sum += p, ++n;
    *corners[q] = sum / n + 0.5 * d;
    out.confidence[static_cast<std::size_t>(q)] = std::clamp(response.at(bx, by) / strongest, 0.0, 1.0);
  }
  return out;
}

}  // namespace openrad::measure
