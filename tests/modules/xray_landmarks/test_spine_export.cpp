#include "SpineReportFixtures.h"

#include "TempDir.h"
#include "openrad/core/Errors.h"

#include <QImage>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

using namespace openrad;
using namespace openrad::report;
using namespace openrad::test;
using namespace openrad::modules::xray_landmarks::test;

namespace {

class Export : public ::testing::Test {
protected:
  void SetUp() override { useOffscreenQt(); }
  openrad::test::TempDir dir{"openrad-spine-export"};
};

/// Measurement rows of a measurements.csv by id.
std::map<std::string, std::vector<std::string>> rowsById(const std::string& csv) {
  std::map<std::string, std::vector<std::string>> rows;
  const auto all = lines(csv);
  for (std::size_t i = 1; i < all.size(); ++i) {
    auto f = csvFields(all[i]);
    if (f.size() > 1) rows[f[1]] = f;
  }
  return rows;
}

/// The "key=value;..." attributes column as the writer prints it (group and order left out).
std::string attributesColumn(const core::Measurement& m) {
  std::string out;
  for (const auto& [k, v] : m.attributes)
    if (k != "group" && k != "order") out += (out.empty() ? "" : ";") + k + "=" + v;
  return out;
}

}  // namespace

TEST_F(Export, MeasurementsCsvHasEveryMeasurementWithEditedFlagAndProvenance) {
  const ReportInput in = editedInput();
  const auto& ms = measurements(in);
  const std::string path = dir.file("measurements.csv");
  writeMeasurementsCsv(in, path);
  const std::string csv = readFile(path);
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(lines(csv).front(), "series,id,name,value,unit,edited,source,model_version,inputs,attributes");
  const auto rows = rowsById(csv);
  EXPECT_EQ(rows.size(), ms.size());
  int edited = 0, unedited = 0;
  for (const auto& [id, m] : ms) {
    const auto it = rows.find(id);
    ASSERT_NE(it, rows.end()) << id;
    const auto& f = it->second;
    ASSERT_EQ(f.size(), 10u) << id;
    EXPECT_EQ(f[0], "2.25.5678");
    EXPECT_EQ(f[2], m.name);
    EXPECT_NEAR(std::stod(f[3]), m.value, 1e-3) << id;
    EXPECT_EQ(f[4], m.unit);
    EXPECT_EQ(f[5], m.edited ? "yes" : "no") << id;
    (f[5] == "yes" ? edited : unedited) += 1;
    EXPECT_EQ(f[6], "xray-landmarks");
    EXPECT_EQ(f[7], "0.1.0");
    std::string inputs;
    for (std::size_t k = 0; k < m.inputs.size(); ++k) inputs += (k ? ";" : "") + m.inputs[k];
    EXPECT_EQ(f[8], inputs);
    EXPECT_EQ(f[9], attributesColumn(m)) << id;
  }
  // The corner moved by hand marks the values computed from it, and only those.
  EXPECT_EQ(rows.at("height.body.T7")[5], "yes");
  EXPECT_EQ(rows.at("height.body.L3")[5], "no");
  EXPECT_EQ(rows.at("cobb.main_thoracic")[5], "no");  // T7 is not one of its end vertebrae
  EXPECT_GT(edited, 0);
  EXPECT_GT(unedited, edited);
  // A Cobb row carries its end vertebrae, convex side and apex; a height row has no such attributes.
  const std::string& mt = rows.at("cobb.main_thoracic")[9];
  EXPECT_TRUE(contains(mt, "ends=T4\u2013T10")) << mt;
  EXPECT_TRUE(contains(mt, "side=")) << mt;
  EXPECT_TRUE(contains(mt, "apex=")) << mt;
  EXPECT_EQ(rows.at("height.body.L3")[9], "");
  // Clinical order: the Cobb angles first (PT, MT, TL/L, maximal), body heights T1..L5 in level order.
  const auto all = lines(csv);
  EXPECT_EQ(csvFields(all[1])[1], "cobb.proximal_thoracic");
  EXPECT_EQ(csvFields(all[2])[1], "cobb.main_thoracic");
  EXPECT_EQ(csvFields(all[3])[1], "cobb.thoracolumbar");
  EXPECT_EQ(csvFields(all[4])[1], "cobb.max");
  const auto pos = [&](const std::string& id) { return csv.find("," + id + ","); };
  EXPECT_LT(pos("height.body.T2"), pos("height.body.T10"));
  EXPECT_LT(pos("height.body.T12"), pos("height.body.L1"));
}

