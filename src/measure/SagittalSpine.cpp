#include "openrad/measure/SagittalSpine.h"

#include <Eigen/Geometry>

#include <algorithm>
#include <cmath>

namespace openrad::measure {
namespace {

using Vec2 = Eigen::Vector2d;

double cross(const Vec2& a, const Vec2& b) { return a.x() * b.y() - a.y() * b.x(); }

/// Signed angle between the endplate P1→A1 and the endplate P2→A2: positive when their lines meet behind (on the
/// posterior side of) the corners, negative in front.
double signedEndplateAngle(const Vec2& p1, const Vec2& a1, const Vec2& p2, const Vec2& a2) {
  const Vec2 d1 = a1 - p1, d2 = a2 - p2;
  const double n1 = d1.norm(), n2 = d2.norm();
  if (n1 < 1e-12 || n2 < 1e-12) return 0.0;
  const double c = std::clamp(d1.dot(d2) / (n1 * n2), -1.0, 1.0);
  const double angle = std::acos(c) * 180.0 / M_PI;
  const double denominator = cross(d1, d2);
  if (std::abs(denominator) < 1e-12 * n1 * n2) return 0.0;  // parallel
  // Where the lines meet: p1 + t d1 = p2 + s d2.
  const double t = cross(p2 - p1, d2) / denominator;
  const Vec2 meet = p1 + t * d1;
  const Vec2 anterior = (d1 / n1 + d2 / n2).normalized();
  const Vec2 posteriorCorners = (p1 + p2) / 2;
  return (meet - posteriorCorners).dot(anterior) < 0 ? angle : -angle;
}

}  // namespace

Eigen::Vector2d SagittalBody::centroid() const {
  if (!hasInferior) return superiorMidpoint();
  return (anteriorSuperior + posteriorSuperior + anteriorInferior + posteriorInferior) / 4;
}

double segmentAngle(const SagittalBody& upper, const SagittalBody& lower) {
  return signedEndplateAngle(upper.posteriorSuperior, upper.anteriorSuperior, lower.posteriorSuperior,
                             lower.anteriorSuperior);
}

double segmentAngleToInferior(const SagittalBody& upper, const SagittalBody& lower) {
  return signedEndplateAngle(upper.posteriorSuperior, upper.anteriorSuperior, lower.posteriorInferior,
                             lower.anteriorInferior);
}

BodyHeights bodyHeights(const SagittalBody& body) {
  BodyHeights h;
  if (!body.hasInferior) return h;
  h.anterior = (body.anteriorSuperior - body.anteriorInferior).norm();
  h.posterior = (body.posteriorSuperior - body.posteriorInferior).norm();
  h.middle = (body.superiorMidpoint() - body.inferiorMidpoint()).norm();
  return h;
}

DiscHeights discHeights(const SagittalBody& upper, const SagittalBody& lower) {
  DiscHeights d;
  d.anterior = (upper.anteriorInferior - lower.anteriorSuperior).norm();
  d.posterior = (upper.posteriorInferior - lower.posteriorSuperior).norm();
  d.mean = (d.anterior + d.posterior) / 2;
  const double bodies = lower.hasInferior ? (bodyHeights(upper).middle + bodyHeights(lower).middle) / 2
                                          : bodyHeights(upper).middle;
  d.index = bodies > 1e-12 ? d.mean / bodies : 0.0;
  return d;
}

int meyerdingGrade(double percent) {
  if (percent < 1.0) return 0;
  if (percent <= 25.0) return 1;
  if (percent <= 50.0) return 2;
  if (percent <= 75.0) return 3;
  if (percent <= 100.0) return 4;
  return 5;
}

Listhesis listhesis(const SagittalBody& upper, const SagittalBody& lower) {
  Listhesis l;
  const Vec2 endplate = lower.anteriorSuperior - lower.posteriorSuperior;
  const double length = endplate.norm();
  if (length < 1e-12) return l;
  l.slip = (upper.posteriorInferior - lower.posteriorSuperior).dot(endplate / length);
  l.percent = 100.0 * l.slip / length;
  l.retro = l.percent <= -1.0;
  l.grade = l.retro ? 0 : meyerdingGrade(l.percent);
  return l;
}

std::optional<LumbarShape> lumbarShape(const std::vector<SagittalBody>& bodies) {
  if (bodies.size() < 2 || bodies.back().hasInferior) return std::nullopt;
  for (std::size_t i = 0; i + 1 < bodies.size(); ++i)
    if (!bodies[i].hasInferior) return std::nullopt;
  LumbarShape shape;
  const SagittalBody& sacrum = bodies.back();
  shape.distance = (bodies.front().centroid() - sacrum.superiorMidpoint()).norm();

  // Curve area: |offset from the chord| integrated along it, each polyline segment split where it crosses the chord.
  std::vector<Vec2> line;
  for (std::size_t i = 0; i + 1 < bodies.size(); ++i) line.push_back(bodies[i].centroid());
  line.push_back(sacrum.superiorMidpoint());
  const Vec2 chord = line.back() - line.front();
  if (chord.norm() > 1e-12) {
    const Vec2 u = chord.normalized(), v(-u.y(), u.x());
    for (std::size_t i = 0; i + 1 < line.size(); ++i) {
      const double u0 = (line[i] - line.front()).dot(u), u1 = (line[i + 1] - line.front()).dot(u);
      const double v0 = (line[i] - line.front()).dot(v), v1 = (line[i + 1] - line.front()).dot(v);
      const double du = std::abs(u1 - u0);
      if (v0 * v1 >= 0) {
        shape.curveArea += du * (std::abs(v0) + std::abs(v1)) / 2;
      } else {
        const double f = v0 / (v0 - v1);  // where the segment crosses the chord
        shape.curveArea += du * (f * std::abs(v0) + (1 - f) * std::abs(v1)) / 2;
      }
    }
  }

  // Alignment: the largest distance of an upper posterior-inferior corner from the posterior wall below it.
  for (std::size_t i = 0; i + 1 < bodies.size(); ++i) {
    const SagittalBody& upper = bodies[i];
    const SagittalBody& lower = bodies[i + 1];
    Vec2 wall;
    if (lower.hasInferior) {
      wall = lower.posteriorInferior - lower.posteriorSuperior;
    } else {
      const Vec2 endplate = lower.anteriorSuperior - lower.posteriorSuperior;
      wall = Vec2(-endplate.y(), endplate.x());
    }
    if (wall.norm() < 1e-12) continue;
    const double step = std::abs(cross(wall.normalized(), upper.posteriorInferior - lower.posteriorSuperior));
    if (step > shape.alignment || shape.alignmentLevel.empty()) {
      shape.alignment = step;
      shape.alignmentLevel = upper.level + "-" + lower.level;
    }
  }
  return shape;
}

}  // namespace openrad::measure
