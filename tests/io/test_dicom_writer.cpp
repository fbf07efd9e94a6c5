#include "openrad/io/DicomWriter.h"

#include "Dciodvfy.h"
#include "Requires.h"
#include "TempDir.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>

using namespace openrad;

namespace {

core::Image makeVolume(std::array<std::int64_t, 3> size, core::PixelType type) {
  core::Geometry g;
  g.size = size;
  g.spacing = {0.8, 0.8, 2.5};
  g.origin = {-100, -120, 30};
  core::Image img(g, type);
  for (std::int64_t k = 0; k < size[2]; ++k)
    for (std::int64_t j = 0; j < size[1]; ++j)
      for (std::int64_t i = 0; i < size[0]; ++i) img.setValue(i, j, k, -1000 + 10 * i + 3 * j + 100 * k);
  return img;
}

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Error lines of dciodvfy ("Error" prefix), or nullopt when it is not installed.
std::optional<std::string> dciodvfyErrors(const std::string& file) {
  const auto report = test::runDciodvfy(file);
  if (!report) return std::nullopt;
  std::string errors;
  for (const auto& e : report->errors) errors += e + "\n";
  return errors;
}

core::PatientInfo patient() { return {"PHANTOM-001", "Phantom^Test", "19700101", "F"}; }
core::StudyInfo study() {
  core::StudyInfo s;
  s.date = "20260101";
  s.time = "101500";
  s.studyId = "1";
  s.description = "Writer test";
  return s;
}

}  // namespace

TEST(DicomWriter, UidFromTextIsStableAndValid) {
  const auto a = io::uidFromText("seed-1/study");
  EXPECT_EQ(a, io::uidFromText("seed-1/study"));
  EXPECT_NE(a, io::uidFromText("seed-2/study"));
  EXPECT_EQ(a.rfind("2.25.", 0), 0u);
  EXPECT_LE(a.size(), 64u);
  EXPECT_NE(io::newUid(), io::newUid());
}

TEST(DicomWriter, SameSeedGivesByteIdenticalFiles) {
  test::TempDir dir("writer");
  auto img = makeVolume({16, 12, 3}, core::PixelType::Int16);
  core::SeriesInfo s;
  s.modality = "CT";
  s.description = "axial";
  io::DicomWriteOptions o;
  o.uidSeed = "fixed";
  o.rescaleIntercept = -1024;
  auto a = io::writeDicomSeries(img, patient(), study(), s, dir.file("a"), o);
  auto b = io::writeDicomSeries(img, patient(), study(), s, dir.file("b"), o);
  ASSERT_EQ(a.files.size(), 3u);
  for (std::size_t i = 0; i < 3; ++i) EXPECT_EQ(readFile(a.files[i]), readFile(b.files[i]));
  EXPECT_EQ(a.seriesUid, b.seriesUid);
  EXPECT_NE(a.sopInstanceUids[0], a.sopInstanceUids[1]);
}

TEST(DicomWriter, CtMrDxPassDciodvfyWithoutErrors) {
  test::TempDir dir("writer");
  auto vol = makeVolume({16, 12, 2}, core::PixelType::Int16);
  for (const char* modality : {"CT", "MR"}) {
    core::SeriesInfo s;
    s.modality = modality;
    s.description = std::string(modality) + " test";
    s.bodyPart = "HEAD";  // unpaired: Laterality must then be absent
    io::DicomWriteOptions o;
    o.rescaleIntercept = std::string(modality) == "CT" ? -1024 : 0;
    if (std::string(modality) == "MR") vol = makeVolume({16, 12, 2}, core::PixelType::UInt16);
    auto info = io::writeDicomSeries(vol, patient(), study(), s, dir.file(modality), o);
    auto errors = dciodvfyErrors(info.files[0]);
    OPENRAD_REQUIRE(errors, "dciodvfy (dicom3tools) is not installed");
    EXPECT_EQ(*errors, "") << modality;
  }
  auto xr = makeVolume({20, 30, 1}, core::PixelType::UInt16);
  core::Geometry g = xr.geometry();
  g.direction << 1, 0, 0, 0, 0, 1, 0, -1, 0;  // rows run to patient left, columns to the feet: "L\F"
  xr.setGeometry(g);
  core::SeriesInfo s;
  s.modality = "DX";
  s.viewPosition = "AP";
  s.distanceSourceToDetector = 1800;
  s.distanceSourceToPatient = 1650;
  auto info = io::writeDicomSeries(xr, patient(), study(), s, dir.file("DX"), {});
  auto errors = dciodvfyErrors(info.files[0]);
  ASSERT_TRUE(errors.has_value()) << "dciodvfy (dicom3tools) is not installed";
  EXPECT_EQ(*errors, "");
}

TEST(DicomWriter, UnknownModalityIsAClearError) {
  test::TempDir dir("writer");
  auto img = makeVolume({4, 4, 1}, core::PixelType::UInt8);
  core::SeriesInfo s;
  s.modality = "XYZ";
  try {
    io::writeDicomSeries(img, patient(), study(), s, dir.file("x"), {});
    FAIL() << "expected IoError";
  } catch (const io::IoError& e) {
    EXPECT_NE(std::string(e.what()).find("XYZ"), std::string::npos);
  }
}