TEST_F(Export, LandmarksCsvListsAllCornersWithEditedFlag) {
  const ReportInput in = editedInput();
  const std::string path = dir.file("landmarks.csv");
  writeLandmarksCsv(in, path);
  const auto all = lines(readFile(path));
  ASSERT_EQ(all.size(), 69u);
  EXPECT_EQ(all[0], "series,set,name,x_px,y_px,z_px,confidence,edited,source");
  const auto& set = cornerSet(in);
  for (std::size_t i = 0; i < set.points.size(); ++i) {
    const auto f = csvFields(all[i + 1]);
    ASSERT_EQ(f.size(), 9u);
    EXPECT_EQ(f[0], "2.25.5678");
    EXPECT_EQ(f[1], "ap-corners");
    EXPECT_EQ(f[2], set.points[i].name);
    EXPECT_NEAR(std::stod(f[3]), set.points[i].position.x(), 1e-3);
    EXPECT_NEAR(std::stod(f[4]), set.points[i].position.y(), 1e-3);
    EXPECT_NEAR(std::stod(f[5]), 0.0, 1e-9);
    EXPECT_NEAR(std::stod(f[6]), set.points[i].confidence, 1e-4);
    EXPECT_EQ(f[7], static_cast<int>(i) == kEditedCorner ? "yes" : "no") << f[2];
    EXPECT_EQ(f[8], "xray-landmarks");
  }
}

TEST_F(Export, FindingsJsonHasIdentifiersProvenanceAndCorrections) {
  const ReportInput in = editedInput();
  const auto& ms = measurements(in);
  const std::string path = dir.file("findings.json");
  writeFindingsJson(in, path);
  const auto j = nlohmann::json::parse(readFile(path));
  EXPECT_EQ(j["format"], "openrad-findings");
  EXPECT_EQ(j["formatVersion"], 2);
  EXPECT_EQ(j["patient"]["patientId"], "PID-4711");
  EXPECT_EQ(j["patient"]["name"], "Testperson^Anna");
  EXPECT_EQ(j["patient"]["birthDate"], "19900214");
  EXPECT_EQ(j["study"]["studyInstanceUid"], "2.25.1234");
  EXPECT_EQ(j["study"]["date"], "20260315");
  EXPECT_EQ(j["generator"].get<std::string>().rfind("OpenRad ", 0), 0u);
  const std::string created = j["created"];
  EXPECT_EQ(created.size(), 20u);
  EXPECT_EQ(created.back(), 'Z');
  EXPECT_EQ(j["warnings"], nlohmann::json::array({kLoaderWarning}));

  ASSERT_EQ(j["modules"].size(), 1u);
  const auto& module = j["modules"]["xray-landmarks"];
  EXPECT_EQ(module["model"]["note"], kModelNote);
  EXPECT_EQ(module["tables"], nlohmann::json::array());
  ASSERT_EQ(module["series"].size(), 1u);
  const auto& s = module["series"][0];
  EXPECT_EQ(s["series"]["seriesInstanceUid"], "2.25.5678");
  EXPECT_EQ(s["series"]["viewPosition"], "PA");
  EXPECT_EQ(s["image"]["lengthUnit"], "mm");
  EXPECT_EQ(s["image"]["size"], nlohmann::json::array({kColumns, kRows, 1}));
  EXPECT_EQ(s["image"]["pixelSpacingSource"], "PixelSpacing");
  EXPECT_EQ(s["warnings"], nlohmann::json::array({kLowConfidenceWarning}));
  EXPECT_EQ(s["boxes"], nlohmann::json::array());
  EXPECT_EQ(s["labelMaps"], nlohmann::json::array());

  ASSERT_EQ(s["measurements"].size(), ms.size());
  for (const auto& jm : s["measurements"]) {
    const auto& m = ms.at(jm["id"].get<std::string>());
    EXPECT_EQ(jm["edited"].get<bool>(), m.edited) << m.id;
    EXPECT_NEAR(jm["value"].get<double>(), m.value, 1e-9);
    EXPECT_EQ(jm["unit"], m.unit);
    EXPECT_EQ(jm["provenance"]["source"], "xray-landmarks");
    EXPECT_EQ(jm["provenance"]["modelVersion"], "0.1.0");
    EXPECT_EQ(jm["inputs"].size(), m.inputs.size());
    EXPECT_EQ(jm["attributes"].size(), m.attributes.size()) << m.id;
    for (const auto& [k, v] : m.attributes) EXPECT_EQ(jm["attributes"][k], v) << m.id << " " << k;
  }
  const auto& mt = ms.at("cobb.main_thoracic");
  EXPECT_EQ(mt.attribute("ends"), "T4\u2013T10");
  EXPECT_EQ(mt.attribute("aiEnds"), "T4\u2013T10");  // the hand correction left its end vertebrae alone

  ASSERT_EQ(s["landmarkSets"].size(), 1u);
  const auto& set = s["landmarkSets"][0];
  EXPECT_EQ(set["set"], "ap-corners");
  EXPECT_EQ(set["provenance"]["source"], "xray-landmarks");
  ASSERT_EQ(set["points"].size(), 68u);
  EXPECT_EQ(set["points"][kEditedCorner]["name"], "T7.tl");
  EXPECT_TRUE(set["points"][kEditedCorner]["edited"].get<bool>());
  EXPECT_FALSE(set["points"][kEditedCorner + 4]["edited"].get<bool>());
  EXPECT_NEAR(set["points"][kLowConfidenceCorner]["confidence"].get<double>(), 0.1, 1e-12);
  EXPECT_EQ(s["correctedByHand"]["landmarks"], nlohmann::json::array({"ap-corners/T7.tl"}));
  const auto& editedIds = s["correctedByHand"]["measurements"];
  EXPECT_NE(std::find(editedIds.begin(), editedIds.end(), "height.body.T7"), editedIds.end());
  EXPECT_EQ(std::find(editedIds.begin(), editedIds.end(), "height.body.L3"), editedIds.end());
}

