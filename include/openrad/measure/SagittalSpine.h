#pragma once

// Measurement rules on the sagittal spine: vertebral body corners in a sagittal image plane (lumbar MRI, issue 10;
// lateral radiograph, issue 13 — one rule for both). Pure functions on points already in millimetres (or pixels when
// the image has no spacing: every length is then in pixels and every percentage and angle still holds).
//
// Conventions: each body has its anterior-superior, posterior-superior, anterior-inferior and posterior-inferior
// corners; the sacrum (S1) has its superior two only. Which way is anterior on the screen does not matter: the
// rules read it from the corner labels, so a mirrored or rotated image gives the same values.

#include <Eigen/Core>

#include <optional>
#include <string>
#include <vector>

namespace openrad::measure {

/// The corners of one body on a sagittal image (image-plane coordinates).
struct SagittalBody {
  std::string level;  ///< "L1" … "L5", "S1"
  Eigen::Vector2d anteriorSuperior = Eigen::Vector2d::Zero(), posteriorSuperior = Eigen::Vector2d::Zero();
  Eigen::Vector2d anteriorInferior = Eigen::Vector2d::Zero(), posteriorInferior = Eigen::Vector2d::Zero();
  bool hasInferior = true;  ///< false for S1 (superior endplate only)

  Eigen::Vector2d superiorMidpoint() const { return (anteriorSuperior + posteriorSuperior) / 2; }
  Eigen::Vector2d inferiorMidpoint() const { return (anteriorInferior + posteriorInferior) / 2; }
  /// Mean of the four corners (of the two superior ones when there is no inferior endplate).
  Eigen::Vector2d centroid() const;
};

/// Signed angle in degrees between the superior endplate of `upper` and that of `lower` (lumbar lordosis L1–S1 is
/// segmentAngle(L1, S1)): positive when the endplate lines meet behind the bodies (lordosis), negative when they meet
/// in front (kyphosis), 0 for parallel endplates.
double segmentAngle(const SagittalBody& upper, const SagittalBody& lower);
/// The same between the superior endplate of `upper` and the inferior endplate of `lower` (e.g. L1–L5 lordosis).
double segmentAngleToInferior(const SagittalBody& upper, const SagittalBody& lower);

/// Heights of one body: anterior (AS–AI), posterior (PS–PI) and middle (between the endplate mid-points).
struct BodyHeights {
  double anterior = 0, middle = 0, posterior = 0;
};
BodyHeights bodyHeights(const SagittalBody& body);

/// Heights of the disc between `upper` and `lower`: anterior (upper AI – lower AS), posterior (upper PI – lower PS),
/// their mean (Dabbs' disc height), and the disc height index: the mean over the mean of the adjacent bodies' middle
/// heights (only the upper body's when the lower one is the sacrum).
struct DiscHeights {
  double anterior = 0, posterior = 0, mean = 0, index = 0;
};
DiscHeights discHeights(const SagittalBody& upper, const SagittalBody& lower);

/// Slip of `upper` on `lower`: the upper body's posterior-inferior corner projected on the lower body's superior
/// endplate, measured from its posterior-superior corner along the endplate toward anterior. Positive: anterolisthesis;
/// negative: retrolisthesis. `percent` is the slip over the endplate's length; `grade` the Meyerding grade of an
/// anterolisthesis (1: up to 25 %, 2: 50 %, 3: 75 %, 4: 100 %, 5: beyond; 0 below 1 % or for a retrolisthesis).
struct Listhesis {
  double slip = 0, percent = 0;
  int grade = 0;
  bool retro = false;
};
Listhesis listhesis(const SagittalBody& upper, const SagittalBody& lower);
/// The Meyerding grade of an anterolisthesis of `percent` (see Listhesis).
int meyerdingGrade(double percent);

/// Project-defined lumbar measurements (no published definition; docs/ai.md states them):
/// - distance: L1's centroid to S1's superior-endplate mid-point;
/// - curve area: the area between the polyline through the centroids of the bodies above S1 and S1's
///   superior-endplate mid-point, and the chord from its first to its last point (units²);
/// - alignment: the largest step of the posterior wall between adjacent levels: the distance of the upper body's
///   posterior-inferior corner from the line of the lower body's posterior wall (PS–PI; for S1, the line through its
///   posterior-superior corner perpendicular to its endplate).
/// `bodies` run from cranial to caudal and end with S1 (at least two bodies); nullopt otherwise.
struct LumbarShape {
  double distance = 0, curveArea = 0, alignment = 0;
  std::string alignmentLevel;  ///< "L4-L5": where the largest step is
};
std::optional<LumbarShape> lumbarShape(const std::vector<SagittalBody>& bodies);

}  // namespace openrad::measure
