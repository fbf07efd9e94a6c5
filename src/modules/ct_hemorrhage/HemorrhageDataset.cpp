#include "openrad/modules/ct_hemorrhage/HemorrhageDataset.h"

#include "openrad/io/IoError.h"
#include "openrad/io/Loader.h"
#include "openrad/io/Nifti.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>

namespace openrad::modules::ct_hemorrhage {

namespace fs = std::filesystem;

std::vector<HeadCtStudyRef> listHeadCtDataset(const std::string& dir) {
  const fs::path root(dir);
  if (!fs::is_directory(root)) throw io::IoError(dir, "dataset folder not found");
  std::vector<HeadCtStudyRef> out;
  for (const auto& e : fs::directory_iterator(root)) {
    const fs::path truth = e.path() / "ground_truth.json";
    if (!e.is_directory() || !fs::is_regular_file(truth)) continue;
    std::ifstream in(truth);
    const nlohmann::json j = nlohmann::json::parse(in, nullptr, false);
    if (j.is_discarded() || !j.is_object() || j.value("kind", "") != "head-ct") continue;  // another phantom's study
    out.push_back({e.path().filename().string(), (e.path() / "ct").string(), (e.path() / "labels.nii.gz").string(),
                   truth.string()});
  }
  if (out.empty())
    throw io::IoError(dir,
                      "holds no head-ct phantom studies (folders with a ground_truth.json of kind head-ct; write "
                      "them with `openrad-cli phantom head-ct`)");
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

std::shared_ptr<const core::Series> loadHeadCtSeries(const std::string& ctPath) {
  if (!fs::is_directory(ctPath)) throw io::IoError(ctPath, "the study's CT folder is missing");
  for (const auto& s : io::loadPath(ctPath).allSeries())
    if (s->image) return s;
  throw io::IoError(ctPath, "no image series in the study's CT folder");
}

HeadCtTruth readHeadCtTruth(const std::string& truthPath) {
  std::ifstream in(truthPath);
  if (!in) throw io::IoError(truthPath, "cannot be read");
  HeadCtTruth t;
  try {
    nlohmann::json j;
    in >> j;
    const auto& v = j.at("volumesMl");
    t.hematomaMl = v.at("hematoma").get<double>();
    t.edemaMl = v.at("edema").get<double>();
    t.extraAxialMl = v.at("extraAxial").get<double>();
    t.lesionCount = j.at("lesionCount").get<int>();
    for (const auto& l : j.at("lesions")) t.lesionVolumesMl.push_back(l.at("volumeMl").get<double>());
    t.midlineShiftMm = j.at("midlineShiftMm").get<double>();
    t.day = j.value("dayFromBaseline", 0);
    t.patientId = j.value("patientId", std::string());
    t.studyDate = j.value("studyDate", std::string());
  } catch (const nlohmann::json::exception& e) {
    throw io::IoError(truthPath, std::string("not a head-ct ground truth (volumesMl, lesionCount, lesions, "
                                             "midlineShiftMm): ") +
                                     e.what());
  }
  return t;
}

HeadCtStudy loadHeadCtStudy(const HeadCtStudyRef& ref) {
  HeadCtStudy s;
  s.ref = ref;
  s.truth = readHeadCtTruth(ref.truthPath);
  s.series = loadHeadCtSeries(ref.ctPath);
  if (!fs::is_regular_file(ref.labelPath)) throw io::IoError(ref.labelPath, "the study's label map is missing");
  const std::shared_ptr<core::Image> labels = io::readNifti(ref.labelPath);
  if (!labels->geometry().sameGrid(s.series->image->geometry(), 1e-3))
    throw io::IoError(ref.labelPath, "label map is not on the CT's grid");
  if (labels->pixelType() != core::PixelType::UInt8)
    throw io::IoError(ref.labelPath, "label map is " + core::pixelTypeName(labels->pixelType()) + ", expected uint8");
  if (const double top = labels->range().second; top > 3)
    throw io::IoError(ref.labelPath, "label value " + std::to_string(static_cast<int>(top)) +
                                         " is not one of 0-3 (background, hematoma, edema, extra-axial)");
  s.labels = labels;
  return s;
}

}  // namespace openrad::modules::ct_hemorrhage
