// Issue 9: hostile and corrupt DICOM never takes the process down, every failure names its file, and a bad file
// never costs the good files of its folder their load. Each file is written here, by DCMTK plus the raw bytes an
// attacker would add; before the structure walk and the size checks these crashed, hung or loaded silently wrong.
#include "openrad/io/Loader.h"
#include "openrad/io/Nifti.h"

#include "DicomBytes.h"
#include "Requires.h"
#include "TempDir.h"
#include "test_loader_util.h"

#include <dcmtk/dcmdata/dcddirif.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcpixseq.h>
#include <dcmtk/dcmdata/dcpxitem.h>
#include <dcmtk/dcmdata/dcsequen.h>
#include <gtest/gtest.h>
#include <opencv2/imgcodecs.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>

#include <sys/stat.h>

using namespace openrad;

namespace {

namespace fs = std::filesystem;

test::DicomSlice smallSlice(const std::string& series = "1.2.826.0.1.3680043.10.1234.1.1") {
  test::DicomSlice s;
  s.seriesUid = series;
  s.stored = test::pattern(s.rows, s.cols, [](int i, int j) { return 1000 + i + 10 * j; });
  return s;
}

/// The issue of `file` in `r` (nullptr when none names it).
const core::LoadIssue* issueFor(const core::LoadResult& r, const std::string& file) {
  for (const auto& i : r.issues)
    if (fs::path(i.file).filename() == fs::path(file).filename()) return &i;
  return nullptr;
}

void append(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::app);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

using test::le16;
using test::le32;
using test::tag;

/// A slice written by DCMTK without its pixel data; the caller appends what follows (explicit VR little endian).
std::string headerOnly(const std::string& path, const std::function<void(DcmItem&)>& edit = {}) {
  test::DicomSlice s = smallSlice();
  DcmFileFormat file;
  test::fillDataset(*file.getDataset(), s);
  delete file.getDataset()->remove(DCM_PixelData);
  if (edit) edit(*file.getDataset());
  EXPECT_TRUE(file.saveFile(path.c_str(), EXS_LittleEndianExplicit).good());
  return path;
}

/// Native pixel data of `bytes` bytes (explicit VR little endian).
std::string nativePixels(std::uint32_t bytes, char fill) {
  return tag(0x7fe0, 0x0010) + "OW" + le16(0) + le32(bytes) + std::string(bytes, fill);
}

/// An edit setting Rows and Columns.
std::function<void(DcmItem&)> imageSize(Uint16 rows, Uint16 columns) {
  return [rows, columns](DcmItem& d) {
    d.putAndInsertUint16(DCM_Rows, rows);
    d.putAndInsertUint16(DCM_Columns, columns);
  };
}

/// Encapsulated pixel data (explicit VR little endian): an empty offset table, then `fragments`.
std::string encapsulated(const std::vector<std::string>& fragments) {
  std::string out = tag(0x7fe0, 0x0010) + "OB" + le16(0) + le32(0xffffffffu);
  out += tag(0xfffe, 0xe000) + le32(0);  // basic offset table
  for (const auto& f : fragments) out += tag(0xfffe, 0xe000) + le32(static_cast<std::uint32_t>(f.size())) + f;
  return out + tag(0xfffe, 0xe0dd) + le32(0);
}

/// Writes a file whose meta header says `transferSyntax` and whose data set ends in `pixelData`.
std::string compressedFile(const std::string& path, const std::string& transferSyntax, const std::string& pixelData,
                           const std::function<void(DcmItem&)>& edit = {}) {
  headerOnly(path, edit);
  // Patch the meta header's transfer syntax (same length keeps every offset), then add the pixel data.
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string explicitLe = std::string("1.2.840.10008.1.2.1") + '\0';
  const auto at = bytes.find(explicitLe);
  EXPECT_NE(at, std::string::npos);
  std::string ts = transferSyntax;
  if (ts.size() % 2) ts += '\0';
  bytes = bytes.substr(0, at - 2) + le16(static_cast<std::uint16_t>(ts.size())) + ts + bytes.substr(at + explicitLe.size());
  // The meta header's group length changes with it.
  const auto groupLength = bytes.find(std::string("\x02\x00\x00\x00UL\x04\x00", 8));
  EXPECT_NE(groupLength, std::string::npos);
  std::uint32_t length = static_cast<unsigned char>(bytes[groupLength + 8]) |
                         static_cast<unsigned char>(bytes[groupLength + 9]) << 8;
  length += static_cast<std::uint32_t>(ts.size() - explicitLe.size());
  bytes.replace(groupLength + 8, 4, le32(length));
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << bytes << pixelData;
  return path;
}

}  // namespace

