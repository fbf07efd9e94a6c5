#include "StudyFiles.h"

#include "openrad/io/IoError.h"

#include <cstdio>
#include <fstream>

namespace openrad::phantom::detail {

std::string fixed3(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

void writeTextFile(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw io::IoError(path.string(), "cannot open for writing");
  out << text;
  if (!out) throw io::IoError(path.string(), "write failed");
}

static nlohmann::ordered_json vec(const Eigen::Vector3d& v) { return {v.x(), v.y(), v.z()}; }

nlohmann::ordered_json vertebraJson(const VertebraPose& v) {
  nlohmann::ordered_json o;
  o["name"] = v.name;
  o["centre"] = vec(v.centre);
  o["apCorners"] = nlohmann::ordered_json::array();
  for (const auto& c : v.apCorners) o["apCorners"].push_back(vec(c));
  o["lateralCorners"] = nlohmann::ordered_json::array();
  for (const auto& c : v.lateralCorners) o["lateralCorners"].push_back(vec(c));
  o["coronalTiltDeg"] = v.coronalTiltDeg;
  o["sagittalTiltDeg"] = v.sagittalTiltDeg;
  o["axialRotationDeg"] = v.axialRotationDeg;
  return o;
}

nlohmann::ordered_json spineParametersJson(const SpineParams& p) {
  nlohmann::ordered_json pj;
  pj["scale"] = p.scale;
  pj["sex"] = p.sex;
  pj["ageYears"] = p.ageYears;
  pj["kyphosisT4T12Deg"] = p.kyphosisDeg;
  pj["lordosisL1S1Deg"] = p.lordosisDeg;
  pj["sacralSlopeDeg"] = p.sacralSlopeDeg;
  pj["proximalKyphosisT1T4Deg"] = p.proximalKyphosisDeg;
  pj["trunkShiftDeg"] = p.trunkShiftDeg;
  pj["boneDensity"] = p.boneDensity;
  pj["torsoHalfWidth"] = p.torsoHalfWidth;
  pj["torsoHalfDepth"] = p.torsoHalfDepth;
  auto& curves = pj["curves"] = nlohmann::ordered_json::array();
  for (const auto& c : p.curves)
    curves.push_back({{"region", c.region},
                      {"cobbDeg", c.cobbDeg},
                      {"upperEnd", vertebraName(c.upperEnd)},
                      {"lowerEnd", vertebraName(c.lowerEnd)},
                      {"apex", vertebraName(c.apex)},
                      {"convexity", c.convexity > 0 ? "right" : "left"},
                      {"apicalRotationDeg", c.apicalRotationDeg}});
  pj["fracture"] = p.fractureLevel < 0 ? nlohmann::ordered_json(nullptr)
                                       : nlohmann::ordered_json{{"level", vertebraName(p.fractureLevel)},
                                                                {"anteriorHeightLoss", p.fractureHeightLoss}};
  pj["listhesis"] = p.listhesisLevel < 0 ? nlohmann::ordered_json(nullptr)
                                         : nlohmann::ordered_json{{"level", vertebraName(p.listhesisLevel)},
                                                                  {"grade", p.listhesisGrade},
                                                                  {"slipPercent", p.listhesisPercent}};
  return pj;
}

}  // namespace openrad::phantom::detail
