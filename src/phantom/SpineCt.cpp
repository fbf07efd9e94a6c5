#include "openrad/phantom/SpineCt.h"

#include "StudyFiles.h"

#include "openrad/io/DicomWriter.h"
#include "openrad/io/Nifti.h"
#include "openrad/phantom/DatasetManifest.h"
#include "openrad/phantom/Phantom.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace openrad::phantom {

namespace {

int labelPriority(int label) {
  if (label <= 0) return 0;
  if (label == SpineLabels::kLung) return 1;
  if (label == SpineLabels::kRib || label == SpineLabels::kPelvis || label == SpineLabels::kFemur) return 2;
  return 3;  // vertebrae and discs
}

inline bool insideQuadric(bool cylinder, const Eigen::Vector3f& q, const Eigen::Vector3f& axes) {
  const float x = q.x() / axes.x(), y = q.y() / axes.y();
  float r = x * x + y * y;
  if (!cylinder) {
    const float z = q.z() / axes.z();
    r += z * z;
  }
  return r <= 1.0f;
}

nlohmann::ordered_json vec(const Eigen::Vector3d& v) { return {v.x(), v.y(), v.z()}; }

}  // namespace

void primitiveContains(const Primitive& p, const Eigen::Vector3f& local, bool& inMain, bool& inCut) {
  inMain = inCut = false;
  if (!insideQuadric(p.shape == Primitive::Shape::Cylinder, local, p.axes)) return;
  for (int k = 0; k < p.planeCount; ++k) {
    const auto& pl = p.planes[static_cast<std::size_t>(k)];
    if (pl.x() * local.x() + pl.y() * local.y() + pl.z() * local.z() > pl.w()) return;
  }
  for (int k = 0; k < p.cutCount; ++k)
    if (insideQuadric(false, local - p.cutCentres[static_cast<std::size_t>(k)], p.cutAxes[static_cast<std::size_t>(k)])) {
      inCut = true;
      return;
    }
  inMain = true;
}