// Finding 2: DCMTK's recursive reader overflowed its stack at ~8 000 nested sequences (GDCM's at ~5 000).
TEST(HostileInput, DeeplyNestedSequencesAreRefusedBeforeAnyParser) {
  test::TempDir dir("openrad-hostile");
  const std::string path = headerOnly(dir.file("nested.dcm"));
  append(path, test::nestedSequences(20000) + nativePixels(96, '\1'));
  test::writeSlice(dir.file("good.dcm"), smallSlice("1.2.826.0.1.3680043.10.1234.1.2"));
  const auto r = io::loadPath(dir.path().string());
  ASSERT_EQ(r.allSeries().size(), 1u) << "the good file of the folder still loads";
  const core::LoadIssue* bad = issueFor(r, path);
  ASSERT_NE(bad, nullptr);
  EXPECT_NE(bad->message.find("nested deeper"), std::string::npos) << bad->message;
}

// Finding 5: Rows 65535 x Columns 32769 x 16 bits wrapped to a 65 534-byte frame in 32 bits and the conversion read
// past the buffer; finding 8: pixel data shorter than declared was padded or retried in GDCM's raw codec.
TEST(HostileInput, DeclaredSizesAreCheckedIn64BitsAgainstThePixelData) {
  test::TempDir dir("openrad-hostile");
  const std::string wrap = headerOnly(dir.file("wrap.dcm"), imageSize(65535, 32769));
  append(wrap, nativePixels(65534, '\2'));
  const std::string shorter = headerOnly(dir.file("short.dcm"), imageSize(512, 512));
  append(shorter, nativePixels(1000, '\3'));
  test::writeSlice(dir.file("good.dcm"), smallSlice("1.2.826.0.1.3680043.10.1234.1.2"));
  io::LoadOptions options;
  options.maxImageBytes = 8ull << 30;  // the wrapped file declares 4 GiB: the pixel-data check, not the ceiling, refuses it
  const auto r = io::loadPath(dir.path().string(), options);
  ASSERT_EQ(r.allSeries().size(), 1u);
  for (const std::string& file : {wrap, shorter}) {
    const core::LoadIssue* bad = issueFor(r, file);
    ASSERT_NE(bad, nullptr) << file;
    EXPECT_EQ(bad->severity, core::LoadIssue::Severity::Error);
    EXPECT_NE(bad->message.find("pixel data holds"), std::string::npos) << bad->message;
  }
}

// Finding 8: a 9.8 KB file declaring 65535 x 65535 x 1000 frames ended in std::bad_alloc without a file name and lost
// the good series beside it.
TEST(HostileInput, AnImageAboveTheMemoryCeilingIsRefusedByNameAndTheRestLoads) {
  test::TempDir dir("openrad-hostile");
  const std::string huge = headerOnly(dir.file("huge.dcm"), [](DcmItem& d) {
    imageSize(65535, 65535)(d);
    test::putString(d, DCM_NumberOfFrames, "1000");
  });
  append(huge, nativePixels(9800, '\4'));
  test::writeSlice(dir.file("good.dcm"), smallSlice("1.2.826.0.1.3680043.10.1234.1.2"));
  const auto r = io::loadPath(dir.path().string());
  ASSERT_EQ(r.allSeries().size(), 1u);
  const core::LoadIssue* bad = issueFor(r, huge);
  ASSERT_NE(bad, nullptr);
  EXPECT_NE(bad->message.find("above the loader's limit"), std::string::npos) << bad->message;
  EXPECT_GT(io::maxImageBytes({}), 0u);
}

