#include "openrad/phantom/SpineXray.h"

#include "StudyFiles.h"

#include "openrad/core/ParallelFor.h"
#include "openrad/io/DicomWriter.h"
#include "openrad/phantom/DatasetManifest.h"
#include "openrad/phantom/Phantom.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

namespace openrad::phantom {

namespace {

constexpr double kPi = 3.14159265358979323846;
const char* const kApCornerNames[4] = {"top-left", "top-right", "bottom-left", "bottom-right"};
const char* const kLatCornerNames[4] = {"anterior-superior", "posterior-superior", "anterior-inferior",
                                        "posterior-inferior"};

/// Perspective geometry around the spine midplane: PA (source behind, detector at the chest) or LL (source
/// on the patient's right, detector at the left side).
XrayGeometry makeGeometry(const SpineModel& model, bool lateral, const SpineXraySettings& s, Random& rng) {
  XrayGeometry g;
  g.viewPosition = lateral ? "LL" : "PA";
  g.rows = s.rows;
  g.columns = s.columns;
  g.pixelSpacing = s.pixelSpacing;
  Eigen::Vector3d iso = Eigen::Vector3d::Zero();
  for (const auto& v : model.vertebrae) iso += v.centre;
  iso /= static_cast<double>(model.vertebrae.size());
  iso.z() = 0.5 * (model.topZ + model.bottomZ) + rng.normal(0.0, 10.0);
  if (!lateral) iso.x() += rng.normal(0.0, 8.0);
  if (lateral) iso.y() += rng.normal(0.0, 8.0);
  g.sid = std::round(rng.uniform(1500.0, 1830.0));
  const double gap = rng.uniform(10.0, 40.0);
  double isoToDetector;
  if (!lateral) {
    g.centralRay = {0, -1, 0};
    g.colDir = {1, 0, 0};
    isoToDetector = iso.y() - (model.skinCentre.y() - model.skinHalfDepth) + gap;
  } else {
    g.centralRay = {1, 0, 0};
    g.colDir = {0, 1, 0};
    isoToDetector = (model.skinCentre.x() + model.skinHalfWidth) - iso.x() + gap;
  }
  g.rowDir = {0, 0, -1};
  g.sod = g.sid - isoToDetector;
  g.source = iso - g.centralRay * g.sod;
  g.principalCol = 0.5 * (g.columns - 1) + rng.normal(0.0, 6.0);
  g.principalRow = 0.5 * (g.rows - 1) + rng.normal(0.0, 6.0);
  return g;
}

SpineXrayView makeView(const SpineXrayStudy& st, bool lateral, const SpineXraySettings& s, Random& rng) {
  SpineXrayView view;
  view.geometry = makeGeometry(st.model, lateral, s, rng);
  view.appearance = sampleDrrAppearance(rng);
  for (const auto& v : st.model.vertebrae)
    for (const auto& c : lateral ? v.lateralCorners : v.apCorners) view.landmarks.push_back(view.geometry.project(c));
  // Noise gets its own engine so that geometry and ground truth do not depend on whether images are made.
  const std::uint64_t noiseSeed = rng.nextU64();
  if (s.render) {
    static thread_local std::vector<float> li;
    projectLineIntegrals(st.model.primitives, view.geometry, li);
    Random noise(noiseSeed);
    view.image = formRadiograph(li, view.geometry, view.appearance, noise);
  }
  return view;
}

double sagittalEndplateAngle(const std::vector<Eigen::Vector2d>& lm, int upperPoint, int lowerPoint) {
  // Lines anterior -> posterior; signed so that kyphosis (T4/T12) and lordosis (L1/S1) are positive.
  const Eigen::Vector2d a = lm[static_cast<std::size_t>(upperPoint + 1)] - lm[static_cast<std::size_t>(upperPoint)];
  const Eigen::Vector2d b = lm[static_cast<std::size_t>(lowerPoint + 1)] - lm[static_cast<std::size_t>(lowerPoint)];
  double d = (std::atan2(a.y(), a.x()) - std::atan2(b.y(), b.x())) * 180.0 / kPi;
  while (d > 180) d -= 360;
  while (d < -180) d += 360;
  return d;
}

nlohmann::ordered_json vec(const Eigen::Vector3d& v) { return {v.x(), v.y(), v.z()}; }
nlohmann::ordered_json vec(const Eigen::Vector2d& v) { return {v.x(), v.y()}; }

nlohmann::ordered_json viewJson(const SpineXrayView& v, const std::vector<std::string>& files, bool lateral) {
  nlohmann::ordered_json j;
  const auto& g = v.geometry;
  j["viewPosition"] = g.viewPosition;
  j["files"] = files;
  j["rows"] = g.rows;
  j["columns"] = g.columns;
  j["imagerPixelSpacing"] = g.pixelSpacing;
  j["distanceSourceToDetector"] = g.sid;
  j["distanceSourceToPatient"] = g.sod;
  j["magnification"] = g.magnification();
  j["sourcePosition"] = vec(g.source);
  j["centralRay"] = vec(g.centralRay);
  j["detectorOrigin"] = vec(g.detectorOrigin());
  j["columnDirection"] = vec(g.colDir);
  j["rowDirection"] = vec(g.rowDir);
  j["principalPoint"] = {g.principalCol, g.principalRow};
  const auto p = g.projectionMatrix();
  j["projectionMatrix"] = nlohmann::ordered_json::array();
  for (int r = 0; r < 3; ++r) j["projectionMatrix"].push_back({p(r, 0), p(r, 1), p(r, 2), p(r, 3)});
  j["cornerOrder"] = lateral ? nlohmann::ordered_json(std::vector<std::string>(kLatCornerNames, kLatCornerNames + 4))
                             : nlohmann::ordered_json(std::vector<std::string>(kApCornerNames, kApCornerNames + 4));
  auto& lm = j["landmarks"] = nlohmann::ordered_json::array();
  for (int i = 0; i < kLandmarkVertebrae * 4; ++i) lm.push_back(vec(v.landmarks[static_cast<std::size_t>(i)]));
  auto& s1 = j["s1Landmarks"] = nlohmann::ordered_json::array();
  for (int i = kLandmarkVertebrae * 4; i < kModelVertebrae * 4; ++i) s1.push_back(vec(v.landmarks[static_cast<std::size_t>(i)]));
  const auto& a = v.appearance;
  j["appearance"] = {{"photonsPerPixel", a.photons},  {"heel", a.heel},
                     {"scatterFraction", a.scatterFraction}, {"scatterSigmaMm", a.scatterSigmaMm},
                     {"rangeCompression", a.rangeCompression}, {"edgeEnhance", a.edgeEnhance},
                     {"gamma", a.gamma},  {"collimation", a.collimation}, {"marker", a.marker}};
  return j;
}

nlohmann::ordered_json cobbJson(const measure::CobbCurveMeasure& c) {
  return {{"angleDeg", c.angleDeg}, {"upper", vertebraName(c.upper)}, {"lower", vertebraName(c.lower)}};
}


}  // namespace

SpineXrayStudy makeSpineXrayStudy(std::uint64_t seed, int index, const SpineXraySettings& settings) {
  SpineXrayStudy st;
  st.seed = seed;
  st.index = index;
  Random rng(seed, static_cast<std::uint64_t>(index));
  const SpineParams params = sampleSpineParams(rng);
  st.model = buildSpineModel(params, rng);
  st.ap = makeView(st, false, settings, rng);
  st.lateral = makeView(st, true, settings, rng);
  const std::vector<Eigen::Vector2d> ap68(st.ap.landmarks.begin(), st.ap.landmarks.begin() + 68);
  st.cobb = measure::cobbAnglesAasce(ap68, settings.rows);
  // Lateral corners per vertebra: 0 ant-sup, 1 post-sup, 2 ant-inf, 3 post-inf. Image y grows downwards,
  // so the sign is flipped relative to the LPS sagittal angles.
  st.lateralKyphosisDeg = -sagittalEndplateAngle(st.lateral.landmarks, 3 * 4 + 0, 11 * 4 + 2);
  st.lateralLordosisDeg = -sagittalEndplateAngle(st.lateral.landmarks, 17 * 4 + 0, 12 * 4 + 0);
  return st;
}

std::string spineXrayGroundTruthJson(const SpineXrayStudy& st, const std::vector<std::string>& apFiles,
                                     const std::vector<std::string>& lateralFiles) {
  nlohmann::ordered_json j;
  j["format"] = "openrad-spine-xray-truth";
  j["formatVersion"] = 1;
  j["generatorVersion"] = kGeneratorVersion;
  j["seed"] = st.seed;
  j["index"] = st.index;
  j["coordinateSystem"] = "LPS mm (DICOM patient); pixels (col,row) with (0,0) at the centre of the top-left pixel";
  const auto& p = st.model.params;
  j["parameters"] = detail::spineParametersJson(p);
  // Model truth per sampled region (0 where the pattern has no such curve).
  auto regionCobb = [&](const std::string& r) {
    for (const auto& c : p.curves)
      if (c.region == r) return c.cobbDeg;
    return 0.0;
  };
  j["modelCobbDeg"] = {{"proximalThoracic", regionCobb("PT")},
                       {"mainThoracic", regionCobb("MT")},
                       {"thoracolumbar", regionCobb("TL")}};
  auto& cj = j["cobb"];
  cj["definition"] = "AASCE 2019 (vertebra mid-lines from the 68 AP ground-truth landmarks)";
  cj["aasce"] = {st.cobb.aasce[0].angleDeg, st.cobb.aasce[1].angleDeg, st.cobb.aasce[2].angleDeg};
  cj["sShaped"] = st.cobb.sShaped;
  cj["proximalThoracic"] = cobbJson(st.cobb.proximalThoracic);
  cj["mainThoracic"] = cobbJson(st.cobb.mainThoracic);
  cj["thoracolumbar"] = cobbJson(st.cobb.thoracolumbar);
  j["sagittal"] = {{"kyphosisT4T12Deg", st.model.realisedKyphosisDeg},
                   {"lordosisL1S1Deg", st.model.realisedLordosisDeg},
                   {"lateralImageKyphosisT4T12Deg", st.lateralKyphosisDeg},
                   {"lateralImageLordosisL1S1Deg", st.lateralLordosisDeg}};
  auto& vj = j["vertebrae"] = nlohmann::ordered_json::array();
  for (const auto& v : st.model.vertebrae) {
    nlohmann::ordered_json o = detail::vertebraJson(v);
    o["axes"] = {vec(Eigen::Vector3d(v.frame.col(0))), vec(Eigen::Vector3d(v.frame.col(1))),
                 vec(Eigen::Vector3d(v.frame.col(2)))};
    o["bodyWidth"] = 2 * v.halfWidth;
    o["bodyDepth"] = 2 * v.halfDepth;
    o["heightAnterior"] = v.heightAnterior;
    o["heightPosterior"] = v.heightPosterior;
    o["anteriorSlip"] = v.anteriorShift;
    vj.push_back(std::move(o));
  }
  j["views"]["ap"] = viewJson(st.ap, apFiles, false);
  j["views"]["lateral"] = viewJson(st.lateral, lateralFiles, true);
  return j.dump(1) + "\n";
}

std::string spineLandmarksCsv(const SpineXrayStudy& st) {
  std::ostringstream out;
  out << "view,vertebra,corner,x,y\n";
  for (int view = 0; view < 2; ++view) {
    const auto& v = view == 0 ? st.ap : st.lateral;
    for (int k = 0; k < kModelVertebrae; ++k)
      for (int c = 0; c < 4; ++c) {
        const auto& p = v.landmarks[static_cast<std::size_t>(4 * k + c)];
        out << (view == 0 ? "ap" : "lateral") << ',' << vertebraName(k) << ','
            << (view == 0 ? kApCornerNames[c] : kLatCornerNames[c]) << ',' << detail::fixed3(p.x()) << ',' << detail::fixed3(p.y())
            << '\n';
      }
  }
  return out.str();
}

std::string spineAnglesCsv(const SpineXrayStudy& st) {
  std::ostringstream out;
  out << "measure,value_deg\n";
  out << "cobb_proximal_thoracic," << detail::fixed3(st.cobb.proximalThoracic.angleDeg) << '\n';
  out << "cobb_main_thoracic," << detail::fixed3(st.cobb.mainThoracic.angleDeg) << '\n';
  out << "cobb_thoracolumbar," << detail::fixed3(st.cobb.thoracolumbar.angleDeg) << '\n';
  out << "kyphosis_t4_t12," << detail::fixed3(st.lateralKyphosisDeg) << '\n';
  out << "lordosis_l1_s1," << detail::fixed3(st.lateralLordosisDeg) << '\n';
  return out.str();
}

double benchSpineXray(int pairs, int threads) {
  threads = std::max(1, threads);
  const auto t0 = std::chrono::steady_clock::now();
  const std::size_t n = static_cast<std::size_t>(std::max(0, pairs));
  std::vector<double> sink(n, 0.0);  // keeps the studies from being optimised away
  core::parallelFor(n, threads, [&](std::size_t i) {
    const SpineXrayStudy st = makeSpineXrayStudy(20260101, static_cast<int>(i));
    sink[i] = st.ap.image->value(0, 0) + st.lateral.image->value(0, 0);
  });
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

void generateSpineXray(const GenerateOptions& options) {
  namespace fs = std::filesystem;
  if (options.outDir.empty()) throw std::invalid_argument("generateSpineXray: empty outDir");
  fs::create_directories(options.outDir);
  const int count = std::max(0, options.count);
  const int threads = std::max(1, std::min(8, static_cast<int>(std::thread::hardware_concurrency())));
  std::vector<ManifestEntry> entries;
  for (int base = 0; base < count; base += threads) {
    const int n = std::min(threads, count - base);
    std::vector<SpineXrayStudy> batch(static_cast<std::size_t>(n));
    core::parallelFor(batch.size(), threads, [&](std::size_t t) {
      batch[t] = makeSpineXrayStudy(options.seed, base + static_cast<int>(t));
    });
    for (int t = 0; t < n; ++t) {
      const SpineXrayStudy& st = batch[static_cast<std::size_t>(t)];
      char name[32];
      std::snprintf(name, sizeof name, "spine_xray_%05d", st.index);
      const fs::path dir = fs::path(options.outDir) / name;
      fs::create_directories(dir);
      const std::string key = "openrad/spine-xray/" + std::to_string(options.seed) + "/" + std::to_string(st.index);
      core::PatientInfo patient;
      patient.id = "PSX" + std::to_string(options.seed) + "-" + std::to_string(st.index);
      patient.name = "Phantom^SpineXray" + std::to_string(st.index);
      patient.birthDate = std::to_string(2026 - st.model.params.ageYears) + "0101";
      patient.sex = st.model.params.sex;
      core::StudyInfo study;
      study.studyUid = io::uidFromText(key + "/study");
      study.studyId = std::to_string(st.index + 1);
      study.accessionNumber = "SX" + std::to_string(st.index + 1);
      study.description = "Spine phantom radiographs (PA + lateral)";
      study.date = "20260101";
      study.time = "090000";
      std::vector<std::string> files[2];
      for (int view = 0; view < 2; ++view) {
        const SpineXrayView& v = view == 0 ? st.ap : st.lateral;
        core::SeriesInfo series;
        series.studyUid = study.studyUid;
        series.modality = "DX";
        series.description = view == 0 ? "Spine PA" : "Spine lateral";
        series.bodyPart = "SPINE";
        series.viewPosition = v.geometry.viewPosition;
        series.seriesNumber = view + 1;
        series.distanceSourceToDetector = v.geometry.sid;
        series.distanceSourceToPatient = v.geometry.sod;
        series.windowCenter = 2048.0;
        series.windowWidth = 4096.0;
        io::DicomWriteOptions wo;
        wo.uidSeed = key + (view == 0 ? "/ap" : "/lateral");
        wo.filePrefix = view == 0 ? "AP" : "LAT";
        const std::string sub = view == 0 ? "ap" : "lateral";
        const auto written = io::writeDicomSeries(*v.image, patient, study, series, (dir / sub).string(), wo);
        for (const auto& f : written.files) files[view].push_back(sub + "/" + fs::path(f).filename().string());
      }
      detail::writeTextFile(dir / "ground_truth.json", spineXrayGroundTruthJson(st, files[0], files[1]));
      detail::writeTextFile(dir / "landmarks.csv", spineLandmarksCsv(st));
      // study.json: the entry point shared with real-data folders (docs/phantom-formats.md).
      nlohmann::ordered_json sj;
      sj["format"] = "openrad-spine-study";
      sj["formatVersion"] = 1;
      sj["source"] = "phantom";
      for (int view = 0; view < 2; ++view) {
        const SpineXrayView& v = view == 0 ? st.ap : st.lateral;
        sj["views"][view == 0 ? "ap" : "lateral"] = {{"image", files[view].empty() ? "" : files[view][0]},
                                                     {"rows", v.geometry.rows},
                                                     {"columns", v.geometry.columns},
                                                     {"pixelSpacing", v.geometry.pixelSpacing},
                                                     {"viewPosition", v.geometry.viewPosition},
                                                     {"magnification", v.geometry.magnification()}};
      }
      sj["landmarks"] = "landmarks.csv";
      sj["angles"] = "angles.csv";
      sj["groundTruth"] = "ground_truth.json";
      detail::writeTextFile(dir / "study.json", sj.dump(1) + "\n");
      detail::writeTextFile(dir / "angles.csv", spineAnglesCsv(st));
      ManifestEntry e;
      e.folder = name;
      e.patientId = patient.id;
      e.studyUid = study.studyUid;
      e.groundTruth = std::string(name) + "/ground_truth.json";
      entries.push_back(e);
      if (options.progress) options.progress(st.index + 1, count);
    }
  }
  writeDatasetManifest(options.outDir, "spine-xray", options.seed, entries);
}

}  // namespace openrad::phantom
