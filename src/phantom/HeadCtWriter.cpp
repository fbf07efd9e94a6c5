#include "openrad/phantom/HeadCt.h"
#include "openrad/phantom/Phantom.h"

#include "MriCtStudyIo.h"
#include "openrad/io/DicomWriter.h"
#include "openrad/io/Nifti.h"
#include "openrad/phantom/DatasetManifest.h"
#include "openrad/phantom/Random.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>

namespace openrad::phantom {

void generateHeadCt(const GenerateOptions& options) {
  namespace fs = std::filesystem;
  using Json = nlohmann::ordered_json;
  if (options.outDir.empty()) throw std::invalid_argument("generateHeadCt: outDir is empty");
  fs::create_directories(options.outDir);
  std::vector<ManifestEntry> entries;
  for (int index = 0; index < options.count; ++index) {
    const auto idx = static_cast<std::uint64_t>(index);
    const HeadCtPatientPlan plan = sampleHeadCtPatient(options.seed, idx);
    Random rng(options.seed, 0x50415448ULL + idx);  // patient demographics

    core::PatientInfo patient;
    patient.id = "PHHCT" + std::to_string(options.seed % 100000) + "-" + std::to_string(index + 1);
    patient.name = "Phantom^HeadCt" + std::to_string(index + 1);
    patient.sex = rng.bernoulli(0.5) ? "F" : "M";
    patient.birthDate = detail::addDays("19400101", static_cast<int>(rng.uniformInt(0, 365 * 45)));
    const std::string baselineDate = detail::addDays("20240110", static_cast<int>(rng.uniformInt(0, 300)));

    double baselineHematomaMl = 0;
    for (std::size_t t = 0; t < plan.studies.size(); ++t) {
      const HeadCtParams& params = plan.studies[t];
      const HeadCtCase c = renderHeadCt(params);
      if (t == 0) baselineHematomaMl = c.hematomaMl;

      char folderName[48];
      std::snprintf(folderName, sizeof folderName, "head_ct_%05d_t%zu", index, t);
      const fs::path folder = fs::path(options.outDir) / folderName;
      const std::string uidBase = "openrad-phantom/head-ct/" + std::to_string(options.seed) + "/" +
                                  std::to_string(index) + "/" + std::to_string(t);
      core::StudyInfo study;
      study.studyUid = io::uidFromText(uidBase + "/study");
      study.studyId = std::to_string(t + 1);
      study.accessionNumber = "HC" + std::to_string(100000 + index * 10 + static_cast<int>(t));
      study.description = t == 0 ? "CT HEAD WO CONTRAST" : "CT HEAD WO CONTRAST FOLLOW-UP";
      study.date = detail::addDays(baselineDate, params.day);
      study.time = t == 0 ? "031200" : "094500";

      core::SeriesInfo series;
      series.studyUid = study.studyUid;
      series.seriesUid = io::uidFromText(uidBase + "/series");
      series.frameOfReferenceUid = io::uidFromText(uidBase + "/frame");
      series.modality = "CT";
      series.description = "HEAD 5mm";
      series.bodyPart = "HEAD";
      series.patientPosition = "HFS";
      series.seriesNumber = 2;
      series.windowCenter = 40;
      series.windowWidth = 80;
      io::DicomWriteOptions wo;
      wo.uidSeed = uidBase;
      wo.rescaleIntercept = -1024;
      wo.filePrefix = "CT";
      wo.extra = {{"ConvolutionKernel", "STANDARD"},
                  {"ImageComments", "OpenRad synthetic phantom - not a patient"}};
      const auto written = io::writeDicomSeries(*c.ct, patient, study, series, (folder / "ct").string(), wo);
      io::writeNifti(*c.labels, (folder / "labels.nii.gz").string());

      Json truth;
      truth["format"] = "openrad-phantom-truth";
      truth["kind"] = "head-ct";
      truth["formatVersion"] = 1;
      truth["generatorVersion"] = kGeneratorVersion;
      truth["datasetSeed"] = options.seed;
      truth["patientIndex"] = index;
      truth["timepoint"] = t;
      truth["dayFromBaseline"] = params.day;
      truth["trend"] = plan.trend;
      truth["patientId"] = patient.id;
      truth["studyUid"] = study.studyUid;
      truth["studyDate"] = study.date;
      truth["series"] = Json::array({{{"folder", "ct"},
                                      {"seriesUid", written.seriesUid},
                                      {"seriesNumber", series.seriesNumber},
                                      {"files", static_cast<int>(written.files.size())}}});
      truth["labelMap"] = "labels.nii.gz";
      truth["grid"] = detail::gridJson(c.labels->geometry());
      truth["labels"] = Json::array({{{"value", 0}, {"name", "background"}},
                                     {{"value", 1}, {"name", "hematoma"}},
                                     {{"value", 2}, {"name", "edema"}},
                                     {{"value", 3}, {"name", "extra-axial"}}});
      truth["volumesMl"] = {{"hematoma", c.hematomaMl}, {"edema", c.edemaMl}, {"extraAxial", c.extraAxialMl}};
      truth["hematomaVolumeRatioToBaseline"] = baselineHematomaMl > 0 ? c.hematomaMl / baselineHematomaMl : 0.0;
      truth["lesionCount"] = c.lesions.size();
      Json lesions = Json::array();
      for (const auto& l : c.lesions)
        lesions.push_back({{"label", 1},
                           {"volumeMl", l.volumeMl},
                           {"centroidLps", {l.centroidLps.x(), l.centroidLps.y(), l.centroidLps.z()}},
                           {"meanHu", l.meanHu}});
      truth["lesions"] = lesions;
      Json sampled = Json::array();
      for (const auto& h : params.hematomas)
        sampled.push_back({{"location", h.location},
                           {"side", h.centre.x() >= 0 ? "left" : "right"},
                           {"meanHu", h.meanHu},
                           {"edemaMm", h.edemaMm},
                           {"edemaHu", h.edemaHu}});
      truth["hematomas"] = sampled;
      if (params.extraAxial.type.empty()) {
        truth["extraAxial"] = nullptr;
      } else {
        truth["extraAxial"] = {{"type", params.extraAxial.type},
                               {"side", params.extraAxial.side > 0 ? "left" : "right"},
                               {"maxThicknessMm", params.extraAxial.thicknessMm},
                               {"meanHu", params.extraAxial.meanHu},
                               {"volumeMl", c.extraAxialMl}};
      }
      truth["midlineShiftMm"] = c.midlineShiftMm;
      truth["midlineShiftToward"] = c.midlineShiftToward;
      const auto xyz = [](const Eigen::Vector3d& v) { return Json::array({v.x(), v.y(), v.z()}); };
      truth["midlineLandmarksLps"] = {{"septum", xyz(c.septumLps)},
                                      {"falxAnterior", xyz(c.falxAnteriorLps)},
                                      {"falxPosterior", xyz(c.falxPosteriorLps)}};
      truth["headPose"] = {{"yawDeg", params.yawDeg},
                           {"pitchDeg", params.pitchDeg},
                           {"shiftMm", {params.shiftMm.x(), params.shiftMm.y(), params.shiftMm.z()}}};
      detail::writeJson(truth, (folder / "ground_truth.json").string());
      entries.push_back({folderName, patient.id, study.studyUid, std::string(folderName) + "/ground_truth.json", ""});
    }
    if (options.progress) options.progress(index + 1, options.count);
  }
  writeDatasetManifest(options.outDir, "head-ct", options.seed, entries);
}

}  // namespace openrad::phantom