// Findings 3, 6 and 8: an RLE file declaring 1 000 frames with one fragment loaded as 1 000 frames; empty fragments
// crashed DCMTK's RLE decoder; 100 000 fragments took DCMTK 43 s.
TEST(HostileInput, BrokenFragmentTablesAreRefusedQuickly) {
  test::TempDir dir("openrad-hostile");
  const std::string rle = "1.2.840.10008.1.2.5";
  const auto frames1000 = [](DcmItem& d) { test::putString(d, DCM_NumberOfFrames, "1000"); };
  const std::string oneForMany = compressedFile(dir.file("frames.dcm"), rle, encapsulated({std::string(64, '\0')}), frames1000);
  const std::string empty = compressedFile(dir.file("empty.dcm"), rle, encapsulated({std::string(64, '\0'), std::string()}));
  const std::string many =
      compressedFile(dir.file("many.dcm"), "1.2.840.10008.1.2.4.80", encapsulated(std::vector<std::string>(100000, "ab")));
  test::writeSlice(dir.file("good.dcm"), smallSlice("1.2.826.0.1.3680043.10.1234.1.2"));
  const auto start = std::chrono::steady_clock::now();
  const auto r = io::loadPath(dir.path().string());
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 20.0);
  ASSERT_EQ(r.allSeries().size(), 1u);
  const std::pair<std::string, std::string> expected[] = {
      {oneForMany, "1 compressed fragment(s) for 1000 frame(s)"},
      {empty, "fragment is empty"},
      {many, "fragments for 1 frame"}};
  for (const auto& [file, words] : expected) {
    const core::LoadIssue* bad = issueFor(r, file);
    ASSERT_NE(bad, nullptr) << file;
    EXPECT_NE(bad->message.find(words), std::string::npos) << bad->message;
  }
}

// Finding 1: a JPEG 2000 stream whose size disagrees with Rows/Columns corrupted the heap inside GDCM's codec.
TEST(HostileInput, AJpeg2000StreamThatDisagreesWithTheHeaderIsNotDecoded) {
  test::TempDir dir("openrad-hostile");
  // A minimal J2K main header: SOC, SIZ of 16 x 15 pixels, one 8-bit component; the DICOM header says 8 x 6.
  std::string siz = "\xff\x4f\xff\x51" + std::string("\x00\x29\x00\x00", 4) + std::string("\x00\x00\x00\x10", 4) +
                    std::string("\x00\x00\x00\x0f", 4) + std::string(8, '\0') + std::string("\x00\x00\x00\x10", 4) +
                    std::string("\x00\x00\x00\x0f", 4) + std::string(8, '\0') + std::string("\x00\x01\x07\x01\x01", 5);
  siz += std::string("\xff\x52\x00\x0c\x00\x00\x00\x01\x00\x00\x04\x04\x00\x01", 14);  // COD: 0 levels, reversible
  siz += std::string("\xff\x5c\x00\x04\x00\x40", 6);  // QCD: no quantisation, one band
  siz += std::string("\xff\x90\x00\x0a\x00\x00\x00\x00\x00\x0e\x00\x01", 12);  // SOT
  siz += std::string("\xff\x93\x00\x00\xff\xd9", 6);                               // SOD, data, EOC
  const std::string j2k =
      compressedFile(dir.file("j2k.dcm"), "1.2.840.10008.1.2.4.90", encapsulated({siz.size() % 2 ? siz + '\0' : siz}));
  const auto r = io::loadPath(j2k);
  EXPECT_TRUE(r.allSeries().empty());
  const core::LoadIssue* bad = issueFor(r, j2k);
  ASSERT_NE(bad, nullptr);
  EXPECT_NE(bad->message.find("16 x 15"), std::string::npos) << bad->message;
}

