#include "openrad/phantom/AasceImport.h"

#include "StudyFiles.h"

#include "openrad/io/IoError.h"
#include "openrad/measure/Cobb.h"
#include "openrad/phantom/DatasetManifest.h"
#include "openrad/phantom/SpineModel.h"

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace openrad::phantom {

namespace {

const char* const kApCornerNames[4] = {"top-left", "top-right", "bottom-left", "bottom-right"};

std::vector<std::string> readLines(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw io::IoError(path, "cannot open");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (!line.empty() && line.front() == '\xEF') line.erase(0, 3);  // UTF-8 BOM
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<double> parseNumbers(const std::string& row) {
  std::vector<double> v;
  std::string cell;
  std::istringstream ss(row);
  while (std::getline(ss, cell, ',')) {
    std::size_t used = 0;
    const double x = std::stod(cell, &used);
    v.push_back(x);
  }
  return v;
}


}  // namespace

std::vector<Eigen::Vector2d> parseAasceLandmarkRow(const std::string& row, int width, int height) {
  std::vector<double> v;
  try {
    v = parseNumbers(row);
  } catch (const std::exception&) {
    throw std::invalid_argument("AASCE landmark row: not a list of numbers");
  }
  if (v.size() != 136) throw std::invalid_argument("AASCE landmark row: " + std::to_string(v.size()) + " values, expected 136");
  std::vector<Eigen::Vector2d> pts(68);
  for (std::size_t i = 0; i < 68; ++i) pts[i] = {v[i] * width, v[68 + i] * height};
  return pts;
}

AasceImportReport importAasce(const AasceImportOptions& o) {
  namespace fs = std::filesystem;
  AasceImportReport report;
  const auto landmarkRows = readLines(o.landmarksCsv);
  const auto names = readLines(o.filenamesCsv);
  std::vector<std::string> angleRows;
  if (!o.anglesCsv.empty()) angleRows = readLines(o.anglesCsv);
  if (names.size() != landmarkRows.size())
    report.problems.push_back("filenames.csv has " + std::to_string(names.size()) + " rows, landmarks.csv " +
                              std::to_string(landmarkRows.size()) + "; using the shorter");
  fs::create_directories(o.outDir);
  nlohmann::ordered_json manifest;
  manifest["format"] = "openrad-dataset";
  manifest["formatVersion"] = 1;
  manifest["kind"] = "spine-xray";
  manifest["source"] = "aasce2019";
  manifest["generatorVersion"] = kGeneratorVersion;
  auto& studies = manifest["studies"] = nlohmann::ordered_json::array();
  const std::size_t n = std::min(names.size(), landmarkRows.size());
  for (std::size_t r = 0; r < n; ++r) {
    std::string name = names[r];
    if (name.find(',') != std::string::npos) name = name.substr(0, name.find(','));
    const fs::path image = fs::path(o.imagesDir) / name;
    const cv::Mat img = cv::imread(image.string(), cv::IMREAD_GRAYSCALE);
    if (img.empty()) {
      report.problems.push_back(name + ": image missing or unreadable");
      continue;
    }
    std::vector<Eigen::Vector2d> pts;
    try {
      pts = parseAasceLandmarkRow(landmarkRows[r], img.cols, img.rows);
    } catch (const std::invalid_argument& e) {
      report.problems.push_back(name + ": " + e.what());
      continue;
    }
    const std::string caseId = fs::path(name).stem().string();
    const fs::path dir = fs::path(o.outDir) / caseId;
    fs::create_directories(dir);
    std::string imageRef = "ap" + fs::path(name).extension().string();
    if (o.copyImages)
      fs::copy_file(image, dir / imageRef, fs::copy_options::overwrite_existing);
    else
      imageRef = fs::absolute(image).string();

    std::ostringstream lm;
    lm << "view,vertebra,corner,x,y\n";
    for (int k = 0; k < 17; ++k)
      for (int c = 0; c < 4; ++c) {
        const auto& p = pts[static_cast<std::size_t>(4 * k + c)];
        lm << "ap," << vertebraName(k) << ',' << kApCornerNames[c] << ',' << detail::fixed3(p.x()) << ',' << detail::fixed3(p.y()) << '\n';
      }
    detail::writeTextFile(dir / "landmarks.csv", lm.str());

    const measure::CobbAngles cobb = measure::cobbAnglesAasce(pts, img.rows);
    std::ostringstream an;
    an << "measure,value_deg\n";
    std::vector<double> ref;
    if (r < angleRows.size()) {
      try {
        ref = parseNumbers(angleRows[r]);
      } catch (const std::exception&) {
        report.problems.push_back(name + ": angles row unreadable");
      }
    }
    if (ref.size() >= 3) {
      an << "cobb_proximal_thoracic," << detail::fixed3(ref[0]) << '\n';
      an << "cobb_main_thoracic," << detail::fixed3(ref[1]) << '\n';
      an << "cobb_thoracolumbar," << detail::fixed3(ref[2]) << '\n';
    } else {
      an << "cobb_proximal_thoracic," << detail::fixed3(cobb.proximalThoracic.angleDeg) << '\n';
      an << "cobb_main_thoracic," << detail::fixed3(cobb.mainThoracic.angleDeg) << '\n';
      an << "cobb_thoracolumbar," << detail::fixed3(cobb.thoracolumbar.angleDeg) << '\n';
    }
    detail::writeTextFile(dir / "angles.csv", an.str());

    nlohmann::ordered_json st;
    st["format"] = "openrad-spine-study";
    st["formatVersion"] = 1;
    st["source"] = "aasce2019";
    st["views"]["ap"] = {{"image", imageRef},
                         {"rows", img.rows},
                         {"columns", img.cols},
                         {"pixelSpacing", nullptr},
                         {"viewPosition", "AP"}};
    st["landmarks"] = "landmarks.csv";
    st["angles"] = "angles.csv";
    st["anglesFrom"] = ref.size() >= 3 ? "aasce angles.csv" : "computed from landmarks (AASCE definition)";
    st["cobbFromLandmarks"] = {cobb.proximalThoracic.angleDeg, cobb.mainThoracic.angleDeg, cobb.thoracolumbar.angleDeg};
    detail::writeTextFile(dir / "study.json", st.dump(1) + "\n");
    studies.push_back({{"folder", caseId}, {"patientId", caseId}, {"studyUid", ""}, {"groundTruth", caseId + "/study.json"}});
    ++report.imported;
  }
  manifest["count"] = studies.size();
  detail::writeTextFile(fs::path(o.outDir) / "manifest.json", manifest.dump(2) + "\n");
  return report;
}

}  // namespace openrad::phantom
