#pragma once

// Labelled lumbar MRI cases for training and evaluation (issue 10): the real-data folder format of
// ../shared/data/mri-lumbar-real (manifest.csv, nifti/<case>_image.nii.gz + _label.nii.gz, labels.json) and the
// lumbar-mri phantom output (lumbar_mri_NNNNN/{t1,t2}/*.dcm + labels.nii.gz). Labels come back in the module's
// classes (LumbarLabels.h).

#include "openrad/core/Image.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace openrad::modules::mri_lumbar {

/// One case as listed (nothing loaded yet).
struct LumbarCaseRef {
  std::string id;
  std::string split;     ///< train / val / test (real data); "phantom" for phantom output
  std::string source;    ///< "real" or "phantom"
  std::string contrast;  ///< "T2 TSE", "T1", ...
  std::string imagePath, labelPath;  ///< NIfTI file or DICOM series folder; label NIfTI
  std::string group;     ///< patient group (cases of one patient share it)
  /// Classes whose pixels are labelled in this case; elsewhere a pixel labelled background may be one of the others.
  std::uint32_t annotated = 0;
};

/// A loaded case: image and label map on the same native grid.
struct LumbarCase {
  LumbarCaseRef ref;
  std::shared_ptr<const core::Image> image;
  std::shared_ptr<const core::Image> labels;  ///< uint8, module classes
};

/// Lists a dataset folder (real or phantom format); `split` filters real rows ("" = every stored row, or a
/// comma-separated list). Throws io::IoError naming the folder or file on a format problem.
std::vector<LumbarCaseRef> listLumbarDataset(const std::string& dir, const std::string& split = "");
/// Loads one case; throws io::IoError naming the file.
LumbarCase loadLumbarCase(const LumbarCaseRef& ref);
/// Bit mask of the body classes from "T10-S1"-style ranges; 0 when unreadable.
std::uint32_t levelRangeMask(const std::string& range);
/// A phantom label value (phantom::LumbarMriLabel) in the module's classes.
std::uint8_t fromPhantomLabel(int value);

}  // namespace openrad::modules::mri_lumbar