// Findings 6 and 7: a DICOMDIR's ReferencedFileID like ..\..\etc\group was opened, and one naming a FIFO blocked.
TEST(HostileInput, DicomdirReferencesStayInTheirFolderAndOnRegularFiles) {
  test::TempDir dir("openrad-hostile");
  fs::create_directories(dir.path() / "CD" / "DATA");
  fs::create_directories(dir.path() / "OUTSIDE");
  test::writeSlice(dir.file("CD/DATA/IM0"), smallSlice());
  test::writeSlice(dir.file("CD/DATA/IM1"), smallSlice("1.2.826.0.1.3680043.10.1234.1.2"));
  test::writeSlice(dir.file("OUTSIDE/SECRET"), smallSlice("1.2.826.0.1.3680043.10.1234.1.3"));
  const std::string dicomdir = dir.file("CD/DICOMDIR");
  {
    DicomDirInterface ddir;
    ddir.enableInventMode(OFTrue);
    ASSERT_TRUE(ddir.createNewDicomDir(DicomDirInterface::AP_GeneralPurpose, dicomdir.c_str()).good());
    ASSERT_TRUE(ddir.addDicomFile("DATA/IM0", dir.file("CD").c_str()).good());
    ASSERT_TRUE(ddir.addDicomFile("DATA/IM1", dir.file("CD").c_str()).good());
    ASSERT_TRUE(ddir.writeDicomDir().good());
  }
  // The attacker's edit: one record leads out of the CD, the other to a FIFO.
  ASSERT_EQ(::mkfifo(dir.file("CD/DATA/PIPE").c_str(), 0600), 0);
  {
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(dicomdir.c_str()).good());
    DcmSequenceOfItems* records = nullptr;
    ASSERT_TRUE(file.getDataset()->findAndGetSequence(DCM_DirectoryRecordSequence, records).good());
    int changed = 0;
    for (unsigned long i = 0; i < records->card(); ++i) {
      OFString id;
      if (records->getItem(i)->findAndGetOFStringArray(DCM_ReferencedFileID, id).bad()) continue;
      const char* replacement = changed == 0 ? "..\\OUTSIDE\\SECRET" : "DATA\\PIPE";
      ASSERT_TRUE(records->getItem(i)->putAndInsertString(DCM_ReferencedFileID, replacement).good());
      ++changed;
    }
    ASSERT_EQ(changed, 2);
    ASSERT_TRUE(file.saveFile(dicomdir.c_str()).good());
  }
  const auto start = std::chrono::steady_clock::now();
  const auto r = io::loadPath(dicomdir);
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 20.0) << "no FIFO blocks";
  EXPECT_EQ(r.findSeries("1.2.826.0.1.3680043.10.1234.1.3"), nullptr) << "nothing outside the DICOMDIR's folder opens";
  bool outside = false, fifo = false;
  for (const auto& i : r.issues) {
    outside = outside || i.message.find("outside the DICOMDIR's folder") != std::string::npos;
    fifo = fifo || (i.file.find("PIPE") != std::string::npos && i.message.find("not a regular file") != std::string::npos);
  }
  EXPECT_TRUE(outside);
  EXPECT_TRUE(fifo);
}