SpineCtVolume makeSpineCtVolume(const SpineModel& model, Random& rng, const SpineCtSettings& s) {
  core::Geometry g;
  const int slices = std::min(s.maxSlices, static_cast<int>(std::ceil((model.topZ - model.bottomZ) / s.sliceSpacing)) + 1);
  g.size = {s.columns, s.rows, slices};
  g.spacing = {s.pixelSpacing, s.pixelSpacing, s.sliceSpacing};
  Eigen::Vector3d centre = Eigen::Vector3d::Zero();
  for (const auto& v : model.vertebrae) centre += v.centre;
  centre /= static_cast<double>(model.vertebrae.size());
  // Centre the field on the body in y (the table side stays inside), on the spine in x; top at T1 + margin.
  const double cy = model.skinCentre.y();
  const double zTop = model.topZ;
  g.origin = {centre.x() - 0.5 * (s.columns - 1) * s.pixelSpacing, cy - 0.5 * (s.rows - 1) * s.pixelSpacing,
              zTop - (slices - 1) * s.sliceSpacing};
  const std::int64_t nx = g.size[0], ny = g.size[1], nz = g.size[2];
  std::vector<float> mu(static_cast<std::size_t>(nx * ny * nz), 0.0f);
  auto labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  auto* lab = labels->as<std::uint8_t>();

  for (const Primitive& p : model.primitives) {
    // World AABB of the local box, then every voxel centre in it.
    const Eigen::Matrix3d toWorld = p.toLocal.cast<double>().transpose();
    Eigen::Vector3d lo = Eigen::Vector3d::Constant(1e30), hi = Eigen::Vector3d::Constant(-1e30);
    for (int k = 0; k < 8; ++k) {
      const Eigen::Vector3d c(k & 1 ? p.boxHalf.x() : -p.boxHalf.x(), k & 2 ? p.boxHalf.y() : -p.boxHalf.y(),
                              k & 4 ? p.boxHalf.z() : -p.boxHalf.z());
      const Eigen::Vector3d w = p.centre.cast<double>() + toWorld * c;
      lo = lo.cwiseMin(w);
      hi = hi.cwiseMax(w);
    }
    const Eigen::Vector3d i0 = g.physicalToIndex(lo), i1 = g.physicalToIndex(hi);
    const std::int64_t x0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(std::min(i0.x(), i1.x()))));
    const std::int64_t x1 = std::min<std::int64_t>(nx - 1, static_cast<std::int64_t>(std::ceil(std::max(i0.x(), i1.x()))));
    const std::int64_t y0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(std::min(i0.y(), i1.y()))));
    const std::int64_t y1 = std::min<std::int64_t>(ny - 1, static_cast<std::int64_t>(std::ceil(std::max(i0.y(), i1.y()))));
    const std::int64_t z0 = std::max<std::int64_t>(0, static_cast<std::int64_t>(std::floor(std::min(i0.z(), i1.z()))));
    const std::int64_t z1 = std::min<std::int64_t>(nz - 1, static_cast<std::int64_t>(std::ceil(std::max(i0.z(), i1.z()))));
    const int prio = labelPriority(p.label);
    for (std::int64_t z = z0; z <= z1; ++z)
      for (std::int64_t y = y0; y <= y1; ++y)
        for (std::int64_t x = x0; x <= x1; ++x) {
          const Eigen::Vector3d w = g.origin + Eigen::Vector3d(x * g.spacing[0], y * g.spacing[1], z * g.spacing[2]);
          const Eigen::Vector3f local = (p.toLocal.cast<double>() * (w - p.centre.cast<double>())).cast<float>();
          bool inMain, inCut;
          primitiveContains(p, local, inMain, inCut);
          if (!inMain && !inCut) continue;
          const std::size_t i = static_cast<std::size_t>(x + nx * (y + ny * z));
          mu[i] += inMain ? p.mu : p.cutMu;
          if (inMain && prio > 0 && labelPriority(lab[i]) <= prio) lab[i] = static_cast<std::uint8_t>(p.label);
        }
  }

  // HU, a small in-plane blur (scanner PSF) and noise.
  auto ct = std::make_shared<core::Image>(g, core::PixelType::Int16);
  auto* hu = ct->as<std::int16_t>();
  const double noise = rng.uniform(8.0, 18.0);
  std::vector<float> row(static_cast<std::size_t>(nx * ny));
  for (std::int64_t z = 0; z < nz; ++z) {
    float* plane = mu.data() + z * nx * ny;
    // 3-tap [1 2 1]/4 blur along x then y.
    for (std::int64_t y = 0; y < ny; ++y)
      for (std::int64_t x = 0; x < nx; ++x) {
        const float a = plane[y * nx + std::max<std::int64_t>(0, x - 1)], b = plane[y * nx + x],
                    c = plane[y * nx + std::min(nx - 1, x + 1)];
        row[static_cast<std::size_t>(y * nx + x)] = 0.25f * a + 0.5f * b + 0.25f * c;
      }
    for (std::int64_t y = 0; y < ny; ++y)
      for (std::int64_t x = 0; x < nx; ++x) {
        const float a = row[static_cast<std::size_t>(std::max<std::int64_t>(0, y - 1) * nx + x)],
                    b = row[static_cast<std::size_t>(y * nx + x)],
                    c = row[static_cast<std::size_t>(std::min(ny - 1, y + 1) * nx + x)];
        const double m = 0.25 * a + 0.5 * b + 0.25 * c;
        double h = 1000.0 * (m - Tissue::kWater) / Tissue::kWater;
        if (h > -990.0) h += noise * rng.normal();  // no noise in the air outside the body (as after masking)
        hu[z * nx * ny + y * nx + x] = static_cast<std::int16_t>(std::clamp(std::lround(h), -1024L, 3071L));
      }
  }
  SpineCtVolume out;
  out.ct = ct;
  out.labels = labels;
  out.noiseHu = noise;
  return out;
}

