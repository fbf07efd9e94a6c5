// Issue 9: a short, fixed-seed mutation campaign in every test run; any crash, hang, escaped exception or failure
// without a message naming the file fails it (the longer campaigns: scripts/openrad.sh fuzz).
#include "MutationCampaign.h"

#include "Requires.h"
#include "TempDir.h"
#include "test_loader_util.h"

#include <gtest/gtest.h>

#include <filesystem>

using namespace openrad;

TEST(MutationCampaign, ShortFixedSeedCampaignHasNoCrashHangOrSilentFailure) {
  test::TempDir dir("openrad-fuzz");
  fuzz::CampaignOptions o;
  // Seeds: files DCMTK writes here in three transfer syntaxes, plus the real-world corpus.
  std::filesystem::create_directories(dir.path() / "seeds");
  const E_TransferSyntax syntaxes[] = {EXS_LittleEndianExplicit, EXS_LittleEndianImplicit, EXS_BigEndianExplicit};
  for (int k = 0; k < 3; ++k) {
    test::DicomSlice s;
    s.rows = 16, s.cols = 12;
    s.stored = test::pattern(s.rows, s.cols, [k](int i, int j) { return 900 + i * 7 + j * 3 + k; });
    const std::string path = dir.file("seeds/s" + std::to_string(k) + ".dcm");
    test::writeSlice(path, s, syntaxes[k]);
    o.seeds.push_back(path);
  }
  const std::string corpus = std::string(OPENRAD_SHARED_DATA_DIR) + "/dicom-corpus";
  OPENRAD_REQUIRE(std::filesystem::is_directory(corpus), "the real-world DICOM corpus (../shared/data/dicom-corpus)");
  for (const auto& f : fuzz::dicomFilesUnder(corpus)) o.seeds.push_back(f);
  o.count = 300;
  o.seed = 20261130;
  o.workDir = dir.file("mutants");
  o.keepDir = dir.file("failing");
  const fuzz::CampaignResult r = fuzz::runCampaign(o);
  EXPECT_EQ(r.files, 300);
  EXPECT_TRUE(r.clean()) << r.crashes << " crashes, " << r.hangs << " hangs, " << r.exceptions << " exceptions, "
                         << r.silent << " silent; first: " << (r.failures.empty() ? "" : r.failures.front());
  EXPECT_GT(r.loaded, 0) << "some mutants are harmless and must still load";
  EXPECT_GT(r.refused, 0);
}
