#pragma once

#include "openrad/core/Image.h"
#include "openrad/phantom/Random.h"
#include "openrad/phantom/SpineModel.h"

#include <Eigen/Core>

#include <array>
#include <memory>
#include <string>
#include <vector>

namespace openrad::phantom {

/// Calibrated pinhole geometry of one radiograph: a point source and a flat detector perpendicular to the
/// central ray. Pixel coordinates (col, row) have (0, 0) at the centre of the top-left pixel.
struct XrayGeometry {
  std::string viewPosition;  ///< DICOM ViewPosition: "PA" or "LL"
  Eigen::Vector3d source{0, 0, 0};     ///< LPS mm
  Eigen::Vector3d centralRay{0, 1, 0}; ///< unit vector from the source towards the detector
  Eigen::Vector3d colDir{1, 0, 0};     ///< LPS unit vector of increasing column
  Eigen::Vector3d rowDir{0, 0, -1};    ///< LPS unit vector of increasing row
  double pixelSpacing = 0.6;           ///< detector (imager) pixel spacing, mm, square
  int columns = 512, rows = 1100;
  double principalCol = 255.5, principalRow = 549.5;  ///< pixel hit by the central ray
  double sid = 1800.0;  ///< source to detector, mm
  double sod = 1600.0;  ///< source to the isocentre plane (spine midplane), mm

  /// LPS position of the centre of pixel (col, row) on the detector.
  Eigen::Vector3d detectorPoint(double col, double row) const;
  /// LPS position of the centre of pixel (0, 0).
  Eigen::Vector3d detectorOrigin() const { return detectorPoint(0.0, 0.0); }
  /// 3x4 matrix P with (c·w, r·w, w)^T = P (x, y, z, 1)^T for an LPS point.
  Eigen::Matrix<double, 3, 4> projectionMatrix() const;
  /// Pixel (col, row) of an LPS point.
  Eigen::Vector2d project(const Eigen::Vector3d& point) const;
  /// SID / SOD.
  double magnification() const { return sid / sod; }
};

/// Look of one radiograph: exposure, scatter, processing and collimation (sampled per image).
struct DrrAppearance {
  double photons = 1.0e5;        ///< unattenuated quanta per pixel
  double heel = 0.1;             ///< anode heel: relative exposure change from top to bottom row
  double scatterFraction = 0.6;  ///< scatter-to-primary scale (after the grid)
  double scatterSigmaMm = 30.0;  ///< width of the scatter kernel on the detector
  double rangeCompression = 0.45;  ///< large-kernel dynamic range compression (0 = none)
  double edgeEnhance = 0.6;      ///< small-kernel unsharp masking
  double gamma = 1.0;            ///< output gamma
  double lowPercentile = 0.01, highPercentile = 0.995;  ///< window set on the collimated field
  std::array<double, 4> collimation{0.02, 0.02, 0.02, 0.02};  ///< left, right, top, bottom margins (fraction)
  bool marker = true;            ///< burn a lead side marker ("R" on PA, "L" on LL)
  int bits = 12;                 ///< stored value range 0 .. 2^bits-1
};

/// Draws an appearance over realistic ranges.
DrrAppearance sampleDrrAppearance(Random& rng);

/// Sum over primitives of mu·chord for the ray to every detector pixel (row-major, rows x columns).
/// Analytic: closed-form ray–solid intervals, no voxels.
std::vector<float> projectLineIntegrals(const std::vector<Primitive>& primitives, const XrayGeometry& geometry);
/// Same, into a caller-owned buffer (reused between calls to avoid page faults).
void projectLineIntegrals(const std::vector<Primitive>& primitives, const XrayGeometry& geometry,
                          std::vector<float>& out);

/// Turns line integrals into a for-presentation radiograph (uint16, bone bright): Beer–Lambert primary,
/// blurred scatter, quantum noise, collimator, marker, log, range compression, edge enhancement, window.
/// The image geometry is the detector (spacing = imager pixel spacing, direction = colDir, rowDir).
std::shared_ptr<core::Image> formRadiograph(const std::vector<float>& lineIntegrals, const XrayGeometry& geometry,
                                            const DrrAppearance& appearance, Random& rng);

}  // namespace openrad::phantom