// Finding 4: GDCM's assertions abort the process (they cannot be caught). A JPEG-LS file whose Rows no longer match
// its bitstream is rejected by DCMTK and then taken by GDCM, which asserts: that decoder now runs in a child process.
TEST(HostileInput, ADecoderThatAbortsCostsOnlyItsFile) {
  const std::string corpus = std::string(OPENRAD_SHARED_DATA_DIR) + "/dicom-corpus/pydicom-data/JLSL_16_15_1_1F.dcm";
  OPENRAD_REQUIRE(fs::exists(corpus), "the real-world DICOM corpus (../shared/data/dicom-corpus)");
  test::TempDir dir("openrad-hostile");
  const std::string path = dir.file("jpegls.dcm");
  {
    DcmFileFormat file;
    ASSERT_TRUE(file.loadFile(corpus.c_str()).good());
    ASSERT_TRUE(file.getDataset()->putAndInsertUint16(DCM_Rows, 58089).good());
    ASSERT_TRUE(file.saveFile(path.c_str(), file.getDataset()->getOriginalXfer()).good());
  }
  test::writeSlice(dir.file("good.dcm"), smallSlice("1.2.826.0.1.3680043.10.1234.1.2"));
  const auto r = io::loadPath(dir.path().string());
  ASSERT_EQ(r.allSeries().size(), 1u);
  const core::LoadIssue* bad = issueFor(r, path);
  ASSERT_NE(bad, nullptr);
  EXPECT_NE(bad->message.find("could not be decoded"), std::string::npos) << bad->message;
}

// Finding 2 again, through the other door: a DICOMDIR given alone went straight to DCMTK's recursive reader.
TEST(HostileInput, ADeeplyNestedDicomdirIsRefusedBeforeAnyParser) {
  test::TempDir dir("openrad-hostile");
  const std::string dicomdir = headerOnly(dir.file("DICOMDIR"));
  append(dicomdir, test::nestedSequences(20000));
  const auto r = io::loadPath(dicomdir);
  EXPECT_TRUE(r.allSeries().empty());
  const core::LoadIssue* bad = issueFor(r, dicomdir);
  ASSERT_NE(bad, nullptr);
  EXPECT_NE(bad->message.find("malformed DICOMDIR"), std::string::npos) << bad->message;
}

// Finding 8 for the other formats: a PNG or NIfTI header declaring a huge image was decoded (or allocated) before
// any check; now the declared size meets the same ceiling as DICOM, by name, and the rest of the folder loads.
TEST(HostileInput, PlainImagesAndNiftiDeclaringHugeSizesAreRefusedByName) {
  test::TempDir dir("openrad-hostile");
  const std::string good = dir.file("good.png"), huge = dir.file("huge.png");
  cv::Mat film(40, 30, CV_16U, cv::Scalar(1234));
  film.at<std::uint16_t>(3, 4) = 99;
  ASSERT_TRUE(cv::imwrite(good, film));
  {
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_EQ(bytes.compare(12, 4, "IHDR"), 0);
    bytes.replace(16, 8, std::string("\x00\x01\x00\x00\x00\x01\x00\x00", 8));  // 65536 x 65536 (CRC left stale)
    std::ofstream(huge, std::ios::binary) << bytes;
  }
  const std::string nifti = dir.file("huge.nii");
  {
    core::Geometry g;
    g.size = {8, 8, 8};
    io::writeNifti(core::Image(g, core::PixelType::Int16), nifti);
    std::fstream f(nifti, std::ios::binary | std::ios::in | std::ios::out);
    const std::int16_t dim[5] = {4, 8, 8, 8, 32000};  // nifti-1 dim[0..4] at byte 40: 32 000 volumes
    f.seekp(40);
    f.write(reinterpret_cast<const char*>(dim), sizeof dim);
  }
  io::LoadOptions options;
  options.maxImageBytes = 16ull << 20;  // 16 MiB: the huge PNG needs 24 GiB, the NIfTI 32 MiB; the good PNG 6 KiB
  const auto r = io::loadPath(dir.path().string(), options);
  ASSERT_EQ(r.allSeries().size(), 1u) << "the good PNG still loads";
  EXPECT_EQ(r.allSeries().front()->image->geometry().size[0], 30);
  for (const std::string& file : {huge, nifti}) {
    const core::LoadIssue* bad = issueFor(r, file);
    ASSERT_NE(bad, nullptr) << file;
    EXPECT_NE(bad->message.find("above the loader's limit"), std::string::npos) << bad->message;
  }
}
