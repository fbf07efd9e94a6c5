#include "openrad/phantom/AasceImport.h"

#include "TempDir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>

using namespace openrad::phantom;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// A tiny binary PGM image (readable by the importer's image reader).
void writePgm(const fs::path& p, int w, int h) {
  std::ofstream out(p, std::ios::binary);
  out << "P5\n" << w << " " << h << "\n255\n";
  for (int i = 0; i < w * h; ++i) out.put(static_cast<char>(i % 251));
}

}  // namespace

TEST(SpineAasce, ParsesNormalisedRowIntoPixels) {
  std::ostringstream row;
  for (int i = 0; i < 68; ++i) row << (i ? "," : "") << 0.25;
  for (int i = 0; i < 68; ++i) row << "," << 0.5;
  const auto pts = parseAasceLandmarkRow(row.str(), 400, 1000);
  ASSERT_EQ(pts.size(), 68u);
  EXPECT_DOUBLE_EQ(pts[0].x(), 100.0);
  EXPECT_DOUBLE_EQ(pts[67].y(), 500.0);
  EXPECT_THROW(parseAasceLandmarkRow("0.1,0.2", 10, 10), std::invalid_argument);
  EXPECT_THROW(parseAasceLandmarkRow("a,b", 10, 10), std::invalid_argument);
}

TEST(SpineAasce, ImportsIntoTheRealDataFolderFormat) {
  const openrad::test::TempDir dir("openrad_spine_test_aasce");
  const fs::path root = dir.path();
  fs::create_directories(root / "data");
  fs::create_directories(root / "labels");
  writePgm(root / "data" / "case1.pgm", 200, 500);
  // 17 level vertebrae, 20 px tall, stacked; x normalised by 200, y by 500.
  std::ostringstream xs, ys;
  for (int k = 0; k < 17; ++k) {
    const double top = 20 + 25.0 * k, bottom = top + 20;
    const double x[4] = {80, 120, 80, 120}, y[4] = {top, top, bottom, bottom};
    for (int c = 0; c < 4; ++c) {
      xs << (k || c ? "," : "") << x[c] / 200.0;
      ys << "," << y[c] / 500.0;
    }
  }
  std::ofstream(root / "labels" / "landmarks.csv") << xs.str() << ys.str() << "\n";
  std::ofstream(root / "labels" / "filenames.csv") << "case1.pgm\nmissing.jpg\n";
  std::ofstream(root / "labels" / "angles.csv") << "1.5,2.5,3.5\n";
  AasceImportOptions o;
  o.imagesDir = (root / "data").string();
  o.landmarksCsv = (root / "labels" / "landmarks.csv").string();
  o.filenamesCsv = (root / "labels" / "filenames.csv").string();
  o.anglesCsv = (root / "labels" / "angles.csv").string();
  o.outDir = (root / "out").string();
  const auto report = importAasce(o);
  EXPECT_EQ(report.imported, 1);
  EXPECT_FALSE(report.problems.empty());  // the row count mismatch
  const fs::path c = root / "out" / "case1";
  ASSERT_TRUE(fs::exists(c / "ap.pgm"));
  const auto study = nlohmann::json::parse(slurp(c / "study.json"));
  EXPECT_EQ(study["views"]["ap"]["rows"].get<int>(), 500);
  EXPECT_EQ(study["views"]["ap"]["image"].get<std::string>(), "ap.pgm");
  const std::string lm = slurp(c / "landmarks.csv");
  EXPECT_NE(lm.find("ap,T1,top-left,80.000,20.000"), std::string::npos) << lm.substr(0, 200);
  EXPECT_NE(lm.find("ap,L5,bottom-right,120.000,440.000"), std::string::npos);
  EXPECT_NE(slurp(c / "angles.csv").find("cobb_main_thoracic,2.500"), std::string::npos);
  const auto manifest = nlohmann::json::parse(slurp(root / "out" / "manifest.json"));
  EXPECT_EQ(manifest["source"].get<std::string>(), "aasce2019");
  EXPECT_EQ(manifest["studies"].size(), 1u);
}