void generateSpineCt(const GenerateOptions& options) {
  namespace fs = std::filesystem;
  if (options.outDir.empty()) throw std::invalid_argument("generateSpineCt: empty outDir");
  fs::create_directories(options.outDir);
  std::vector<ManifestEntry> entries;
  for (int index = 0; index < std::max(0, options.count); ++index) {
    // Same stream as the radiographs: study i of seed s is the same spine in both datasets.
    Random rng(options.seed, static_cast<std::uint64_t>(index));
    const SpineParams params = sampleSpineParams(rng);
    const SpineModel model = buildSpineModel(params, rng);
    Random ctRng(options.seed, 0x43540000ULL + static_cast<std::uint64_t>(index));
    const SpineCtVolume vol = makeSpineCtVolume(model, ctRng);

    char name[32];
    std::snprintf(name, sizeof name, "spine_ct_%05d", index);
    const fs::path dir = fs::path(options.outDir) / name;
    fs::create_directories(dir);
    const std::string key = "openrad/spine-ct/" + std::to_string(options.seed) + "/" + std::to_string(index);
    core::PatientInfo patient;
    patient.id = "PSC" + std::to_string(options.seed) + "-" + std::to_string(index);
    patient.name = "Phantom^SpineCt" + std::to_string(index);
    patient.birthDate = std::to_string(2026 - params.ageYears) + "0101";
    patient.sex = params.sex;
    core::StudyInfo study;
    study.studyUid = io::uidFromText(key + "/study");
    study.studyId = std::to_string(index + 1);
    study.accessionNumber = "SC" + std::to_string(index + 1);
    study.description = "Spine phantom CT";
    study.date = "20260101";
    study.time = "100000";
    core::SeriesInfo series;
    series.studyUid = study.studyUid;
    series.frameOfReferenceUid = io::uidFromText(key + "/for");
    series.modality = "CT";
    series.description = "Spine phantom 1.25 mm";
    series.bodyPart = "SPINE";
    series.patientPosition = "FFS";
    series.seriesNumber = 1;
    series.windowCenter = 400.0;
    series.windowWidth = 1800.0;
    io::DicomWriteOptions wo;
    wo.rescaleIntercept = -1024.0;
    wo.uidSeed = key + "/ct";
    wo.filePrefix = "CT";
    const auto written = io::writeDicomSeries(*vol.ct, patient, study, series, (dir / "ct").string(), wo);
    io::writeNifti(*vol.labels, (dir / "labels.nii.gz").string());

    nlohmann::ordered_json j;
    j["format"] = "openrad-spine-ct-truth";
    j["formatVersion"] = 1;
    j["generatorVersion"] = kGeneratorVersion;
    j["seed"] = options.seed;
    j["index"] = index;
    j["coordinateSystem"] = "LPS mm (DICOM patient); voxel indices (i,j,k) of the CT grid";
    const auto& g = vol.ct->geometry();
    j["grid"] = {{"size", {g.size[0], g.size[1], g.size[2]}},
                 {"spacing", vec(g.spacing)},
                 {"origin", vec(g.origin)}};
    j["ctSeries"] = "ct";
    j["ctFiles"] = written.files.size();
    j["labelMap"] = "labels.nii.gz";
    j["noiseHu"] = vol.noiseHu;
    auto& table = j["labels"] = nlohmann::ordered_json::array();
    for (int i = 0; i < kModelVertebrae; ++i) table.push_back({{"value", SpineLabels::vertebra(i)}, {"name", vertebraName(i)}});
    for (int i = 0; i < kLandmarkVertebrae; ++i)
      table.push_back({{"value", SpineLabels::discBelow(i)}, {"name", vertebraName(i) + "/" + vertebraName(i + 1)}});
    table.push_back({{"value", SpineLabels::kRib}, {"name", "ribs and clavicles"}});
    table.push_back({{"value", SpineLabels::kPelvis}, {"name", "pelvis"}});
    table.push_back({{"value", SpineLabels::kFemur}, {"name", "femur"}});
    table.push_back({{"value", SpineLabels::kLung}, {"name", "lungs"}});
    j["parameters"] = detail::spineParametersJson(params);
    auto& vj = j["vertebrae"] = nlohmann::ordered_json::array();
    for (const auto& v : model.vertebrae) {
      nlohmann::ordered_json o = detail::vertebraJson(v);
      o["centreVoxel"] = vec(g.physicalToIndex(v.centre));
      vj.push_back(std::move(o));
    }
    j["sagittal"] = {{"kyphosisT4T12Deg", model.realisedKyphosisDeg}, {"lordosisL1S1Deg", model.realisedLordosisDeg}};
    {
      const fs::path p = dir / "ground_truth.json";
      std::ofstream out(p, std::ios::binary);
      if (!out) throw io::IoError(p.string(), "cannot open for writing");
      out << j.dump(1) << "\n";
    }
    ManifestEntry e;
    e.folder = name;
    e.patientId = patient.id;
    e.studyUid = study.studyUid;
    e.groundTruth = std::string(name) + "/ground_truth.json";
    entries.push_back(e);
    if (options.progress) options.progress(index + 1, options.count);
  }
  writeDatasetManifest(options.outDir, "spine-ct", options.seed, entries);
}

}  // namespace openrad::phantom
