#include "openrad/modules/xray_landmarks/XrayDataset.h"

#include "openrad/io/IoError.h"
#include "openrad/io/Loader.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace openrad::ai {

namespace fs = std::filesystem;

namespace {
std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\"");
  const auto e = s.find_last_not_of(" \t\r\"");
  return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

int cornerIndex(const std::string& name) {
  static const std::map<std::string, int> kNames = {{"top-left", 0},     {"tl", 0}, {"top-right", 1},
                                                    {"tr", 1},           {"bottom-left", 2}, {"bl", 2},
                                                    {"bottom-right", 3}, {"br", 3}};
  auto it = kNames.find(lower(name));
  return it == kNames.end() ? -1 : it->second;
}

int vertebraIndex(const std::string& name) {
  for (int v = 0; v < measure::kApVertebrae; ++v)
    if (measure::apVertebraName(v) == name) return v;
  return -1;
}

std::string findApImage(const fs::path& folder) {
  if (fs::is_directory(folder / "ap")) return (folder / "ap").string();
  for (const char* ext : {".dcm", ".png", ".jpg", ".jpeg", ".tif", ".tiff"}) {
    for (const char* stem : {"ap", "AP", "image"}) {
      const fs::path p = folder / (std::string(stem) + ext);
      if (fs::is_regular_file(p)) return p.string();
    }
  }
  return {};
}
}  // namespace

bool XrayStudyRecord::complete() const {
  return std::all_of(labelled.begin(), labelled.end(), [](bool b) { return b; });
}

bool XrayStudyRecord::vertebraLabelled(int v) const {
  for (int c = 0; c < measure::kCornersPerVertebra; ++c)
    if (!labelled[static_cast<std::size_t>(v * measure::kCornersPerVertebra + c)]) return false;
  return true;
}

void readApLandmarksCsv(const std::string& path, XrayStudyRecord& record) {
  std::ifstream in(path);
  if (!in) throw io::IoError(path, "cannot open landmark CSV");
  std::string line;
  if (!std::getline(in, line)) throw io::IoError(path, "empty landmark CSV");
  std::vector<std::string> header;
  {
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) header.push_back(lower(trim(cell)));
  }
  auto column = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw io::IoError(path, "landmark CSV has no '" + name + "' column");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t cView = column("view"), cVert = column("vertebra"), cCorner = column("corner"),
                    cX = column("x"), cY = column("y");
  measure::ApCorners& corners = record.corners;
  std::array<bool, measure::kApCorners>& seen = record.labelled;
  seen.fill(false);
  while (std::getline(in, line)) {
    if (trim(line).empty()) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line);
    std::string cell;
    while (std::getline(ss, cell, ',')) cells.push_back(trim(cell));
    if (cells.size() < header.size()) throw io::IoError(path, "short row: " + line);
    const std::string view = lower(cells[cView]);
    if (view != "ap" && view != "pa") continue;
    const int v = vertebraIndex(cells[cVert]);
    const int c = cornerIndex(cells[cCorner]);
    if (v < 0 || c < 0) continue;  // S1 and other extra points
    const auto k = static_cast<std::size_t>(v * measure::kCornersPerVertebra + c);
    try {
      corners[k] = {std::stod(cells[cX]), std::stod(cells[cY])};
    } catch (const std::exception&) {
      throw io::IoError(path, "not a number in row: " + line);
    }
    seen[k] = true;
  }
  if (std::none_of(seen.begin(), seen.end(), [](bool b) { return b; }))
    throw io::IoError(path, "no AP corners (view ap, vertebra T1..L5)");
}

std::vector<XrayStudyRecord> readXrayDataset(const std::string& dir) {
  const fs::path root(dir);
  if (!fs::is_directory(root)) throw io::IoError(dir, "dataset folder not found");
  std::vector<XrayStudyRecord> out;
  const fs::path manifest = root / "manifest.json";
  std::vector<std::array<std::string, 3>> studies;  // folder, patientId, split
  if (fs::is_regular_file(manifest)) {
    std::ifstream in(manifest);
    nlohmann::json j;
    try {
      in >> j;
      for (const auto& s : j.at("studies"))
        studies.push_back({s.at("folder").get<std::string>(), s.value("patientId", ""), s.value("split", "")});
    } catch (const std::exception& e) {
      throw io::IoError(manifest.string(), std::string("malformed dataset manifest: ") + e.what());
    }
  } else {
    std::vector<std::string> names;
    for (const auto& e : fs::directory_iterator(root))
      if (e.is_directory() && fs::is_regular_file(e.path() / "landmarks.csv")) names.push_back(e.path().filename().string());
    std::sort(names.begin(), names.end());
    for (auto& n : names) studies.push_back({n, "", ""});
  }
  for (const auto& [folder, patient, split] : studies) {
    XrayStudyRecord r;
    r.id = folder;
    r.folder = (root / folder).string();
    r.patientId = patient.empty() ? folder : patient;
    r.split = split;
    const fs::path studyJson = root / folder / "study.json";
    if (fs::is_regular_file(studyJson)) {
      std::ifstream in(studyJson);
      try {
        nlohmann::json j;
        in >> j;
        const auto& ap = j.at("views").at("ap");
        r.apImage = (root / folder / ap.at("image").get<std::string>()).string();
        if (ap.contains("pixelSpacing") && ap.at("pixelSpacing").is_number())
          r.pixelSpacing = ap.at("pixelSpacing").get<double>();
      } catch (const std::exception& e) {
        throw io::IoError(studyJson.string(), std::string("malformed study.json: ") + e.what());
      }
    }
    if (r.apImage.empty()) r.apImage = findApImage(root / folder);
    if (r.apImage.empty()) throw io::IoError(r.folder, "no AP image (study.json, ap/ folder or ap.png/.jpg/.tif/.dcm)");
    readApLandmarksCsv((root / folder / "landmarks.csv").string(), r);
    out.push_back(std::move(r));
  }
  if (out.empty()) throw io::IoError(dir, "no studies with landmarks.csv found");
  return out;
}

std::shared_ptr<const core::Series> loadXrayStudyImage(const XrayStudyRecord& record) {
  const core::LoadResult result = io::loadPath(record.apImage);
  for (const auto& s : result.allSeries()) {
    if (!s->image || !s->image->geometry().is2D()) continue;
    if (s->image->geometry().spacingKnown || record.pixelSpacing <= 0.0) return s;
    // A JPEG/PNG has no spacing of its own; study.json's value applies (in the patient plane).
    auto copy = std::make_shared<core::Series>(*s);
    core::Geometry g = s->image->geometry();
    g.spacing.x() = g.spacing.y() = record.pixelSpacing;
    g.spacingKnown = true;
    auto image = core::Image::createUninitialised(g, s->image->pixelType());
    std::memcpy(image->data(), s->image->data(), s->image->byteSize());
    copy->image = image;
    copy->info.pixelSpacingSource = "study.json";
    return copy;
  }
  std::string why = "no 2D image loaded";
  if (!result.issues.empty()) why += ": " + result.issues.front().message;
  throw io::IoError(record.apImage, why);
}

}  // namespace openrad::ai
