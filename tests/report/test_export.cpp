#include "ReportFixtures.h"

#include "TempDir.h"
#include "openrad/io/IoError.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>

using namespace openrad;
using namespace openrad::report;
using namespace openrad::report::test;

namespace {

class Export : public ::testing::Test {
protected:
  void SetUp() override { useOffscreenQt(); }
  openrad::test::TempDir dir{"openrad-report"};
};

/// Measurement rows of a measurements.csv by id.
std::map<std::string, std::vector<std::string>> rowsById(const std::string& csv) {
  std::map<std::string, std::vector<std::string>> rows;
  const auto all = lines(csv);
  for (std::size_t i = 1; i < all.size(); ++i) {
    auto f = csvFields(all[i]);
    rows[f[0]] = f;
  }
  return rows;
}

}  // namespace

TEST_F(Export, FixtureHasEditedAndUneditedMeasurements) {
  const ReportInput in = editedInput();
  int edited = 0;
  for (const auto& [id, m] : in.annotations.measurements) edited += m.edited ? 1 : 0;
  EXPECT_GT(edited, 0);
  EXPECT_LT(edited, static_cast<int>(in.annotations.measurements.size()));
  EXPECT_TRUE(in.annotations.measurements.at("height.body.T7").edited);
  EXPECT_FALSE(in.annotations.measurements.at("height.body.L3").edited);
  for (const char* id : {"cobb.proximal_thoracic", "cobb.main_thoracic", "cobb.thoracolumbar"})
    EXPECT_GT(in.annotations.measurements.at(id).value, 1.0) << id;
}

TEST_F(Export, MeasurementsCsvHasEveryMeasurementWithEditedFlagAndProvenance) {
  const ReportInput in = editedInput();
  const std::string path = dir.file("measurements.csv");
  writeMeasurementsCsv(in, path);
  const std::string csv = readFile(path);
  ASSERT_FALSE(csv.empty());
  EXPECT_EQ(lines(csv).front(), "id,name,value,unit,edited,source,model_version,inputs");
  const auto rows = rowsById(csv);
  EXPECT_EQ(rows.size(), in.annotations.measurements.size());
  for (const auto& [id, m] : in.annotations.measurements) {
    const auto it = rows.find(id);
    ASSERT_NE(it, rows.end()) << id;
    const auto& f = it->second;
    ASSERT_EQ(f.size(), 8u) << id;
    EXPECT_EQ(f[1], m.name);
    EXPECT_NEAR(std::stod(f[2]), m.value, 1e-3) << id;
    EXPECT_EQ(f[3], m.unit);
    EXPECT_EQ(f[4], m.edited ? "yes" : "no") << id;
    EXPECT_EQ(f[5], "xray-landmarks");
    EXPECT_EQ(f[6], "0.1.0");
    std::string inputs;
    for (std::size_t k = 0; k < m.inputs.size(); ++k) inputs += (k ? ";" : "") + m.inputs[k];
    EXPECT_EQ(f[7], inputs);
  }
  // Clinical order: the Cobb angles first, body heights T1..L5 in level order.
  const auto all = lines(csv);
  EXPECT_EQ(csvFields(all[1])[0], "cobb.proximal_thoracic");
  EXPECT_EQ(csvFields(all[4])[0], "cobb.max");
  const auto pos = [&](const std::string& id) { return csv.find("\n" + id + ","); };
  EXPECT_LT(pos("height.body.T2"), pos("height.body.T10"));
  EXPECT_LT(pos("height.body.T12"), pos("height.body.L1"));
}

TEST_F(Export, LandmarksCsvListsAllCornersWithEditedFlag) {
  const ReportInput in = editedInput();
  const std::string path = dir.file("landmarks.csv");
  writeLandmarksCsv(in, path);
  const auto all = lines(readFile(path));
  ASSERT_EQ(all.size(), 69u);
  EXPECT_EQ(all[0], "name,x_px,y_px,confidence,edited");
  const auto& set = in.annotations.landmarkSets.at("ap-corners");
  for (std::size_t i = 0; i < set.points.size(); ++i) {
    const auto f = csvFields(all[i + 1]);
    ASSERT_EQ(f.size(), 5u);
    EXPECT_EQ(f[0], set.points[i].name);
    EXPECT_NEAR(std::stod(f[1]), set.points[i].position.x(), 1e-3);
    EXPECT_NEAR(std::stod(f[2]), set.points[i].position.y(), 1e-3);
    EXPECT_NEAR(std::stod(f[3]), set.points[i].confidence, 1e-4);
    EXPECT_EQ(f[4], static_cast<int>(i) == kEditedCorner ? "yes" : "no") << f[0];
  }
}

