#include "openrad/io/Loader.h"

#include "TempDir.h"
#include "test_loader_util.h"

#include <Eigen/Geometry>  // cross(): Eigen/Core only declares it
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <system_error>

using namespace openrad;
using test::DicomSlice;
using test::TempDir;

namespace {

bool anyContains(const std::vector<std::string>& v, const std::string& needle) {
  return std::any_of(v.begin(), v.end(), [&](const std::string& s) { return s.find(needle) != std::string::npos; });
}

const core::LoadIssue* issueFor(const core::LoadResult& r, const std::string& file) {
  for (const auto& i : r.issues)
    if (i.file == file) return &i;
  return nullptr;
}

std::string issuesText(const core::LoadResult& r) {
  std::string s;
  for (const auto& i : r.issues) s += i.file + ": " + i.message + "\n";
  return s;
}

/// While alive, the calling thread and the threads it starts obey file permissions even as root: it drops
/// CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from its effective capabilities (a no-op for other users) and
/// restores them at the end. Capabilities are per thread, so the rest of the test program keeps them.
class WithoutPermissionOverride {
public:
  WithoutPermissionOverride() {
    if (::syscall(SYS_capget, &m_header, m_saved) != 0) throw std::system_error(errno, std::generic_category(), "capget");
    __user_cap_data_struct reduced[2] = {m_saved[0], m_saved[1]};
    reduced[0].effective &= ~((1u << CAP_DAC_OVERRIDE) | (1u << CAP_DAC_READ_SEARCH));
    if (::syscall(SYS_capset, &m_header, reduced) != 0) throw std::system_error(errno, std::generic_category(), "capset");
  }
  ~WithoutPermissionOverride() { ::syscall(SYS_capset, &m_header, m_saved); }
  WithoutPermissionOverride(const WithoutPermissionOverride&) = delete;
  WithoutPermissionOverride& operator=(const WithoutPermissionOverride&) = delete;

private:
  __user_cap_header_struct m_header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct m_saved[2] = {};
};

// Axial CT slice k of a simple series: HU = 100*k + i + 10*j.
DicomSlice ctSlice(int k, double z) {
  DicomSlice s;
  s.position = {-20.0, -30.0, z};
  s.stored = test::pattern(s.rows, s.cols, [k](int i, int j) { return 1024 + 100 * k + i + 10 * j; });
  return s;
}

// Writes a series whose slices sit at the given z positions, under random file names and with
// InstanceNumber running against the position. Returns the file names in position order.
std::vector<std::string> writeSeries(const TempDir& dir, const std::vector<double>& zs,
                                     const std::function<void(DicomSlice&, int)>& tweak = {}) {
  std::vector<std::string> names;
  std::mt19937 rng(7);
  std::vector<int> order(zs.size());
  std::iota(order.begin(), order.end(), 0);
  std::shuffle(order.begin(), order.end(), rng);
  for (std::size_t k = 0; k < zs.size(); ++k) names.push_back(dir.file("f" + std::to_string(order[k] * 37 % 101) + ".dcm"));
  for (std::size_t k = 0; k < zs.size(); ++k) {
    DicomSlice s = ctSlice(static_cast<int>(k), zs[k]);
    s.instanceNumber = static_cast<int>(zs.size() - k);
    if (tweak) tweak(s, static_cast<int>(k));
    test::writeSlice(names[k], s);
  }
  return names;
}

}  // namespace

