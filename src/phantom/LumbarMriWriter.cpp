#include "openrad/phantom/LumbarMri.h"
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
namespace {

using Json = nlohmann::ordered_json;

struct Contrast {
  const char* name;
  const char* folder;
  const char* description;
  int seriesNumber;
  const char* tr;
  const char* te;
  const char* etl;
};

}  // namespace

void generateLumbarMri(const GenerateOptions& options) {
  namespace fs = std::filesystem;
  if (options.outDir.empty()) throw std::invalid_argument("generateLumbarMri: outDir is empty");
  fs::create_directories(options.outDir);
  std::vector<ManifestEntry> entries;
  for (int index = 0; index < options.count; ++index) {
    const auto idx = static_cast<std::uint64_t>(index);
    const LumbarMriParams params = sampleLumbarMriParams(options.seed, idx);
    const LumbarMriCase c = renderLumbarMri(params);
    Random rng(options.seed, 0x50415449ULL + idx);  // patient demographics

    char folderName[32];
    std::snprintf(folderName, sizeof folderName, "lumbar_mri_%05d", index);
    const fs::path folder = fs::path(options.outDir) / folderName;
    const std::string uidBase =
        "openrad-phantom/lumbar-mri/" + std::to_string(options.seed) + "/" + std::to_string(index);

    core::PatientInfo patient;
    patient.id = "PHLMRI" + std::to_string(options.seed % 100000) + "-" + std::to_string(index + 1);
    patient.name = "Phantom^LumbarMri" + std::to_string(index + 1);
    patient.sex = rng.bernoulli(0.5) ? "F" : "M";
    patient.birthDate = detail::addDays("19700101", static_cast<int>(rng.uniformInt(0, 365 * 45)));
    core::StudyInfo study;
    study.studyUid = io::uidFromText(uidBase + "/study");
    study.studyId = std::to_string(index + 1);
    study.accessionNumber = "LM" + std::to_string(100000 + index);
    study.description = "MR LUMBAR SPINE";
    study.date = detail::addDays("20240115", static_cast<int>(rng.uniformInt(0, 300)));
    study.time = "101500";
    const std::string frameUid = io::uidFromText(uidBase + "/frame");

    const Contrast contrasts[2] = {{"T1", "t1", "SAG T1 TSE", 1, "550", "10", "3"},
                                   {"T2", "t2", "SAG T2 TSE", 2, "3500", "100", "17"}};
    Json seriesJson = Json::array();
    for (const auto& ct : contrasts) {
      const auto& image = std::string(ct.name) == "T1" ? *c.t1 : *c.t2;
      core::SeriesInfo series;
      series.studyUid = study.studyUid;
      series.frameOfReferenceUid = frameUid;
      series.seriesUid = io::uidFromText(uidBase + "/series/" + ct.name);
      series.modality = "MR";
      series.description = ct.description;
      series.bodyPart = "LSPINE";
      series.patientPosition = "HFS";
      series.seriesNumber = ct.seriesNumber;
      const auto [wc, ww] = detail::autoWindow(image);
      series.windowCenter = wc;
      series.windowWidth = ww;
      io::DicomWriteOptions wo;
      wo.uidSeed = uidBase + "/" + ct.name;
      wo.filePrefix = ct.name;
      wo.extra = {{"RepetitionTime", ct.tr},
                  {"EchoTime", ct.te},
                  {"EchoTrainLength", ct.etl},
                  {"ScanningSequence", "SE"},
                  {"SequenceVariant", "SK"},
                  {"MagneticFieldStrength", "1.5"},
                  {"ImagedNucleus", "1H"},
                  {"ProtocolName", ct.description},
                  {"ImageComments", "OpenRad synthetic phantom - not a patient"}};
      const auto written = io::writeDicomSeries(image, patient, study, series, (folder / ct.folder).string(), wo);
      Json sj;
      sj["contrast"] = ct.name;
      sj["folder"] = ct.folder;
      sj["seriesUid"] = written.seriesUid;
      sj["seriesNumber"] = ct.seriesNumber;
      sj["files"] = static_cast<int>(written.files.size());
      seriesJson.push_back(sj);
    }
    io::writeNifti(*c.labels, (folder / "labels.nii.gz").string());

    const auto& P = c.params;
    Json truth;
    truth["format"] = "openrad-phantom-truth";
    truth["kind"] = "lumbar-mri";
    truth["formatVersion"] = 1;
    truth["generatorVersion"] = kGeneratorVersion;
    truth["datasetSeed"] = options.seed;
    truth["caseIndex"] = index;
    truth["patientId"] = patient.id;
    truth["studyUid"] = study.studyUid;
    truth["studyDate"] = study.date;
    truth["frameOfReferenceUid"] = frameUid;
    truth["series"] = seriesJson;
    truth["labelMap"] = "labels.nii.gz";
    truth["grid"] = detail::gridJson(c.labels->geometry());
    Json labels = Json::array();
    for (int v = 0; v <= kMriHerniation; ++v) labels.push_back({{"value", v}, {"name", lumbarMriLabelName(v)}});
    truth["labels"] = labels;
    Json discs = Json::array();
    for (int d = 0; d < kLumbarDiscCount; ++d) {
      const auto k = static_cast<std::size_t>(d);
      discs.push_back({{"level", lumbarDiscLevelNames()[k]},
                       {"degeneration", P.degeneration[k]},
                       {"posteriorHeightMm", P.discHeightMm[k]},
                       {"segmentalLordosisDeg", P.discAngleDeg[k]}});
    }
    truth["discs"] = discs;
    Json hs = Json::array();
    for (const auto& h : P.herniations)
      hs.push_back({{"level", lumbarDiscLevelNames()[static_cast<std::size_t>(h.disc)]},
                    {"type", h.type},
                    {"side", h.side},
                    {"lateralMm", h.lateralMm},
                    {"depthMm", h.depthMm},
                    {"widthMm", h.widthMm},
                    {"heightMm", h.heightMm},
                    {"migrationMm", h.migrationMm}});
    truth["herniations"] = hs;
    Json boxes = Json::array();
    for (const auto& b : c.herniationBoxes)
      boxes.push_back({{"slice", b.slice},
                       {"instanceNumber", b.slice + 1},
                       {"x0", b.x0},
                       {"y0", b.y0},
                       {"x1", b.x1},
                       {"y1", b.y1},
                       {"level", b.level},
                       {"side", b.side},
                       {"type", b.type}});
    truth["herniationBoxes"] = boxes;
    Json lis = Json::array();
    for (const auto& l : c.listhesis) lis.push_back({{"level", l.level}, {"percent", l.percent}, {"grade", l.grade}});
    truth["listhesis"] = lis;
    truth["sacralSlopeDeg"] = P.sacralSlopeDeg;
    detail::writeJson(truth, (folder / "ground_truth.json").string());

    entries.push_back({folderName, patient.id, study.studyUid, std::string(folderName) + "/ground_truth.json", ""});
    if (options.progress) options.progress(index + 1, options.count);
  }
  writeDatasetManifest(options.outDir, "lumbar-mri", options.seed, entries);
}

}  // namespace openrad::phantom
