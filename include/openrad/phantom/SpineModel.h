#pragma once

#include "openrad/phantom/Random.h"

#include <Eigen/Core>

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace openrad::phantom {

/// Vertebrae with landmark ground truth: T1..L5 (AASCE order), index 0..16.
constexpr int kLandmarkVertebrae = 17;
/// Vertebra poses kept by the model: T1..L5 plus S1 (index 17).
constexpr int kModelVertebrae = 18;

/// "T1".."T12", "L1".."L5", "S1" for index 0..17.
std::string vertebraName(int index);

/// One scoliotic curve. Its coronal Cobb angle is exact by construction: the tilt of the vertebrae
/// (the AASCE mid-line of each body) follows (cobb/2)·cos(π·u) between the centres of the upper and lower
/// end vertebrae (u = 0..1), so the end vertebrae differ by exactly `cobbDeg` and the vertebrae between lie
/// in between.
struct ScoliosisCurve {
  std::string region;        ///< "PT" (proximal thoracic), "MT" (main thoracic), "TL" (thoracolumbar/lumbar)
  double cobbDeg = 0.0;      ///< coronal Cobb angle, degrees
  int upperEnd = 0;          ///< index of the upper end vertebra (0 = T1)
  int lowerEnd = 0;          ///< index of the lower end vertebra
  int apex = 0;              ///< apical vertebra (midway)
  int convexity = 1;         ///< +1 convex to the patient's right (dextro), -1 convex left
  double apicalRotationDeg = 0.0;  ///< axial rotation of the apex (towards the convexity)
};

/// Sampled parameters of one synthetic spine (all in mm and degrees).
struct SpineParams {
  double scale = 1.0;             ///< size factor on adult morphometry
  std::string sex = "F";
  int ageYears = 15;
  double kyphosisDeg = 40.0;      ///< T4 superior to T12 inferior endplate, sagittal
  double lordosisDeg = 50.0;      ///< L1 superior to S1 superior endplate, sagittal
  double sacralSlopeDeg = 40.0;   ///< S1 endplate to horizontal
  double proximalKyphosisDeg = 8.0;  ///< T1 to T4
  std::vector<ScoliosisCurve> curves;
  double trunkShiftDeg = 0.0;     ///< constant coronal tilt added so T1 sits above S1 (balance)
  int fractureLevel = -1;         ///< vertebra index with an anterior wedge compression, -1 none
  double fractureWedgeDeg = 0.0;  ///< anterior wedge angle of that body
  double fractureHeightLoss = 0.0;  ///< anterior height loss fraction 0..1
  int listhesisLevel = -1;        ///< vertebra index slipped forward over the one below (L4 or L5), -1 none
  int listhesisGrade = 0;         ///< Meyerding grade 0..3
  double listhesisPercent = 0.0;  ///< slip as % of the lower endplate depth
  double torsoHalfWidth = 150.0;  ///< skin ellipse at the waist, lateral semi-axis
  double torsoHalfDepth = 105.0;  ///< AP semi-axis
  double boneDensity = 1.0;       ///< cancellous density factor (0.7 osteoporotic .. 1.15)
  double bowelGas = 1.0;          ///< amount of abdominal gas 0..2
};

/// Draws parameters over clinical ranges.
SpineParams sampleSpineParams(Random& rng);

/// Pose and ground truth of one vertebra (LPS mm; the model's frame has the S1 endplate centre near the
/// origin, see SpineModel::placement).
struct VertebraPose {
  std::string name;
  Eigen::Vector3d centre{0, 0, 0};   ///< centre of the body
  Eigen::Matrix3d frame = Eigen::Matrix3d::Identity();  ///< columns: local lateral (to patient's left),
                                                        ///< AP (posterior), axial (superior) in LPS
  double halfWidth = 20.0;           ///< body lateral semi-axis
  double halfDepth = 15.0;           ///< body AP semi-axis
  double heightAnterior = 20.0;
  double heightPosterior = 20.0;
  double anteriorShift = 0.0;        ///< listhesis translation along -AP (mm)
  /// AP corners (image-left = patient's right): superior-right, superior-left, inferior-right, inferior-left
  /// of the body rim at mid depth, i.e. AASCE top-left, top-right, bottom-left, bottom-right.
  std::array<Eigen::Vector3d, 4> apCorners;
  /// Lateral corners: anterior-superior, posterior-superior, anterior-inferior, posterior-inferior.
  std::array<Eigen::Vector3d, 4> lateralCorners;
  double coronalTiltDeg = 0.0;   ///< model tilt of the AASCE mid-line in the coronal plane
  double sagittalTiltDeg = 0.0;  ///< positive: superior endplate faces anteriorly
  double axialRotationDeg = 0.0; ///< positive: body turned towards the patient's left
};

/// One analytic solid: an ellipsoid or an elliptic cylinder (local z axis), clipped by up to six
/// half-spaces, minus up to two axis-aligned ellipsoids ("cuts"). Attenuation is stored as a difference
/// to the enclosing material, so overlapping nested solids add up (soft tissue + bone - marrow ...).
struct Primitive {
  enum class Shape : std::uint8_t { Ellipsoid, Cylinder };
  Shape shape = Shape::Ellipsoid;
  Eigen::Matrix3f toLocal = Eigen::Matrix3f::Identity();  ///< rows: local axes in LPS
  Eigen::Vector3f centre{0, 0, 0};                        ///< LPS mm
  Eigen::Vector3f axes{1, 1, 1};                          ///< semi-axes (cylinder: x, y; z unused)
  std::array<Eigen::Vector4f, 6> planes{};  ///< local half-spaces n·p <= w, stored (n, w)
  int planeCount = 0;
  std::array<Eigen::Vector3f, 2> cutCentres{};  ///< local centres of the subtracted ellipsoids
  std::array<Eigen::Vector3f, 2> cutAxes{};     ///< their semi-axes (aligned with the local frame)
  int cutCount = 0;
  float mu = 0.0f;     ///< linear attenuation difference, 1/mm, inside the solid
  float cutMu = 0.0f;  ///< attenuation difference inside (shape ∩ planes ∩ cuts)
  int label = 0;       ///< label map value (0 = none), see docs/phantom-formats.md
  Eigen::Vector3f boxHalf{1, 1, 1};  ///< local bounding box half extents (centred on `centre`)
};

/// Linear attenuation coefficients (1/mm, ~70 keV effective) of the phantom tissues.
struct Tissue {
  static constexpr float kWater = 0.0193f;
  static constexpr float kSoft = 0.0198f;
  static constexpr float kFat = 0.0178f;
  static constexpr float kLung = 0.0050f;
  static constexpr float kAir = 0.0f;
  static constexpr float kDisc = 0.0205f;
  static constexpr float kCortical = 0.0500f;
  static constexpr float kCancellous = 0.0265f;
};

/// The parametric spine: vertebra poses, ground truth and the analytic solids (bone, discs, ribs,
/// pelvis, femoral heads, soft tissue, lungs, gas).
struct SpineModel {
  SpineParams params;
  std::vector<VertebraPose> vertebrae;  ///< T1..L5, S1
  std::vector<Primitive> primitives;
  Eigen::Vector3d skinCentre{0, 0, 0};   ///< centre of the torso ellipse at mid-spine height
  double skinHalfDepth = 100.0;          ///< AP semi-axis of the torso
  double skinHalfWidth = 150.0;
  double topZ = 0.0, bottomZ = 0.0;      ///< z range of the modelled anatomy of interest (T1 top, pelvis)
  double realisedKyphosisDeg = 0.0;      ///< measured on the model's endplates (T4 sup – T12 inf)
  double realisedLordosisDeg = 0.0;      ///< L1 sup – S1 sup
};

/// Builds the model from parameters (deterministic; `rng` only places bowel gas and small variations).
SpineModel buildSpineModel(const SpineParams& params, Random& rng);

/// Label map values used by the model and the CT label map.
struct SpineLabels {
  static int vertebra(int index) { return index + 1; }  ///< T1 = 1 .. L5 = 17, S1/sacrum = 18
  static int discBelow(int index) { return 101 + index; }  ///< disc under vertebra index (T1/T2 = 101)
  static constexpr int kRib = 30;
  static constexpr int kPelvis = 31;
  static constexpr int kFemur = 32;
  static constexpr int kLung = 40;
};

}  // namespace openrad::phantom