TEST(Loader, SortsCtSlicesByPositionNotFileNameOrInstanceNumber) {
  TempDir dir("openrad-loader");
  const auto names = writeSeries(dir, {12.5, 10.0, 15.0, 20.0, 17.5}, {});
  // Position order (z): 10.0 (k=1), 12.5 (k=0), 15.0 (k=2), 17.5 (k=4), 20.0 (k=3).
  const auto result = io::loadPath(dir.path().string());
  ASSERT_TRUE(result.issues.empty()) << issuesText(result);
  const auto series = result.allSeries();
  ASSERT_EQ(series.size(), 1u);
  const auto& s = *series.front();
  const auto& img = *s.image;
  EXPECT_EQ(img.pixelType(), core::PixelType::Int16);
  EXPECT_EQ(s.info.units, "HU");
  ASSERT_EQ(img.geometry().size[2], 5);
  const int expectedK[] = {1, 0, 2, 4, 3};
  for (int z = 0; z < 5; ++z) {
    EXPECT_EQ(img.value(0, 0, z), 100 * expectedK[z]) << "slice " << z;
    EXPECT_EQ(img.value(7, 5, z), 100 * expectedK[z] + 7 + 50) << "slice " << z;
    EXPECT_EQ(s.info.files[static_cast<std::size_t>(z)], names[static_cast<std::size_t>(expectedK[z])]);
  }
  EXPECT_NEAR(img.geometry().origin.z(), 10.0, 1e-6);
  EXPECT_NEAR(img.geometry().origin.x(), -20.0, 1e-6);
  EXPECT_NEAR(img.geometry().spacing.z(), 2.5, 1e-6);
  EXPECT_NEAR(img.geometry().spacing.x(), 0.7, 1e-6);  // column spacing = PixelSpacing[1]
  EXPECT_NEAR(img.geometry().spacing.y(), 0.5, 1e-6);
  EXPECT_TRUE(img.geometry().direction.isApprox(Eigen::Matrix3d::Identity()));
  EXPECT_EQ(s.info.sopInstanceUids.size(), 5u);
  EXPECT_TRUE(s.info.problems.empty()) << s.info.problems.front();
  EXPECT_EQ(s.info.pixelSpacingSource, "PixelSpacing");
  ASSERT_EQ(result.patients.size(), 1u);
  EXPECT_EQ(result.patients[0].info.id, "P1");
  EXPECT_EQ(result.patients[0].studies[0].info.studyUid, "1.2.826.0.1.3680043.10.1234.1");
}

TEST(Loader, SortsAlongObliqueNormalWhenPositionsDescend) {
  TempDir dir("openrad-loader");
  // Sagittal-ish oblique stack: normal = row x col; positions march against the normal.
  const Eigen::Vector3d row = Eigen::Vector3d(0, 1, 0.2).normalized(), col = Eigen::Vector3d(0, -0.2, 1).normalized();
  const Eigen::Vector3d normal = row.cross(col);
  for (int k = 0; k < 4; ++k) {
    DicomSlice s = ctSlice(k, 0);
    const Eigen::Vector3d p = Eigen::Vector3d(5, 6, 7) - 3.0 * k * normal;
    s.position = {p.x(), p.y(), p.z()};
    s.orientation = {row.x(), row.y(), row.z(), col.x(), col.y(), col.z()};
    s.instanceNumber = k + 1;
    test::writeSlice(dir.file("s" + std::to_string(k) + ".dcm"), s);
  }
  const auto result = io::loadPath(dir.path().string());
  ASSERT_EQ(result.allSeries().size(), 1u) << issuesText(result);
  const auto& img = *result.allSeries().front()->image;
  // Increasing k along the normal means the last written slice comes first.
  EXPECT_EQ(img.value(0, 0, 0), 300);
  EXPECT_EQ(img.value(0, 0, 3), 0);
  EXPECT_NEAR(img.geometry().spacing.z(), 3.0, 1e-4);
  EXPECT_TRUE(img.geometry().direction.col(2).isApprox(normal, 1e-4));
  const Eigen::Vector3d firstPos = Eigen::Vector3d(5, 6, 7) - 9.0 * normal;
  EXPECT_TRUE(img.geometry().origin.isApprox(firstPos, 1e-4));
  EXPECT_TRUE(result.allSeries().front()->info.problems.empty());
}

TEST(Loader, DecodesJpegLosslessSeries) {
  TempDir dir("openrad-loader");
  static std::once_flag once;
  std::call_once(once, [] { DJEncoderRegistration::registerCodecs(); });
  for (int k = 0; k < 3; ++k) {
    DicomSlice s = ctSlice(k, 2.0 * k);
    s.rows = 16, s.cols = 20;
    s.stored = test::pattern(s.rows, s.cols, [k](int i, int j) { return 24 + 200 * k + 13 * i + 7 * j; });
    DcmFileFormat file;
    test::fillDataset(*file.getDataset(), s);
    const DJ_RPLossless params(6, 0);
    ASSERT_TRUE(file.getDataset()->chooseRepresentation(EXS_JPEGProcess14SV1, &params).good());
    ASSERT_TRUE(file.getDataset()->canWriteXfer(EXS_JPEGProcess14SV1));
    ASSERT_TRUE(file.saveFile(dir.file("j" + std::to_string(k) + ".dcm").c_str(), EXS_JPEGProcess14SV1).good());
  }
  const auto result = io::loadPath(dir.path().string());
  ASSERT_TRUE(result.issues.empty()) << issuesText(result);
  ASSERT_EQ(result.allSeries().size(), 1u);
  const auto& img = *result.allSeries().front()->image;
  ASSERT_EQ(img.geometry().size[2], 3);
  for (int k = 0; k < 3; ++k)
    for (int j = 0; j < 16; j += 5)
      for (int i = 0; i < 20; i += 3) ASSERT_EQ(img.value(i, j, k), 24 + 200 * k + 13 * i + 7 * j - 1024);
}