TEST_F(Export, FindingsJsonHasIdentifiersProvenanceAndCorrections) {
  const ReportInput in = editedInput();
  const std::string path = dir.file("findings.json");
  writeFindingsJson(in, path);
  const auto j = nlohmann::json::parse(readFile(path));
  EXPECT_EQ(j["patient"]["patientId"], "PID-4711");
  EXPECT_EQ(j["patient"]["name"], "Testperson^Anna");
  EXPECT_EQ(j["patient"]["birthDate"], "19900214");
  EXPECT_EQ(j["study"]["studyInstanceUid"], "2.25.1234");
  EXPECT_EQ(j["study"]["date"], "20260315");
  EXPECT_EQ(j["series"]["seriesInstanceUid"], "2.25.5678");
  EXPECT_EQ(j["generator"].get<std::string>().rfind("OpenRad ", 0), 0u);
  const std::string created = j["created"];
  EXPECT_EQ(created.size(), 20u);
  EXPECT_EQ(created.back(), 'Z');
  EXPECT_EQ(j["model"]["note"], in.modelNote);
  EXPECT_EQ(j["warnings"].size(), 1u);
  EXPECT_EQ(j["image"]["lengthUnit"], "mm");

  ASSERT_EQ(j["measurements"].size(), in.annotations.measurements.size());
  for (const auto& jm : j["measurements"]) {
    const auto& m = in.annotations.measurements.at(jm["id"].get<std::string>());
    EXPECT_EQ(jm["edited"].get<bool>(), m.edited) << m.id;
    EXPECT_NEAR(jm["value"].get<double>(), m.value, 1e-9);
    EXPECT_EQ(jm["unit"], m.unit);
    EXPECT_EQ(jm["provenance"]["source"], "xray-landmarks");
    EXPECT_EQ(jm["provenance"]["modelVersion"], "0.1.0");
    EXPECT_EQ(jm["inputs"].size(), m.inputs.size());
  }
  ASSERT_EQ(j["landmarks"]["points"].size(), 68u);
  EXPECT_EQ(j["landmarks"]["points"][kEditedCorner]["name"], "T7.tl");
  EXPECT_TRUE(j["landmarks"]["points"][kEditedCorner]["edited"].get<bool>());
  EXPECT_EQ(j["correctedByHand"]["landmarks"], nlohmann::json::array({"T7.tl"}));
  const auto& editedIds = j["correctedByHand"]["measurements"];
  EXPECT_NE(std::find(editedIds.begin(), editedIds.end(), "height.body.T7"), editedIds.end());
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
    } catch (const io::IoError& e) {
      EXPECT_EQ(e.file(), path);
      EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
    }
    EXPECT_FALSE(std::filesystem::exists(path));
  };
  expectThrowNaming("x.csv", [&](const std::string& p) { writeMeasurementsCsv(in, p); });
  expectThrowNaming("l.csv", [&](const std::string& p) { writeLandmarksCsv(in, p); });
  expectThrowNaming("f.json", [&](const std::string& p) { writeFindingsJson(in, p); });
  expectThrowNaming("o.png", [&](const std::string& p) { writeKeyImagePng(in, p); });
  expectThrowNaming("r.pdf", [&](const std::string& p) { writePdfReport(in, p); });
  expectThrowNaming("missing/sub/x.csv", [&](const std::string& p) { writeMeasurementsCsv(in, p); });
}

TEST_F(Export, RewritingReplacesTheFileAndLeavesNoTemporaries) {
  ReportInput in = editedInput();
  const std::string path = dir.file("measurements.csv");
  writeMeasurementsCsv(in, path);
  in.annotations.measurements.erase("cobb.max");
  writeMeasurementsCsv(in, path);
  EXPECT_EQ(readFile(path).find("cobb.max,"), std::string::npos);
  int files = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path())) ++files;
  EXPECT_EQ(files, 1);
}

TEST_F(Export, ValuesAreFormattedWithUnits) {
  core::Measurement m;
  m.value = 23.44;
  m.unit = "deg";
  EXPECT_EQ(formatValue(m), "23.4\u00B0");
  m.unit = "mm";
  m.value = 412.26;
  EXPECT_EQ(formatValue(m), "412.3 mm");
  m.inputs = {"T5.tl", "T5.tr", "T5.bl", "T5.br", "T11.tl", "T11.tr", "T11.bl", "T11.br"};
  EXPECT_EQ(endVertebrae(m), "T5\u2013T11");
  m.inputs = {"T1.tl", "T1.tr", "T1.bl", "T1.br", "T1.tl", "T1.tr", "T1.bl", "T1.br"};
  EXPECT_EQ(endVertebrae(m), "");  // no curve in that region
}