TEST_F(Export, UnwritableFolderThrowsNamingTheFile) {
  const ReportInput in = editedInput();
  const std::string plain = dir.file("plain-file");
  std::ofstream(plain) << "not a folder";
  const auto expectThrowNaming = [&](const std::string& name, auto&& write) {
    const std::string path = plain + "/" + name;
    try {
      write(path);
      ADD_FAILURE() << "no exception for " << path;
    } catch (const core::IoError& e) {
      EXPECT_EQ(e.file(), path);
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(path));
  };
  expectThrowNaming("x.csv", [&](const std::string& p) { writeMeasurementsCsv(in, p); });
  expectThrowNaming("l.csv", [&](const std::string& p) { writeLandmarksCsv(in, p); });
  expectThrowNaming("f.json", [&](const std::string& p) { writeFindingsJson(in, p); });
  expectThrowNaming("r.pdf", [&](const std::string& p) { writePdfReport(in, p, presentations()); });
  expectThrowNaming("findings", [&](const std::string& p) { writeFindingsFolder(in, p, presentations()); });
  expectThrowNaming("missing/sub/x.csv", [&](const std::string& p) { writeMeasurementsCsv(in, p); });
}

TEST_F(Export, RewritingReplacesTheFileAndLeavesNoTemporaries) {
  ReportInput in = editedInput();
  const std::string path = dir.file("measurements.csv");
  writeMeasurementsCsv(in, path);
  EXPECT_TRUE(contains(readFile(path), ",cobb.max,"));
  spine(in).annotations.measurements.erase("cobb.max");
  writeMeasurementsCsv(in, path);
  EXPECT_FALSE(contains(readFile(path), ",cobb.max,"));
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(Export, FindingsFolderHoldsEveryExportWithTheSpineOverlay) {
  const ReportInput in = editedInput();
  const std::string folder = dir.file("out");
  const auto written = writeFindingsFolder(in, folder, presentations());
  for (const char* name : {"measurements.csv", "landmarks.csv", "findings.json", "overlay.png", "report.pdf"}) {
    const std::string path = (std::filesystem::path(folder) / name).string();
    EXPECT_NE(std::find(written.begin(), written.end(), path), written.end()) << name;
    EXPECT_GT(std::filesystem::file_size(path), 100u) << name;
  }
  EXPECT_EQ(written.size(), 5u);  // one key image, no label maps
  const QImage overlay(QString::fromStdString((std::filesystem::path(folder) / "overlay.png").string()));
  ASSERT_FALSE(overlay.isNull());
  EXPECT_EQ(overlay.size(), renderKeyImage(in, sectionFor(in, "xray-landmarks", presentations()).keyImages.front(),
                                           layersFor(spine(in).annotations, presentations()))
                                .size());
}

TEST_F(Export, ValuesAreFormattedWithUnits) {
  core::Measurement m;
  m.value = 23.44;
  m.unit = "deg";
  EXPECT_EQ(formatValue(m), "23.4\u00B0");
  m.unit = "mm";
  m.value = 412.26;
  EXPECT_EQ(formatValue(m), "412.3 mm");
  m.unit = "px";
  m.value = 57.0;
  EXPECT_EQ(formatValue(m), "57.0 px");
}
