#include "openrad/io/Loader.h"
#include "openrad/io/Nifti.h"

#include "Requires.h"

#include <Eigen/LU>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <future>
#include <iostream>
#include <thread>

using namespace openrad;
namespace fs = std::filesystem;

namespace {

fs::path sharedData() { return fs::path(OPENRAD_SHARED_DATA_DIR); }

bool verbose() { return std::getenv("OPENRAD_CORPUS_VERBOSE") != nullptr; }

// Loads on a separate thread so that a hang fails the test instead of blocking the suite.
std::optional<core::LoadResult> loadWithTimeout(const std::string& path, std::chrono::seconds limit, std::string& error) {
  auto task = std::make_shared<std::packaged_task<core::LoadResult()>>([path] { return io::loadPath(path); });
  auto future = task->get_future();
  std::thread([task] { (*task)(); }).detach();
  if (future.wait_for(limit) != std::future_status::ready) {
    error = "timed out after " + std::to_string(limit.count()) + " s";
    return std::nullopt;
  }
  try {
    return future.get();
  } catch (const std::exception& e) {
    error = e.what();
    return std::nullopt;
  }
}

std::string check(const core::Series& s) {
  if (!s.image) return "no image";
  const auto& g = s.image->geometry();
  for (int i = 0; i < 3; ++i)
    if (g.size[i] < 1 || g.size[i] > 20000) return "implausible size";
  if (g.voxelCount() > (std::int64_t{1} << 31)) return "implausible voxel count";
  if (!(g.spacing.minCoeff() > 0) || !std::isfinite(g.spacing.maxCoeff())) return "implausible spacing";
  if (std::abs(std::abs(g.direction.determinant()) - 1.0) > 1e-3) return "direction not orthonormal";
  const auto [lo, hi] = s.image->range();
  // A genuinely blank image (the corpus has two) must say so.
  const bool flagged = std::any_of(s.info.problems.begin(), s.info.problems.end(),
                                   [](const std::string& p) { return p.find("blank image") != std::string::npos; });
  if (!(lo < hi) && !flagged) return "constant image (" + std::to_string(lo) + ") not reported as blank";
  if (lo < hi && flagged) return "non-constant image reported as blank";
  return {};
}

}  // namespace

TEST(Corpus, EveryFileLoadsPlausiblyOrGivesAnIssue) {
  const std::vector<fs::path> roots = {sharedData() / "dicom-corpus", sharedData() / "ct-real"};
  for (const auto& root : roots) OPENRAD_REQUIRE(fs::exists(root), "no shared data folder " + root.string());
  int files = 0, loaded = 0, reported = 0;
  for (const auto& root : roots) {
    std::vector<fs::path> paths;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file()) paths.push_back(e.path());
    std::sort(paths.begin(), paths.end());
    for (const auto& p : paths) {
      ++files;
      std::string error;
      const auto result = loadWithTimeout(p.string(), std::chrono::seconds(60), error);
      ASSERT_TRUE(result.has_value()) << p << ": " << error;
      const auto series = result->allSeries();
      for (const auto& s : series) {
        const std::string problem = check(*s);
        EXPECT_TRUE(problem.empty()) << p << ": " << problem;
      }
      for (const auto& issue : result->issues) {
        EXPECT_FALSE(issue.file.empty());
        EXPECT_FALSE(issue.message.empty()) << p;
      }
      EXPECT_TRUE(!series.empty() || !result->issues.empty()) << p << ": neither an image nor an issue";
      loaded += series.empty() ? 0 : 1;
      reported += series.empty() ? 1 : 0;
      if (verbose()) {
        std::cout << (series.empty() ? "ISSUE " : "OK    ") << fs::relative(p, sharedData()).string();
        for (const auto& s : series) {
          const auto& g = s->image->geometry();
          const auto [lo, hi] = s->image->range();
          std::cout << "  [" << s->info.modality << " " << g.size[0] << "x" << g.size[1] << "x" << g.size[2] << " "
                    << core::pixelTypeName(s->image->pixelType()) << " " << lo << ".." << hi << "]";
          for (const auto& pr : s->info.problems) std::cout << " {" << pr << "}";
        }
        for (const auto& i : result->issues) std::cout << "  <" << i.message << ">";
        std::cout << "\n";
      }
    }
  }
  EXPECT_GT(loaded, files / 2) << "most corpus files are images";
  if (verbose()) std::cout << files << " files: " << loaded << " loaded, " << reported << " reported\n";
}