TEST(Loader, CorruptJpegDataGivesIssueForThatFileOnly) {
  TempDir dir("openrad-loader");
  static std::once_flag once;
  std::call_once(once, [] { DJEncoderRegistration::registerCodecs(); });
  for (int k = 0; k < 3; ++k) {
    DicomSlice s = ctSlice(k, 2.0 * k);
    DcmFileFormat file;
    test::fillDataset(*file.getDataset(), s);
    const DJ_RPLossless params(6, 0);
    ASSERT_TRUE(file.getDataset()->chooseRepresentation(EXS_JPEGProcess14SV1, &params).good());
    ASSERT_TRUE(file.saveFile(dir.file("c" + std::to_string(k) + ".dcm").c_str(), EXS_JPEGProcess14SV1).good());
  }
  // Wipe the JPEG start-of-image marker and header of the middle slice.
  const std::string broken = dir.file("c1.dcm");
  std::string bytes;
  {
    std::ifstream in(broken, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const auto soi = bytes.rfind(std::string("\xff\xd8", 2));
  ASSERT_NE(soi, std::string::npos);
  for (std::size_t i = soi; i < std::min(bytes.size() - 10, soi + 40); ++i) bytes[i] = '\x00';
  std::ofstream(broken, std::ios::binary | std::ios::trunc) << bytes;

  const auto result = io::loadPath(dir.path().string());
  const auto* issue = issueFor(result, broken);
  ASSERT_NE(issue, nullptr) << issuesText(result);
  EXPECT_NE(issue->message.find("decod"), std::string::npos) << issue->message;
  ASSERT_EQ(result.allSeries().size(), 1u);
  const auto& s = *result.allSeries().front();
  EXPECT_EQ(s.image->value(0, 0, 0), 0);     // slice 0 intact
  EXPECT_EQ(s.image->value(0, 0, 2), 200);   // slice 2 intact
  EXPECT_TRUE(anyContains(s.info.problems, "could not be decoded"));
}

TEST(Loader, ReadsDeflatedFile) {
  TempDir dir("openrad-loader");
  DicomSlice s = ctSlice(3, 0);
  test::writeSlice(dir.file("deflated.dcm"), s, EXS_DeflatedLittleEndianExplicit);
  const auto r = io::loadPath(dir.file("deflated.dcm"));
  ASSERT_EQ(r.allSeries().size(), 1u) << issuesText(r);
  EXPECT_EQ(r.allSeries().front()->image->value(4, 2, 0), 300 + 4 + 20);
}

TEST(Loader, InvertsMonochrome1RadiographWithImagerPixelSpacing) {
  TempDir dir("openrad-loader");
  DicomSlice s;
  s.sopClassUid = UID_DigitalXRayImageStorageForPresentation;
  s.modality = "DX";
  s.photometric = "MONOCHROME1";
  s.hasPosition = false;
  s.hasPixelSpacing = false;
  s.hasRescale = false;
  s.rows = 10, s.cols = 12;
  s.stored = test::pattern(s.rows, s.cols, [](int i, int j) { return 100 * i + j; });
  s.extra = [](DcmItem& d) {
    test::putString(d, DCM_ImagerPixelSpacing, "0.15\\0.2");
    test::putString(d, DCM_DistanceSourceToDetector, "1800");
    test::putString(d, DCM_DistanceSourceToPatient, "1650.5");
    test::putString(d, DCM_ViewPosition, "PA");
    test::putString(d, DCM_PatientOrientation, "L\\F");
    test::putString(d, DCM_WindowCenter, "1000");
    test::putString(d, DCM_WindowWidth, "800");
  };
  const std::string path = dir.file("chest.dcm");
  test::writeSlice(path, s);
  const auto result = io::loadPath(path);
  ASSERT_TRUE(result.issues.empty()) << issuesText(result);
  ASSERT_EQ(result.allSeries().size(), 1u);
  const auto& series = *result.allSeries().front();
  const auto& img = *series.image;
  EXPECT_TRUE(img.geometry().is2D());
  EXPECT_EQ(img.geometry().size[0], 12);
  EXPECT_EQ(img.pixelType(), core::PixelType::UInt16);
  EXPECT_EQ(img.value(0, 0), 4095);             // stored 0 is white in MONOCHROME1
  EXPECT_EQ(img.value(11, 9), 4095 - 1109);     // shown as MONOCHROME2
  EXPECT_TRUE(img.geometry().spacingKnown);
  EXPECT_NEAR(img.geometry().spacing.x(), 0.2, 1e-9);
  EXPECT_NEAR(img.geometry().spacing.y(), 0.15, 1e-9);
  EXPECT_EQ(series.info.pixelSpacingSource, "ImagerPixelSpacing");
  EXPECT_EQ(series.info.modality, "DX");
  EXPECT_EQ(series.info.viewPosition, "PA");
  ASSERT_TRUE(series.info.distanceSourceToDetector.has_value());
  EXPECT_DOUBLE_EQ(*series.info.distanceSourceToDetector, 1800.0);
  EXPECT_DOUBLE_EQ(series.info.distanceSourceToPatient.value_or(0), 1650.5);
  ASSERT_TRUE(series.info.windowCenter.has_value());
  EXPECT_DOUBLE_EQ(*series.info.windowCenter, 4095 - 1000);
  // PatientOrientation L\F: rows run to the patient's left, columns to the feet.
  EXPECT_TRUE(img.geometry().direction.col(0).isApprox(Eigen::Vector3d(1, 0, 0)));
  EXPECT_TRUE(img.geometry().direction.col(1).isApprox(Eigen::Vector3d(0, 0, -1)));
}

TEST(Loader, RadiographWithoutSpacingIsMarkedUnknown) {
  TempDir dir("openrad-loader");
  DicomSlice s;
  s.sopClassUid = UID_ComputedRadiographyImageStorage;
  s.modality = "CR";
  s.hasPosition = false, s.hasPixelSpacing = false, s.hasRescale = false;
  s.stored = test::pattern(s.rows, s.cols, [](int i, int j) { return i * j; });
  test::writeSlice(dir.file("cr.dcm"), s);
  const auto result = io::loadPath(dir.file("cr.dcm"));
  ASSERT_EQ(result.allSeries().size(), 1u);
  EXPECT_FALSE(result.allSeries().front()->image->geometry().spacingKnown);
  EXPECT_EQ(result.allSeries().front()->info.pixelSpacingSource, "none");
}

TEST(Loader, ReportsTruncatedFileAndLoadsTheRest) {
  TempDir dir("openrad-loader");
  for (int k = 0; k < 4; ++k) {
    DicomSlice s = ctSlice(k, 3.0 * k);
    s.rows = 64, s.cols = 64;
    s.stored = test::pattern(64, 64, [k](int i, int j) { return 1000 + k * 10 + (i ^ j); });
    test::writeSlice(dir.file("t" + std::to_string(k) + ".dcm"), s);
  }
  const std::string broken = dir.file("t2.dcm");
  std::filesystem::resize_file(broken, std::filesystem::file_size(broken) - 3000);
  const auto result = io::loadPath(dir.path().string());
  const auto* issue = issueFor(result, broken);
  ASSERT_NE(issue, nullptr) << issuesText(result);
  EXPECT_EQ(issue->severity, core::LoadIssue::Severity::Error);
  EXPECT_FALSE(issue->message.empty());
  ASSERT_EQ(result.allSeries().size(), 1u);
  const auto& s = *result.allSeries().front();
  EXPECT_GE(s.image->geometry().size[2], 3);
  EXPECT_EQ(s.image->value(0, 0, 0), 1000 - 1024);
  EXPECT_EQ(s.image->value(5, 3, 1), 1000 + 10 + (5 ^ 3) - 1024);
  EXPECT_FALSE(s.info.problems.empty());  // the hole is reported on the series too
}

TEST(Loader, SkipsStrayTextFileInFolder) {
  TempDir dir("openrad-loader");
  writeSeries(dir, {0, 1, 2});
  {
    std::ofstream(dir.file("notes.txt")) << "this is not an image\n";
  }
  std::filesystem::create_directories(dir.path() / "sub");
  {
    std::ofstream(dir.file("sub/README")) << "DICM? no.\n";
  }
  const auto result = io::loadPath(dir.path().string());
  ASSERT_EQ(result.allSeries().size(), 1u);
  EXPECT_EQ(result.allSeries().front()->image->geometry().size[2], 3);
  const auto* issue = issueFor(result, dir.file("notes.txt"));
  ASSERT_NE(issue, nullptr) << issuesText(result);
  EXPECT_EQ(issue->severity, core::LoadIssue::Severity::Warning);
  EXPECT_NE(issueFor(result, dir.file("sub/README")), nullptr) << issuesText(result);
}

TEST(Loader, ReportsMixedImageSizesInOneSeries) {
  TempDir dir("openrad-loader");
  writeSeries(dir, {0, 1, 2});
  DicomSlice odd = ctSlice(3, 3);
  odd.rows = 10, odd.cols = 10;
  odd.stored = test::pattern(10, 10, [](int, int) { return 5; });
  test::writeSlice(dir.file("odd.dcm"), odd);
  const auto result = io::loadPath(dir.path().string());
  ASSERT_EQ(result.allSeries().size(), 1u);
  EXPECT_EQ(result.allSeries().front()->image->geometry().size[2], 3);
  EXPECT_EQ(result.allSeries().front()->image->geometry().size[0], 8);
  const auto* issue = issueFor(result, dir.file("odd.dcm"));
  ASSERT_NE(issue, nullptr) << issuesText(result);
  EXPECT_NE(issue->message.find("size"), std::string::npos) << issue->message;
}

TEST(Loader, ReportsUnevenSpacingMissingSlicesAndGantryTilt) {
  {
    TempDir dir("openrad-loader");
    writeSeries(dir, {0, 2, 4, 7, 9});
    const auto r = io::loadPath(dir.path().string());
    ASSERT_EQ(r.allSeries().size(), 1u);
    EXPECT_TRUE(anyContains(r.allSeries().front()->info.problems, "uneven slice spacing"));
  }
  {
    TempDir dir("openrad-loader");
    writeSeries(dir, {0, 2, 4, 8, 10});
    const auto r = io::loadPath(dir.path().string());
    ASSERT_EQ(r.allSeries().size(), 1u);
    EXPECT_TRUE(anyContains(r.allSeries().front()->info.problems, "missing slices")) ;
  }
  {
    TempDir dir("openrad-loader");
    // Tilted gantry: each slice shifts 1 mm in y per 2 mm in z (about 26.6 degrees).
    writeSeries(dir, {0, 2, 4, 6}, [](DicomSlice& s, int k) {
      s.position[1] = -30.0 + k;
      s.extra = [](DcmItem& d) { test::putString(d, DCM_GantryDetectorTilt, "26.6"); };
    });
    const auto r = io::loadPath(dir.path().string());
    ASSERT_EQ(r.allSeries().size(), 1u);
    const auto& problems = r.allSeries().front()->info.problems;
    EXPECT_TRUE(anyContains(problems, "gantry tilt")) << (problems.empty() ? "" : problems.front());
  }
}

TEST(Loader, ReadsNonIntegerRescaleAsFloat) {
  TempDir dir("openrad-loader");
  writeSeries(dir, {0, 1}, [](DicomSlice& s, int) {
    s.modality = "MR";
    s.sopClassUid = UID_MRImageStorage;
    s.slope = 0.25;
    s.intercept = 1.5;
  });
  const auto r = io::loadPath(dir.path().string());
  ASSERT_EQ(r.allSeries().size(), 1u);
  const auto& img = *r.allSeries().front()->image;
  EXPECT_EQ(img.pixelType(), core::PixelType::Float32);
  EXPECT_FLOAT_EQ(static_cast<float>(img.value(3, 2, 0)), static_cast<float>((1024 + 3 + 20) * 0.25 + 1.5));
  EXPECT_EQ(r.allSeries().front()->info.units, "");
}

TEST(Loader, ReadsSignedBigEndianAndEightBitData) {
  TempDir dir("openrad-loader");
  for (int k = 0; k < 2; ++k) {
    DicomSlice s = ctSlice(k, k);
    s.pixelRepresentation = 1;
    s.bitsStored = 16;
    s.intercept = 0;
    s.stored = test::pattern(s.rows, s.cols, [k](int i, int j) { return -1000 + 300 * k + 50 * i - 7 * j; });
    test::writeSlice(dir.file("be" + std::to_string(k) + ".dcm"), s, EXS_BigEndianExplicit);
  }
  auto r = io::loadPath(dir.path().string());
  ASSERT_EQ(r.allSeries().size(), 1u) << issuesText(r);
  const auto& img = *r.allSeries().front()->image;
  EXPECT_EQ(img.pixelType(), core::PixelType::Int16);
  EXPECT_EQ(img.value(0, 0, 0), -1000);
  EXPECT_EQ(img.value(4, 5, 1), -1000 + 300 + 200 - 35);

  TempDir dir8("openrad-loader");
  DicomSlice s;
  s.sopClassUid = UID_SecondaryCaptureImageStorage;
  s.modality = "OT";
  s.bitsAllocated = 8, s.bitsStored = 8;
  s.hasRescale = false;
  s.rows = 5, s.cols = 7;  // odd pixel count
  s.stored = test::pattern(5, 7, [](int i, int j) { return 30 * j + i; });
  test::writeSlice(dir8.file("sc.dcm"), s, EXS_LittleEndianImplicit);
  r = io::loadPath(dir8.path().string());
  ASSERT_EQ(r.allSeries().size(), 1u) << issuesText(r);
  const auto& img8 = *r.allSeries().front()->image;
  EXPECT_EQ(img8.pixelType(), core::PixelType::UInt8);
  EXPECT_EQ(img8.value(6, 4), 126);
}

TEST(Loader, ReadsEnhancedMultiFrameWithPerFramePositions) {
  TempDir dir("openrad-loader");
  DicomSlice s;
  s.sopClassUid = UID_EnhancedCTImageStorage;
  s.hasPosition = false, s.hasPixelSpacing = false, s.hasRescale = false;
  const int frames = 4;
  // Frames stored in reverse z order, each frame's value = 100 * its z index.
  std::vector<std::int32_t> all;
  for (int f = 0; f < frames; ++f) {
    const int zIndex = frames - 1 - f;
    auto p = test::pattern(s.rows, s.cols, [zIndex](int i, int) { return 1024 + 100 * zIndex + i; });
    all.insert(all.end(), p.begin(), p.end());
  }
  s.stored = std::vector<std::int32_t>(all.begin(), all.begin() + s.rows * s.cols);  // placeholder for fill
  DcmFileFormat file;
  DcmDataset& d = *file.getDataset();
  test::fillDataset(d, s);
  std::vector<Uint16> px(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) px[i] = static_cast<Uint16>(all[i]);
  d.putAndInsertUint16Array(DCM_PixelData, px.data(), static_cast<unsigned long>(px.size()));
  test::putString(d, DCM_NumberOfFrames, std::to_string(frames));
  DcmItem* shared = nullptr;
  ASSERT_TRUE(d.findOrCreateSequenceItem(DCM_SharedFunctionalGroupsSequence, shared, 0).good());
  DcmItem* item = nullptr;
  shared->findOrCreateSequenceItem(DCM_PixelMeasuresSequence, item, 0);
  test::putString(*item, DCM_PixelSpacing, "0.8\\0.9");
  test::putString(*item, DCM_SliceThickness, "1.25");
  shared->findOrCreateSequenceItem(DCM_PlaneOrientationSequence, item, 0);
  test::putString(*item, DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
  shared->findOrCreateSequenceItem(DCM_PixelValueTransformationSequence, item, 0);
  test::putString(*item, DCM_RescaleSlope, "1");
  test::putString(*item, DCM_RescaleIntercept, "-1024");
  for (int f = 0; f < frames; ++f) {
    DcmItem* perFrame = nullptr;
    ASSERT_TRUE(d.findOrCreateSequenceItem(DCM_PerFrameFunctionalGroupsSequence, perFrame, f).good());
    perFrame->findOrCreateSequenceItem(DCM_PlanePositionSequence, item, 0);
    test::putString(*item, DCM_ImagePositionPatient, "0\\0\\" + test::ds(1.25 * (frames - 1 - f)));
  }
  ASSERT_TRUE(file.saveFile(dir.file("enh.dcm").c_str(), EXS_LittleEndianExplicit).good());
  const auto r = io::loadPath(dir.file("enh.dcm"));
  ASSERT_EQ(r.allSeries().size(), 1u) << issuesText(r);
  const auto& img = *r.allSeries().front()->image;
  ASSERT_EQ(img.geometry().size[2], frames);
  for (int z = 0; z < frames; ++z) EXPECT_EQ(img.value(2, 1, z), 100 * z + 2);
  EXPECT_NEAR(img.geometry().spacing.z(), 1.25, 1e-6);
  EXPECT_NEAR(img.geometry().spacing.x(), 0.9, 1e-6);
  EXPECT_EQ(r.allSeries().front()->info.units, "HU");
}

TEST(Loader, GroupsTwoSeriesOfOneStudy) {
  TempDir dir("openrad-loader");
  writeSeries(dir, {0, 1, 2});
  for (int k = 0; k < 2; ++k) {
    DicomSlice s = ctSlice(k, k);
    s.seriesUid = "1.2.826.0.1.3680043.10.1234.1.2";
    test::writeSlice(dir.file("other" + std::to_string(k) + ".dcm"), s);
  }
  const auto r = io::loadPath(dir.path().string());
  ASSERT_EQ(r.patients.size(), 1u);
  ASSERT_EQ(r.patients[0].studies.size(), 1u);
  EXPECT_EQ(r.patients[0].studies[0].series.size(), 2u);
  ASSERT_NE(r.findSeries("1.2.826.0.1.3680043.10.1234.1.2"), nullptr);
  EXPECT_EQ(r.findSeries("1.2.826.0.1.3680043.10.1234.1.2")->image->geometry().size[2], 2);
}

TEST(Loader, UnreadableFileGivesIssue) {
  TempDir dir("openrad-loader");
  writeSeries(dir, {0, 1});
  const std::string locked = dir.file("locked.dcm");
  test::writeSlice(locked, ctSlice(5, 9));
  std::filesystem::permissions(locked, std::filesystem::perms::none);
  core::LoadResult r;
  {
    // Root (as on CI) reads any file whatever its permissions: take that power from this thread for the load.
    const WithoutPermissionOverride honourPermissions;
    ASSERT_FALSE(std::ifstream(locked, std::ios::binary).is_open()) << "a file without permissions is still readable";
    r = io::loadPath(dir.path().string());
  }
  std::filesystem::permissions(locked, std::filesystem::perms::owner_all);
  const core::LoadIssue* issue = issueFor(r, locked);
  ASSERT_NE(issue, nullptr) << issuesText(r);
  EXPECT_EQ(issue->severity, core::LoadIssue::Severity::Error);
  EXPECT_NE(issue->message.find("cannot open file"), std::string::npos) << issue->message;
  EXPECT_NE(issue->message.find(std::strerror(EACCES)), std::string::npos) << issue->message;
  ASSERT_EQ(r.allSeries().size(), 1u);
  EXPECT_EQ(r.allSeries().front()->image->geometry().size[2], 2);
}

TEST(Loader, MissingPathThrowsIoError) {
  EXPECT_THROW(io::loadPath("/nonexistent/openrad/nothing"), io::IoError);
}

TEST(Loader, BrokenLinkAndFifoNeitherCrashNorHang) {
  TempDir dir("openrad-loader");
  writeSeries(dir, {0, 1});
  std::filesystem::create_symlink(dir.file("gone.dcm"), dir.file("dangling.dcm"));
  ASSERT_EQ(::mkfifo(dir.file("pipe").c_str(), 0600), 0);
  const auto r = io::loadPath(dir.path().string());
  ASSERT_EQ(r.allSeries().size(), 1u);
  EXPECT_NE(issueFor(r, dir.file("dangling.dcm")), nullptr) << issuesText(r);
  EXPECT_THROW(io::loadPath(dir.file("pipe")), io::IoError);  // opening it would block
}

TEST(Loader, CancelStopsTheLoad) {
  TempDir dir("openrad-loader");
  writeSeries(dir, {0, 1, 2, 3});
  io::LoadOptions options;
  options.cancelled = [] { return true; };
  EXPECT_THROW(io::loadPath(dir.path().string(), options), io::Cancelled);
}

TEST(Loader, ReportsProgressUpToOne) {
  TempDir dir("openrad-loader");
  writeSeries(dir, {0, 1, 2, 3});
  io::LoadOptions options;
  double last = -1.0;
  bool monotonic = true;
  options.progress = [&](double f, const std::string&) {
    monotonic &= f >= last - 1e-9;
    last = f;
  };
  options.threads = 2;
  const auto r = io::loadPath(dir.path().string(), options);
  EXPECT_EQ(r.allSeries().size(), 1u);
  EXPECT_DOUBLE_EQ(last, 1.0);
  EXPECT_TRUE(monotonic);
}

TEST(Loader, SignExtendsSignedTwelveBitValues) {
  TempDir dir("openrad-loader");
  DicomSlice s = ctSlice(0, 0);
  s.pixelRepresentation = 1;
  s.bitsStored = 12;
  s.intercept = 0;
  // 12-bit two's complement without sign extension in the upper 4 bits (0x0ffb = -5, 0x0800 = -2048).
  s.stored = test::pattern(s.rows, s.cols, [](int i, int) { return i == 0 ? 0x0ffb : (i == 1 ? 0x0800 : 100 + i); });
  test::writeSlice(dir.file("s12.dcm"), s);
  const auto r = io::loadPath(dir.file("s12.dcm"));
  ASSERT_EQ(r.allSeries().size(), 1u) << issuesText(r);
  const auto& img = *r.allSeries().front()->image;
  EXPECT_EQ(img.value(0, 0), -5);
  EXPECT_EQ(img.value(1, 0), -2048);
  EXPECT_EQ(img.value(5, 3), 105);
}

TEST(Loader, DataAfterPixelDataStillDecodes) {
  TempDir dir("openrad-loader");
  DicomSlice s = ctSlice(2, 0);
  s.extra = [](DcmItem& d) {
    Uint8 pad[6] = {1, 2, 3, 4, 5, 6};
    d.putAndInsertUint8Array(DCM_DataSetTrailingPadding, pad, 6);
  };
  test::writeSlice(dir.file("padded.dcm"), s);
  const auto r = io::loadPath(dir.file("padded.dcm"));
  ASSERT_EQ(r.allSeries().size(), 1u) << issuesText(r);
  EXPECT_EQ(r.allSeries().front()->image->value(3, 4, 0), 200 + 3 + 40);
}

TEST(Loader, ReadsLargeClassicMultiFrameInParallelChunks) {
  TempDir dir("openrad-loader");
  const int frames = 40;
  DicomSlice s = ctSlice(0, 0);
  s.sopClassUid = UID_MRImageStorage;
  s.modality = "MR";
  s.hasRescale = false;
  s.bitsStored = 16;
  DcmFileFormat file;
  DcmDataset& d = *file.getDataset();
  test::fillDataset(d, s);
  std::vector<Uint16> px;
  for (int f = 0; f < frames; ++f)
    for (int j = 0; j < s.rows; ++j)
      for (int i = 0; i < s.cols; ++i) px.push_back(static_cast<Uint16>(1000 * f + 10 * j + i));
  d.putAndInsertUint16Array(DCM_PixelData, px.data(), static_cast<unsigned long>(px.size()));
  test::putString(d, DCM_NumberOfFrames, std::to_string(frames));
  test::putString(d, DCM_SpacingBetweenSlices, "1.5");
  ASSERT_TRUE(file.saveFile(dir.file("mf.dcm").c_str(), EXS_LittleEndianExplicit).good());
  io::LoadOptions options;
  options.threads = 4;
  const auto r = io::loadPath(dir.file("mf.dcm"), options);
  ASSERT_EQ(r.allSeries().size(), 1u) << issuesText(r);
  const auto& img = *r.allSeries().front()->image;
  ASSERT_EQ(img.geometry().size[2], frames);
  EXPECT_EQ(img.pixelType(), core::PixelType::UInt16);
  EXPECT_NEAR(img.geometry().spacing.z(), 1.5, 1e-6);
  for (int f = 0; f < frames; ++f) ASSERT_EQ(img.value(7, 5, f), 1000 * f + 57) << "frame " << f;
  EXPECT_TRUE(anyContains(r.allSeries().front()->info.problems, "SpacingBetweenSlices"));
}
