#pragma once

// What the ct-hemorrhage module does with a segmentation (issue 12), Torch-free so it is tested on drawn label maps
// and phantoms: which series it judges (an axial head CT), the head's frame for the lesion classes, and the
// measurement rule that re-computes volumes, lesions and ABC/2 from the label map whenever it is painted.

#include "openrad/core/Annotations.h"
#include "openrad/core/Document.h"
#include "openrad/core/Image.h"
#include "openrad/core/Study.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageRules.h"
#include "openrad/modules/ct_hemorrhage/Midline.h"

#include <memory>
#include <string>
#include <vector>

namespace openrad::modules::ct_hemorrhage {

inline constexpr const char* kModuleId = "ct-hemorrhage";
inline constexpr const char* kLabelMap = "ct-hemorrhage.labels";

/// The classes in output order: background, hematoma, edema, extra-axial (the values of phantom::HeadCtLabel).
const std::vector<std::string>& hemorrhageClassNames();
/// The label map's table: hematoma red, edema yellow, extra-axial blue.
std::vector<core::LabelInfo> hemorrhageLabelTable();

/// What the skull says about an axial CT stack: on each examined slice, rays from the middle of the tissue look for the
/// inner table (the first voxel of bone, >= 300 HU, at least 30 mm out); a slice whose rays nearly all (22 of 24) find
/// it is enclosed by a ring of bone.
struct HeadSurvey {
  int slicesExamined = 0;     ///< at most 64, evenly spread
  int ringSlices = 0;         ///< examined slices enclosed by a ring of bone
  double tissueExtentMm = 0;  ///< largest in-plane extent of the voxels above -300 HU on one slice
  double ringRadiusMm = 0;    ///< median distance to the inner table on the ringed slices
  /// Head frame estimate (patient LPS mm): x and y the mean centre of the rings; z the middle of the ringed slices
  /// whose enclosed area is within 5 % of the largest (the widest section of the cranium, about the level of the
  /// foramina of Monro). Meaningful when ringSlices > 0.
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();
};
/// Surveys `ct` (HU, any pixel type; slices along k).
HeadSurvey surveyHead(const core::Image& ct);

/// Why a series is not an axial head CT the module judges ("" when it is): no image, another modality (an untyped
/// NIfTI volume is taken as CT when its values reach down to air), fewer than 3 slices, slices more than 30° from
/// axial, in-plane pixels over 2 mm, tissue over 300 mm across (a body, not a head), or no skull (fewer than 3 slices,
/// or under a fifth of the examined ones, enclosed by a ring of bone of at least 40 mm radius).
std::string unsuitableHeadCt(const core::Series& series);

/// The lesion rules for `ct` with the head frame. With a found `midline` (findMidline): the midsagittal plane through
/// the falx attachments and the frame turned with them (y along the falx line, z the slices' normal), the origin on
/// that plane at the height of surveyHead's widest section. Without: surveyHead's frame, the midsagittal plane through
/// the rings' centre normal to the patient's left-right axis (not turned: a head yawed in the scanner shifts the side
/// of near-midline lesions). `how` states the estimate for the report.
LesionRules lesionRulesFor(const core::Image& ct, std::string* how = nullptr, const MidlineLandmarks* midline = nullptr);

/// findMidline of `ct`, remembered for the last image asked (the rule re-runs on every edit of the label map; the
/// landmarks depend on the CT alone).
MidlineLandmarks midlineOf(const std::shared_ptr<const core::Image>& ct);

/// Every measurement of a label map on `series` (its image is the CT: mean HU and the head frame come from it): volumes
/// of hematoma, oedema and extra-axial collection, relative oedema (when there is a hematoma), the number of hematoma
/// lesions, per lesion its volume (with side, compartment, location and `how` as attributes), mean HU and ABC/2, and
/// ABC/2 over all lesions next to their segmented volume and the difference, and the midline shift when findMidline
/// finds its landmarks (the points as voxel-index attributes). Ids start with "hemorrhage.".
/// std::invalid_argument when the label map is not uint8 or not on the series' grid.
std::vector<core::Measurement> hemorrhageMeasurements(const core::Image& labels, const core::Series& series,
                                                      const core::Provenance& provenance);
/// The rule the Document runs after every command that touches the label map.
core::MeasurementRule hemorrhageRule();

}  // namespace openrad::modules::ct_hemorrhage