TEST(Corpus, RealJpeg2000CtSeriesLoadsAsTwentySlicesInHu) {
  const fs::path folder = sharedData() / "ct-real" / "totalsegmentator" / "example_ct_dicom";
  OPENRAD_REQUIRE(fs::exists(folder), "no shared data folder " + folder.string());
  const auto r = io::loadPath(folder.string());
  for (const auto& i : r.issues) ADD_FAILURE() << i.file << ": " << i.message;
  ASSERT_EQ(r.allSeries().size(), 1u);
  const auto& s = *r.allSeries().front();
  const auto& g = s.image->geometry();
  EXPECT_EQ(g.size[0], 512);
  EXPECT_EQ(g.size[1], 512);
  EXPECT_EQ(g.size[2], 20);
  EXPECT_EQ(s.info.modality, "CT");
  EXPECT_EQ(s.info.units, "HU");
  EXPECT_EQ(s.image->pixelType(), core::PixelType::Int16);
  // 3 mm slices reconstructed every 2 mm: the spacing comes from the positions, not SliceThickness.
  EXPECT_NEAR(g.spacing.z(), 2.0, 0.01);
  EXPECT_EQ(s.info.files.size(), 20u);
  const auto [lo, hi] = s.image->range();
  EXPECT_LE(lo, -900);   // air
  EXPECT_GE(hi, 700);    // bone
  EXPECT_LE(hi, 4000);
  // Soft tissue dominates the centre of the body: the middle voxel of the middle slice is not air.
  double centre = 0;
  for (int d = -5; d <= 5; ++d) centre += s.image->value(256 + d, 256, 10);
  centre /= 11;
  EXPECT_GT(centre, -200);
  EXPECT_LT(centre, 400);
  for (const auto& p : s.info.problems) ADD_FAILURE() << "problem: " << p;
}

TEST(Corpus, RealNiftiCtLoadsInLps) {
  const fs::path file = sharedData() / "ct-real" / "totalsegmentator" / "example_ct.nii.gz";
  OPENRAD_REQUIRE(fs::exists(file), "no shared data file " + file.string());
  const auto image = io::readNifti(file.string());
  const auto& g = image->geometry();
  EXPECT_EQ(g.size[0], 122);
  EXPECT_EQ(g.size[1], 101);
  EXPECT_EQ(g.size[2], 112);
  EXPECT_NEAR(g.spacing.x(), 3.0, 0.01);
  EXPECT_EQ(image->pixelType(), core::PixelType::Int16);  // int32 on disk, narrowed
  // RAS+ file axes become LPS: the first two axes flip sign.
  EXPECT_LT(g.direction(0, 0), -0.99);
  EXPECT_LT(g.direction(1, 1), -0.99);
  EXPECT_GT(g.direction(2, 2), 0.99);
  const auto [lo, hi] = image->range();
  EXPECT_LE(lo, -900);
  EXPECT_GE(hi, 700);
  const auto r = io::loadPath(file.string());
  ASSERT_EQ(r.allSeries().size(), 1u);
  EXPECT_EQ(r.allSeries().front()->info.sourceFormat, "NIfTI");
}

TEST(Corpus, LosslessCodecsDecodeToTheUncompressedPixels) {
  const fs::path dir = sharedData() / "dicom-corpus" / "pydicom-data";
  OPENRAD_REQUIRE(fs::exists(dir), "no shared data folder " + dir.string());
  struct Pair {
    const char* reference;
    const char* compressed;
    double meanAbsTolerance = 0.0;  // 0: bit-exact
  };
  const Pair pairs[] = {
      {"emri_small.dcm", "emri_small_RLE.dcm"},
      {"emri_small.dcm", "emri_small_big_endian.dcm"},
      {"emri_small.dcm", "emri_small_jpeg_ls_lossless.dcm"},
      {"emri_small.dcm", "emri_small_jpeg_2k_lossless.dcm"},
      {"MR2_UNCR.dcm", "MR2_J2KR.dcm"},
      {"US1_UNCR.dcm", "US1_J2KR.dcm"},
      {"HTJ2KLossless_08_RGB.dcm", "HTJ2K_08_RGB.dcm", 2.0},  // HTJ2K lossless vs lossy: same picture
      {"liver.dcm", "liver_expb.dcm"},
      {"liver.dcm", "liver_j2k.dcm"},
      {"OBXXXX1A.dcm", "OBXXXX1A_rle.dcm"},
      {"SC_rgb.dcm", "SC_rgb_expb.dcm"},
  };
  for (const auto& [reference, compressed, tolerance] : pairs) {
    const auto a = io::loadPath((dir / reference).string()), b = io::loadPath((dir / compressed).string());
    ASSERT_EQ(a.allSeries().size(), 1u) << reference;
    ASSERT_EQ(b.allSeries().size(), 1u) << compressed;
    const auto& ia = *a.allSeries().front()->image;
    const auto& ib = *b.allSeries().front()->image;
    ASSERT_EQ(ia.geometry().size, ib.geometry().size) << compressed;
    ASSERT_EQ(ia.pixelType(), ib.pixelType()) << compressed;
    std::int64_t differing = 0;
    double absSum = 0;
    const auto& g = ia.geometry();
    for (std::int64_t k = 0; k < g.size[2]; ++k)
      for (std::int64_t j = 0; j < g.size[1]; ++j)
        for (std::int64_t i = 0; i < g.size[0]; ++i) {
          const double d = std::abs(ia.value(i, j, k) - ib.value(i, j, k));
          differing += d != 0;
          absSum += d;
        }
    if (tolerance == 0.0)
      EXPECT_EQ(differing, 0) << compressed << " differs from " << reference;
    else
      EXPECT_LT(absSum / static_cast<double>(g.voxelCount()), tolerance) << compressed << " vs " << reference;
    EXPECT_LT(ia.range().first, ia.range().second) << reference;
  }
}

