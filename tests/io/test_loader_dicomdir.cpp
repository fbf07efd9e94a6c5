#include "openrad/io/Loader.h"

#include "TempDir.h"
#include "test_loader_util.h"

#include <dcmtk/dcmdata/dcddirif.h>
#include <gtest/gtest.h>

#include <filesystem>

using namespace openrad;

TEST(LoaderDicomDir, FollowsReferencedFilesOnly) {
  test::TempDir dir("openrad-dicomdir");
  std::filesystem::create_directories(dir.path() / "DATA");
  const double zs[] = {4.0, 0.0, 2.0};
  for (int k = 0; k < 3; ++k) {
    test::DicomSlice s;
    s.position = {0, 0, zs[k]};
    s.instanceNumber = k + 1;
    s.stored = test::pattern(s.rows, s.cols, [&](int i, int) { return 1024 + static_cast<int>(zs[k]) * 10 + i; });
    s.extra = [](DcmItem& d) {
      test::putString(d, DCM_StudyTime, "120000");
      test::putString(d, DCM_StudyID, "1");
      test::putString(d, DCM_AccessionNumber, "A1");
      test::putString(d, DCM_StudyDescription, "desc");
      test::putString(d, DCM_PatientBirthDate, "19800101");
      test::putString(d, DCM_PatientSex, "F");
    };
    test::writeSlice(dir.file("DATA/IM" + std::to_string(k)), s);
  }
  // A series in the same folder that the DICOMDIR does not list must not be loaded.
  test::DicomSlice stray;
  stray.seriesUid = "1.2.826.0.1.3680043.10.1234.1.77";
  stray.stored = test::pattern(stray.rows, stray.cols, [](int, int) { return 1; });
  test::writeSlice(dir.file("DATA/STRAY"), stray);

  {
    DicomDirInterface ddir;
    ddir.enableInventMode(OFTrue);
    const std::string dicomdir = dir.file("DICOMDIR");
    ASSERT_TRUE(ddir.createNewDicomDir(DicomDirInterface::AP_GeneralPurpose, dicomdir.c_str()).good());
    for (int k = 0; k < 3; ++k)
      ASSERT_TRUE(ddir.addDicomFile(("DATA/IM" + std::to_string(k)).c_str(), dir.path().c_str()).good());
    ASSERT_TRUE(ddir.writeDicomDir().good());
  }
  const auto r = io::loadPath(dir.file("DICOMDIR"));
  ASSERT_EQ(r.allSeries().size(), 1u);
  const auto& img = *r.allSeries().front()->image;
  ASSERT_EQ(img.geometry().size[2], 3);
  EXPECT_EQ(img.value(0, 0, 0), 0);
  EXPECT_EQ(img.value(0, 0, 2), 40);
  EXPECT_EQ(r.findSeries("1.2.826.0.1.3680043.10.1234.1.77"), nullptr);

  // Scanning the folder instead finds both series and does not trip over the DICOMDIR itself.
  const auto all = io::loadPath(dir.path().string());
  EXPECT_EQ(all.allSeries().size(), 2u);
  EXPECT_TRUE(all.issues.empty()) << all.issues.front().file << ": " << all.issues.front().message;
}