// MONOCHROME1 means low stored values display white. After loading, OpenRad holds MONOCHROME2
// values, so on a PA chest film the air-filled lungs must be darker (lower) than the mediastinum.
TEST(Corpus, Monochrome1ChestRadiographIsInvertedToMonochrome2) {
  const fs::path file = sharedData() / "dicom-corpus" / "pydicom-data" / "RG1_J2KI.dcm";
  OPENRAD_REQUIRE(fs::exists(file), "no shared data file " + file.string());
  const auto result = io::loadPath(file.string());
  ASSERT_EQ(result.allSeries().size(), 1u);
  const auto& img = *result.allSeries()[0]->image;
  const auto& g = img.geometry();
  auto meanAround = [&](double fx, double fy) {
    double sum = 0;
    int n = 0;
    const auto cx = static_cast<std::int64_t>(fx * g.size[0]), cy = static_cast<std::int64_t>(fy * g.size[1]);
    for (auto j = cy - 40; j <= cy + 40; ++j)
      for (auto i = cx - 40; i <= cx + 40; ++i, ++n) sum += img.value(i, j, 0);
    return sum / n;
  };
  const double rightLung = meanAround(0.33, 0.40), leftLung = meanAround(0.70, 0.40), mediastinum = meanAround(0.51, 0.40);
  EXPECT_LT(rightLung, mediastinum);
  EXPECT_LT(leftLung, mediastinum);
}

// Issue 9: compressed pixel data is decoded in child processes and the slices are copied back; every frame must land
// where the in-process decoder puts it (multi-frame RLE, JPEG-LS, JPEG 2000 and the 20-slice J2K CT series).
TEST(Corpus, IsolatedDecodersGiveTheSameVolumesAsInProcessDecoding) {
  const fs::path dir = sharedData() / "dicom-corpus" / "pydicom-data";
  OPENRAD_REQUIRE(fs::exists(dir), "no shared data folder " + dir.string());
  const fs::path inputs[] = {dir / "OBXXXX1A_rle_2frame.dcm", dir / "emri_small_jpeg_ls_lossless.dcm",
                             dir / "emri_small_RLE.dcm", dir / "SC_rgb_2frame.dcm",
                             sharedData() / "ct-real" / "totalsegmentator" / "example_ct_dicom"};
  for (const auto& input : inputs) {
    io::LoadOptions inProcess;
    inProcess.isolateDecoders = false;
    const auto a = io::loadPath(input.string()), b = io::loadPath(input.string(), inProcess);
    ASSERT_EQ(a.allSeries().size(), 1u) << input;
    ASSERT_EQ(b.allSeries().size(), 1u) << input;
    const auto& ia = *a.allSeries().front()->image;
    const auto& ib = *b.allSeries().front()->image;
    ASSERT_TRUE(ia.geometry().sameGrid(ib.geometry(), 1e-9)) << input;
    ASSERT_EQ(ia.pixelType(), ib.pixelType()) << input;
    EXPECT_GT(ia.geometry().size[2] * ia.geometry().size[1], 1) << input;
    EXPECT_EQ(std::memcmp(ia.data(), ib.data(), ia.byteSize()), 0) << input;
    EXPECT_LT(ia.range().first, ia.range().second) << input;
  }
}
