#include "DicomSeriesLoader.h"
#include "DicomStructure.h"
#include "Isolation.h"

#include "OpenJpegDecoder.h"
#include "PixelConvert.h"
#include "openrad/io/DicomWriter.h"

#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmdata/dcxfer.h>
#include <dcmtk/dcmimage/diregist.h>
#include <dcmtk/dcmimgle/dcmimage.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <gdcmGlobal.h>
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmPhotometricInterpretation.h>
#include <gdcmPixelFormat.h>
#include <gdcmTrace.h>

#include <Eigen/Geometry>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <numeric>
#include <optional>
#include <set>
#include <sstream>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef __linux__
#include <sys/mman.h>
#endif

namespace openrad::io::detail {
namespace {

namespace fs = std::filesystem;
using Vec3 = Eigen::Vector3d;

// Elements longer than this stay in the file while headers are parsed; pixel data is then read
// straight into the volume (no per-file pixel buffer).
constexpr Uint32 kLazyReadLength = 4096;

enum class Decoder { Dcmtk, Gdcm, OpenJpeg, DicomImage, FloatData };

struct FrameHeader {
  bool hasIpp = false, hasIop = false, hasSpacing = false;
  Vec3 ipp = Vec3::Zero(), row = Vec3::UnitX(), col = Vec3::UnitY();
  double rowSpacing = 1.0, colSpacing = 1.0;  // PixelSpacing[0] (between rows), [1] (between columns)
  double thickness = 0.0;
  double slope = 1.0, intercept = 0.0;
  std::optional<double> windowCenter, windowWidth;
  long order = 0;  // temporal/stack ordering key among frames at one position
};

struct FileHeader {
  std::string path;
  std::unique_ptr<DcmFileFormat> file;
  core::PatientInfo patient;
  core::StudyInfo study;
  std::string seriesUid, frameOfReferenceUid, sopClassUid, sopInstanceUid, modality, seriesDescription,
      bodyPart, patientPosition, viewPosition, seriesDate, seriesTime, rescaleType;
  int seriesNumber = 0, instanceNumber = 0;
  int rows = 0, cols = 0, frames = 1, bitsAllocated = 0, bitsStored = 0, highBit = 0, samples = 1;
  bool isSigned = false, planar = false, hasModalityLut = false;
  std::string photometric, transferSyntaxUid;
  E_TransferSyntax xfer = EXS_Unknown;
  Decoder decoder = Decoder::Dcmtk;
  std::string spacingSource = "none";
  std::optional<double> distanceSourceToDetector, distanceSourceToPatient;
  double spacingBetweenSlices = 0.0, gantryTilt = 0.0;
  bool framePositionsDerived = false;
  std::optional<Eigen::Matrix3d> orientationFromLetters;
  std::vector<FrameHeader> frameHeaders;
  // Native little-endian grey data that can be read with pread (sizes taken from DCMTK at parse time,
  // so that frame chunks of one file decode on several threads without touching the DCMTK objects).
  bool directCandidate = false;
  Uint32 nativeLength = 0, frameSize = 0;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> fragmentSpans;  ///< from the structure walk
  std::mutex mutex;  // serialises DCMTK/GDCM access to this file
};

struct SliceRef {
  int file = 0;
  int frame = 0;
  double distance = 0.0;
};

struct Plan {
  std::vector<SliceRef> slices;  // k order
  core::Geometry geometry;
  core::PixelType type = core::PixelType::Int16;
  bool mayOverflow = true;
  core::PatientInfo patient;
  core::StudyInfo study;
  core::SeriesInfo info;
  std::shared_ptr<core::Image> image;
  std::atomic<bool> overflow{false};
  std::atomic<int> failed{0};
};

struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string str(DcmItem* item, const DcmTagKey& tag) {
  OFString v;
  if (item && item->findAndGetOFString(tag, v).good()) {
    std::string s = v.c_str();
    while (!s.empty() && (s.back() == ' ' || s.back() == '\0')) s.pop_back();
    return s;
  }
  return {};
}

std::string strAll(DcmItem* item, const DcmTagKey& tag) {
  OFString v;
  if (item && item->findAndGetOFStringArray(tag, v).good()) return v.c_str();
  return {};
}

std::optional<double> num(DcmItem* item, const DcmTagKey& tag, unsigned long pos = 0) {
  Float64 v = 0;
  if (item && item->findAndGetFloat64(tag, v, pos).good() && std::isfinite(v)) return v;
  return std::nullopt;
}

int integer(DcmItem* item, const DcmTagKey& tag, int fallback = 0) {
  Uint16 u = 0;
  if (item && item->findAndGetUint16(tag, u).good()) return u;
  Sint32 s = 0;
  if (item && item->findAndGetSint32(tag, s).good()) return s;
  if (auto d = num(item, tag)) return static_cast<int>(std::lround(*d));
  return fallback;
}

bool readVec(DcmItem* item, const DcmTagKey& tag, int count, double* out) {
  for (int i = 0; i < count; ++i) {
    auto v = num(item, tag, static_cast<unsigned long>(i));
    if (!v) return false;
    out[i] = *v;
  }
  return true;
}

DcmItem* subItem(DcmItem* item, const DcmTagKey& seq) {
  DcmItem* sub = nullptr;
  if (item && item->findAndGetSequenceItem(seq, sub, 0).good()) return sub;
  return nullptr;
}

void readPlane(DcmItem* item, FrameHeader& f) {
  double v[6];
  if (readVec(item, DCM_ImagePositionPatient, 3, v)) {
    f.ipp = Vec3(v[0], v[1], v[2]);
    f.hasIpp = true;
  }
  if (readVec(item, DCM_ImageOrientationPatient, 6, v)) {
    Vec3 r(v[0], v[1], v[2]), c(v[3], v[4], v[5]);
    if (r.norm() > 0.5 && c.norm() > 0.5 && std::abs(r.normalized().dot(c.normalized())) < 0.01) {
      f.row = r.normalized();
      f.col = c.normalized();
      f.hasIop = true;
    }
  }
}

void readSpacing(DcmItem* item, FrameHeader& f) {
  double v[2];
  if (readVec(item, DCM_PixelSpacing, 2, v) && v[0] > 0 && v[1] > 0) {
    f.rowSpacing = v[0];
    f.colSpacing = v[1];
    f.hasSpacing = true;
  }
  if (auto t = num(item, DCM_SliceThickness)) f.thickness = *t;
}

void readRescale(DcmItem* item, FrameHeader& f) {
  if (auto s = num(item, DCM_RescaleSlope); s && *s != 0.0) f.slope = *s;
  if (auto b = num(item, DCM_RescaleIntercept)) f.intercept = *b;
}

void readWindow(DcmItem* item, FrameHeader& f) {
  if (auto c = num(item, DCM_WindowCenter)) f.windowCenter = c;
  if (auto w = num(item, DCM_WindowWidth); w && *w > 0) f.windowWidth = w;
}

// Functional group macros of enhanced multi-frame objects (shared or per frame).
void readFunctionalGroups(DcmItem* group, FrameHeader& f) {
  if (!group) return;
  if (auto* it = subItem(group, DCM_PlanePositionSequence)) readPlane(it, f);
  if (auto* it = subItem(group, DCM_PlaneOrientationSequence)) readPlane(it, f);
  if (auto* it = subItem(group, DCM_PixelMeasuresSequence)) {
    readSpacing(it, f);
    if (auto s = num(it, DCM_SpacingBetweenSlices)) (void)s;
  }
  if (auto* it = subItem(group, DCM_PixelValueTransformationSequence)) readRescale(it, f);
  if (auto* it = subItem(group, DCM_FrameVOILUTSequence)) readWindow(it, f);
  if (auto* it = subItem(group, DCM_FrameContentSequence)) {
    if (auto t = num(it, DCM_TemporalPositionIndex)) f.order = static_cast<long>(*t);
  }
}

// PatientOrientation letters (radiographs) to LPS unit vectors.
std::optional<Vec3> letterDirection(const std::string& letters) {
  if (letters.empty()) return std::nullopt;
  Vec3 v = Vec3::Zero();
  for (char ch : letters) {
    switch (ch) {
      case 'L': v.x() += 1; break;
      case 'R': v.x() -= 1; break;
      case 'P': v.y() += 1; break;
      case 'A': v.y() -= 1; break;
      case 'H': v.z() += 1; break;
      case 'F': v.z() -= 1; break;
      default: return std::nullopt;
    }
  }
  if (v.norm() < 0.5) return std::nullopt;
  return v.normalized();
}

bool dcmtkCanDecode(E_TransferSyntax xfer) {
  if (xfer == EXS_Unknown) return false;
  DcmXfer x(xfer);
  if (!x.isEncapsulated()) return true;
  return DcmCodecList::canChangeCoding(xfer, EXS_LittleEndianExplicit);
}

std::string sopClassName(const std::string& uid) {
  const char* name = dcmFindNameOfUID(uid.c_str(), nullptr);
  return name ? std::string(name) : (uid.empty() ? std::string("unknown SOP class") : uid);
}

// Part 10 preamble, or a raw little-endian dataset (old ACR-NEMA style) starting with a low group.
bool looksLikeDicomHeader(const unsigned char* head, std::size_t got) {
  if (got >= 132 && std::memcmp(head + 128, "DICM", 4) == 0) return true;
  if (got < 8) return false;
  const unsigned group = head[0] | (head[1] << 8);
  const unsigned element = head[2] | (head[3] << 8);
  if (group != 0x0002 && group != 0x0008 && group != 0x0010 && group != 0x0018 && group != 0x0020 && group != 0x0028)
    return false;
  if (element > 0x1000) return false;
  const bool explicitVr = std::isupper(head[4]) && std::isupper(head[5]);
  if (explicitVr) return true;
  const std::uint32_t length = head[4] | (head[5] << 8) | (head[6] << 16) | (static_cast<std::uint32_t>(head[7]) << 24);
  return length < 1024 || element == 0x0000;
}

bool isHtj2k(const std::string& ts) { return ts.rfind("1.2.840.10008.1.2.4.20", 0) == 0; }

bool isJpeg2000(const std::string& ts) {
  return isHtj2k(ts) || ts == "1.2.840.10008.1.2.4.90" || ts == "1.2.840.10008.1.2.4.91" ||
         ts == "1.2.840.10008.1.2.4.92" || ts == "1.2.840.10008.1.2.4.93";
}

// The encapsulated fragments of the top-level PixelData, read straight from the file where the structure walk
// found them: independent of whether DCMTK knows the transfer syntax. Returns one byte string per frame.
std::vector<std::string> encapsulatedFrames(const std::string& path, int frames,
                                            const std::vector<std::pair<std::uint64_t, std::uint32_t>>& spans) {
  if (spans.empty()) throw DecodeError("no compressed frames");
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> fragments;
  for (const auto& [offset, length] : spans) {
    std::string bytes(length, '\0');
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(bytes.data(), length)) throw DecodeError("encapsulated pixel data truncated");
    fragments.push_back(std::move(bytes));
  }
  if (static_cast<int>(fragments.size()) == frames) return fragments;
  // Frames split over several fragments: a new frame starts with a J2K SOC marker or a JP2 signature.
  std::vector<std::string> out;
  for (auto& f : fragments) {
    const bool start = (f.size() >= 2 && static_cast<unsigned char>(f[0]) == 0xff && static_cast<unsigned char>(f[1]) == 0x4f) ||
                       (f.size() >= 8 && f.compare(4, 4, "jP  ") == 0);
    if (out.empty() || (frames > 1 && start)) out.emplace_back();
    out.back() += f;
  }
  return out;
}

/// Bytes as GiB with three decimals, for messages about the memory ceiling.
std::string gib(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(bytes) / (1u << 30));
  return text;
}

/// What GDCM decoded: every frame's bytes and the pixel format it reports.
struct GdcmPixels {
  std::string buffer;
  int bitsAllocated = 0, bitsStored = 0, highBit = 0, samples = 1;
  bool isSigned = false, planar = false;
  std::string photometric;
};

/// Decodes a whole file with GDCM in a child process (see Isolation.h); throws DecodeError.
GdcmPixels decodeWithGdcm(const std::string& path, const std::string& transferSyntax) {
  std::string bytes;
  try {
    bytes = runIsolated("GDCM's decoder (transfer syntax " + transferSyntax + ")", [&] {
      gdcm::ImageReader reader;
      reader.SetFileName(path.c_str());
      if (!reader.Read()) throw DecodeError("GDCM could not read the file (transfer syntax " + transferSyntax + ")");
      const gdcm::Image& image = reader.GetImage();
      const gdcm::PixelFormat pf = image.GetPixelFormat();
      const unsigned long length = image.GetBufferLength();
      std::string out(6 * sizeof(std::int32_t), '\0');
      const std::int32_t format[6] = {pf.GetBitsAllocated(), pf.GetBitsStored(), pf.GetHighBit(), pf.GetSamplesPerPixel(),
                                      pf.GetPixelRepresentation() == 1, image.GetPlanarConfiguration() == 1};
      std::memcpy(out.data(), format, sizeof format);
      const std::string model = gdcm::PhotometricInterpretation::GetPIString(image.GetPhotometricInterpretation());
      out += model + '\n';
      const std::size_t at = out.size();
      out.resize(at + length);
      if (length == 0 || !image.GetBuffer(out.data() + at))
        throw DecodeError("GDCM could not decode the pixel data (transfer syntax " + transferSyntax + ")");
      return out;
    });
  } catch (const IsolatedFailure& e) {
    throw DecodeError(e.what());
  }
  GdcmPixels p;
  std::int32_t format[6];
  const std::size_t newline = bytes.find('\n', sizeof format);
  if (bytes.size() < sizeof format || newline == std::string::npos) throw DecodeError("GDCM's decoder returned no image");
  std::memcpy(format, bytes.data(), sizeof format);
  p.bitsAllocated = format[0], p.bitsStored = format[1], p.highBit = format[2], p.samples = format[3];
  p.isSigned = format[4] != 0, p.planar = format[5] != 0;
  p.photometric = bytes.substr(sizeof format, newline - sizeof format);
  bytes.erase(0, newline + 1);
  p.buffer = std::move(bytes);
  return p;
}

/// Why the declared image cannot be decoded safely (empty when it can): attributes out of range, sizes computed in 64
/// bits against what the file holds and against the memory ceiling — before any buffer is sized from them.
std::string implausibleImage(const FileHeader& h, DcmDataset& ds, const StructureScan& structure, std::uint64_t maxBytes) {
  const int declaredFrames = integer(&ds, DCM_NumberOfFrames, 1);
  if (declaredFrames < 1) return "NumberOfFrames " + std::to_string(declaredFrames) + " is not a frame count";
  if (h.rows > 65535 || h.cols > 65535) return "Rows/Columns beyond 65535";
  if (h.bitsAllocated < 1 || h.bitsAllocated > 64) return "BitsAllocated " + std::to_string(h.bitsAllocated) + " out of range";
  if (h.bitsStored < 1 || h.bitsStored > h.bitsAllocated || h.highBit < h.bitsStored - 1 || h.highBit >= h.bitsAllocated)
    return "BitsStored " + std::to_string(h.bitsStored) + " / HighBit " + std::to_string(h.highBit) +
           " do not fit BitsAllocated " + std::to_string(h.bitsAllocated);
  if (const int pc = integer(&ds, DCM_PlanarConfiguration); pc != 0 && pc != 1)
    return "PlanarConfiguration " + std::to_string(pc) + " is neither 0 nor 1";
  const auto frames = static_cast<std::uint64_t>(h.frames);
  const std::uint64_t pixels = static_cast<std::uint64_t>(h.rows) * static_cast<std::uint64_t>(h.cols);
  const std::uint64_t frameBytes = (pixels * static_cast<std::uint64_t>(h.samples) * static_cast<std::uint64_t>(h.bitsAllocated) + 7) / 8;
  // The loaded volume holds at least 2 bytes per voxel (4 for colour or float sources).
  const std::uint64_t volumeBytes = pixels * frames * (h.samples == 3 || h.bitsAllocated > 16 ? 4u : 2u);
  if (volumeBytes > maxBytes)
    return std::to_string(h.cols) + " x " + std::to_string(h.rows) + " x " + std::to_string(frames) + " frame(s) would need " +
           gib(volumeBytes) + " GiB, above the loader's limit of " + gib(maxBytes) + " GiB";
  if (h.decoder == Decoder::FloatData) return {};
  DcmElement* pixelData = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, pixelData).bad() || !pixelData) return "no PixelData element";
  if (!structure.encapsulated) {
    const std::uint64_t held = pixelData->getLength(h.xfer);
    // Bit-packed frames (BitsAllocated 1) follow each other without byte alignment.
    const std::uint64_t declared =
        h.bitsAllocated == 1 ? (pixels * static_cast<std::uint64_t>(h.samples) * frames + 7) / 8 : frameBytes * frames;
    if (held < declared)
      return "pixel data holds " + std::to_string(held) + " bytes; " + std::to_string(h.cols) + " x " + std::to_string(h.rows) +
             " x " + std::to_string(h.samples) + " sample(s) x " + std::to_string(h.bitsAllocated) + " bits x " +
             std::to_string(frames) + " frame(s) declare " + std::to_string(declared);
  } else if (static_cast<std::uint64_t>(structure.fragments) < frames) {
    return std::to_string(structure.fragments) + " compressed fragment(s) for " + std::to_string(frames) +
           " frame(s): every frame needs at least one";
  }
  return {};
}

std::unique_ptr<FileHeader> parseHeader(const std::string& path, std::optional<core::LoadIssue>& issue, std::uint64_t maxBytes) {
  using Sev = core::LoadIssue::Severity;
  // Only regular files: a FIFO or a device named by a DICOMDIR would block or never end.
  {
    std::error_code ec;
    const auto type = fs::status(path, ec).type();
    if (ec || type != fs::file_type::regular) {
      issue = core::LoadIssue{Sev::Error, path, ec ? "cannot open file: " + ec.message() : "not a regular file; skipped"};
      return nullptr;
    }
  }
  // Cheap sniff first (runs on the worker threads, not in the folder scan): keeps DCMTK away from
  // text files, archives and anything else that happens to sit in the folder.
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      issue = core::LoadIssue{Sev::Error, path, std::string("cannot open file: ") + std::strerror(errno)};
      return nullptr;
    }
    unsigned char head[132] = {};
    in.read(reinterpret_cast<char*>(head), sizeof(head));
    const auto got = static_cast<std::size_t>(in.gcount());
    if (!looksLikeDicomHeader(head, got)) {
      const bool gz = got >= 2 && head[0] == 0x1f && head[1] == 0x8b;
      issue = core::LoadIssue{Sev::Warning, path,
                              gz ? "gzip-compressed file: decompress it to load it" : "not a DICOM, NIfTI or image file; skipped"};
      return nullptr;
    }
  }
  // The structure is walked before any parser sees it: nesting, element count, lengths against the file and the
  // fragment table are bounded here, once, for DCMTK and GDCM alike.
  StructureScan structure;
  try {
    structure = scanDicomStructure(path);
  } catch (const StructureError& e) {
    issue = core::LoadIssue{Sev::Error, path, std::string("malformed DICOM file, not parsed: ") + e.what()};
    return nullptr;
  }
  auto h = std::make_unique<FileHeader>();
  h->path = path;
  h->fragmentSpans = std::move(structure.fragmentSpans);
  h->file = std::make_unique<DcmFileFormat>();
  const OFCondition status =
      h->file->loadFile(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange, kLazyReadLength, ERM_autoDetect);
  if (status.bad()) {
    issue = core::LoadIssue{Sev::Error, path, std::string("unreadable DICOM file: ") + status.text()};
    return nullptr;
  }
  DcmDataset* ds = h->file->getDataset();
  DcmMetaInfo* meta = h->file->getMetaInfo();
  h->transferSyntaxUid = str(meta, DCM_TransferSyntaxUID);
  h->xfer = ds->getOriginalXfer();
  h->sopClassUid = str(ds, DCM_SOPClassUID);
  if (h->sopClassUid.empty()) h->sopClassUid = str(meta, DCM_MediaStorageSOPClassUID);

  const bool hasPixels = ds->tagExists(DCM_PixelData);
  const bool hasFloat = ds->tagExists(DCM_FloatPixelData) || ds->tagExists(DCM_DoubleFloatPixelData);
  if (!hasPixels && !hasFloat) {
    issue = core::LoadIssue{Sev::Warning, path, "no image in this file (" + sopClassName(h->sopClassUid) + ")"};
    return nullptr;
  }
  h->rows = integer(ds, DCM_Rows);
  h->cols = integer(ds, DCM_Columns);
  h->frames = std::max(1, integer(ds, DCM_NumberOfFrames, 1));
  h->samples = std::max(1, integer(ds, DCM_SamplesPerPixel, 1));
  h->bitsAllocated = integer(ds, DCM_BitsAllocated);
  h->bitsStored = integer(ds, DCM_BitsStored, h->bitsAllocated);
  h->highBit = integer(ds, DCM_HighBit, h->bitsStored - 1);
  h->isSigned = integer(ds, DCM_PixelRepresentation) == 1;
  h->planar = integer(ds, DCM_PlanarConfiguration) == 1;
  h->photometric = str(ds, DCM_PhotometricInterpretation);
  h->hasModalityLut = ds->tagExists(DCM_ModalityLUTSequence);
  if (h->rows <= 0 || h->cols <= 0) {
    issue = core::LoadIssue{Sev::Error, path, "image without Rows/Columns"};
    return nullptr;
  }
  if (const std::string why = implausibleImage(*h, *ds, structure, maxBytes); !why.empty()) {
    issue = core::LoadIssue{Sev::Error, path, why};
    return nullptr;
  }
  // A transfer syntax DCMTK does not know (HTJ2K in 3.6.7) must not be read as native data.
  const bool knownSyntax = h->transferSyntaxUid.empty() || DcmXfer(h->transferSyntaxUid.c_str()).getXfer() != EXS_Unknown;
  if (hasFloat && !hasPixels) {
    h->decoder = Decoder::FloatData;
  } else if (h->samples != 1 && h->samples != 3) {
    issue = core::LoadIssue{Sev::Error, path, "unsupported SamplesPerPixel " + std::to_string(h->samples)};
    return nullptr;
  } else if (isHtj2k(h->transferSyntaxUid) || isJpeg2000(h->transferSyntaxUid)) {
    h->decoder = Decoder::OpenJpeg;  // the size-checked path; GDCM's J2K codec is never given these streams
  } else if (!knownSyntax || !dcmtkCanDecode(h->xfer)) {
    h->decoder = Decoder::Gdcm;
  } else if (h->bitsAllocated != 8 && h->bitsAllocated != 16 && h->bitsAllocated != 32) {
    h->decoder = Decoder::DicomImage;
  } else if (h->photometric == "PALETTE COLOR" || h->hasModalityLut ||
             (h->samples == 3 && h->photometric != "RGB" && h->photometric != "YBR_FULL" &&
              DcmXfer(h->xfer).isNotEncapsulated())) {
    h->decoder = Decoder::DicomImage;
  } else {
    h->decoder = Decoder::Dcmtk;
  }
  if ((h->decoder == Decoder::Gdcm || h->decoder == Decoder::OpenJpeg) &&
      (h->photometric == "PALETTE COLOR" || h->hasModalityLut)) {
    issue = core::LoadIssue{Sev::Error, path,
                            "palette/LUT image in a transfer syntax DCMTK cannot decode (" + h->transferSyntaxUid + ")"};
    return nullptr;
  }

  h->patient.id = str(ds, DCM_PatientID);
  h->patient.name = str(ds, DCM_PatientName);
  h->patient.birthDate = str(ds, DCM_PatientBirthDate);
  h->patient.sex = str(ds, DCM_PatientSex);
  h->study.studyUid = str(ds, DCM_StudyInstanceUID);
  h->study.studyId = str(ds, DCM_StudyID);
  h->study.accessionNumber = str(ds, DCM_AccessionNumber);
  h->study.description = str(ds, DCM_StudyDescription);
  h->study.date = str(ds, DCM_StudyDate);
  h->study.time = str(ds, DCM_StudyTime);
  h->seriesUid = str(ds, DCM_SeriesInstanceUID);
  h->frameOfReferenceUid = str(ds, DCM_FrameOfReferenceUID);
  h->sopInstanceUid = str(ds, DCM_SOPInstanceUID);
  h->modality = str(ds, DCM_Modality);
  h->seriesDescription = str(ds, DCM_SeriesDescription);
  h->bodyPart = str(ds, DCM_BodyPartExamined);
  h->patientPosition = str(ds, DCM_PatientPosition);
  h->viewPosition = str(ds, DCM_ViewPosition);
  h->seriesDate = str(ds, DCM_SeriesDate);
  if (h->seriesDate.empty()) h->seriesDate = str(ds, DCM_AcquisitionDate);
  if (h->seriesDate.empty()) h->seriesDate = h->study.date;
  h->seriesTime = str(ds, DCM_SeriesTime);
  if (h->seriesTime.empty()) h->seriesTime = str(ds, DCM_AcquisitionTime);
  h->seriesNumber = integer(ds, DCM_SeriesNumber);
  h->instanceNumber = integer(ds, DCM_InstanceNumber);
  h->rescaleType = str(ds, DCM_RescaleType);
  h->distanceSourceToDetector = num(ds, DCM_DistanceSourceToDetector);
  h->distanceSourceToPatient = num(ds, DCM_DistanceSourceToPatient);
  h->spacingBetweenSlices = num(ds, DCM_SpacingBetweenSlices).value_or(0.0);
  h->gantryTilt = num(ds, DCM_GantryDetectorTilt).value_or(0.0);

  FrameHeader base;
  readPlane(ds, base);
  readSpacing(ds, base);
  readRescale(ds, base);
  readWindow(ds, base);
  if (base.hasSpacing) h->spacingSource = "PixelSpacing";
  DcmItem* shared = subItem(ds, DCM_SharedFunctionalGroupsSequence);
  readFunctionalGroups(shared, base);
  if (base.hasSpacing && h->spacingSource == "none") h->spacingSource = "PixelSpacing";
  if (!base.hasSpacing) {
    double v[2];
    if (readVec(ds, DCM_ImagerPixelSpacing, 2, v) && v[0] > 0 && v[1] > 0) {
      base.rowSpacing = v[0], base.colSpacing = v[1], base.hasSpacing = true;
      h->spacingSource = "ImagerPixelSpacing";
    } else if (readVec(ds, DCM_NominalScannedPixelSpacing, 2, v) && v[0] > 0 && v[1] > 0) {
      base.rowSpacing = v[0], base.colSpacing = v[1], base.hasSpacing = true;
      h->spacingSource = "NominalScannedPixelSpacing";
    }
  }
  if (!base.hasIop) {
    const std::string po = strAll(ds, DCM_PatientOrientation);
    const auto sep = po.find('\\');
    if (sep != std::string::npos) {
      auto r = letterDirection(po.substr(0, sep)), c = letterDirection(po.substr(sep + 1));
      if (r && c && std::abs(r->dot(*c)) < 0.01) {
        Eigen::Matrix3d d;
        d.col(0) = *r, d.col(1) = *c, d.col(2) = r->cross(*c);
        h->orientationFromLetters = d;
      }
    }
  }

  if (h->decoder == Decoder::Dcmtk && (h->xfer == EXS_LittleEndianExplicit || h->xfer == EXS_LittleEndianImplicit) &&
      h->samples == 1 && (h->bitsAllocated == 8 || h->bitsAllocated == 16)) {
    DcmElement* element = nullptr;
    Uint32 frameSize = 0;
    if (ds->findAndGetElement(DCM_PixelData, element).good() && element &&
        element->getUncompressedFrameSize(ds, frameSize).good() && frameSize > 0) {
      h->nativeLength = element->getLength(h->xfer);
      h->frameSize = frameSize;
      h->directCandidate = h->nativeLength != DCM_UndefinedLength && h->nativeLength > 0;
    }
  }

  h->frameHeaders.assign(static_cast<std::size_t>(h->frames), base);
  DcmSequenceOfItems* perFrame = nullptr;
  if (ds->findAndGetSequence(DCM_PerFrameFunctionalGroupsSequence, perFrame).good() && perFrame &&
      perFrame->card() == static_cast<unsigned long>(h->frames)) {
    for (int f = 0; f < h->frames; ++f) {
      readFunctionalGroups(perFrame->getItem(static_cast<unsigned long>(f)), h->frameHeaders[f]);
      h->frameHeaders[f].order = h->frameHeaders[f].order * 100000 + f;
    }
  } else if (h->frames > 1) {
    // Classic multi-frame: only the first frame's position is given; derive the others along the
    // normal when the slice spacing is known, else the frames carry no position (cine, time).
    const double step = h->spacingBetweenSlices > 0 ? h->spacingBetweenSlices : 0.0;
    for (int f = 0; f < h->frames; ++f) {
      auto& fh = h->frameHeaders[f];
      fh.order = f;
      if (base.hasIpp && base.hasIop && step > 0) {
        fh.ipp = base.ipp + f * step * base.row.cross(base.col);
        h->framePositionsDerived = true;
      } else {
        fh.hasIpp = false;
      }
    }
  }
  return h;
}

struct Group {
  core::PatientInfo patient;
  std::vector<int> files;
};

double median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  std::nth_element(v.begin(), v.begin() + static_cast<long>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

std::string mm(double v) {
  std::ostringstream s;
  s.precision(3);
  s << v;
  return s.str();
}

bool fitsInteger(double v) { return std::abs(v - std::round(v)) < 1e-6; }

// Output pixel type from what the stored values can become after rescale.
void choosePixelType(Plan& plan, const std::vector<std::unique_ptr<FileHeader>>& headers) {
  const FileHeader& h0 = *headers[plan.slices.front().file];
  plan.mayOverflow = true;
  if (h0.decoder == Decoder::FloatData || h0.bitsAllocated == 32) {
    plan.type = core::PixelType::Float32;
    plan.mayOverflow = false;
    return;
  }
  if (h0.samples == 3) {
    plan.type = h0.bitsAllocated == 8 ? core::PixelType::UInt8 : core::PixelType::UInt16;
    plan.mayOverflow = false;
    return;
  }
  if (h0.photometric == "PALETTE COLOR" || h0.hasModalityLut) {
    plan.type = core::PixelType::UInt16;  // LUT output; re-read as float if it does not fit
    plan.mayOverflow = true;
    return;
  }
  bool integral = true;
  double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
  for (const auto& s : plan.slices) {
    const FileHeader& h = *headers[s.file];
    const FrameHeader& f = h.frameHeaders[s.frame];
    integral &= fitsInteger(f.slope) && fitsInteger(f.intercept);
    const int bits = std::clamp(h.bitsStored, 1, h.bitsAllocated > 0 ? h.bitsAllocated : 16);
    const double sMin = h.isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
    const double sMax = h.isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
    const double a = sMin * f.slope + f.intercept, b = sMax * f.slope + f.intercept;
    lo = std::min({lo, a, b});
    hi = std::max({hi, a, b});
  }
  if (!integral) {
    plan.type = core::PixelType::Float32;
    plan.mayOverflow = false;
    return;
  }
  const bool ct = h0.modality == "CT";
  auto pick = [&](core::PixelType t, bool fits) {
    plan.type = t;
    plan.mayOverflow = !fits || h0.decoder == Decoder::DicomImage || (!h0.isSigned && h0.bitsStored < h0.bitsAllocated);
  };
  if (ct && lo >= -32768 && hi <= 32767)
    pick(core::PixelType::Int16, true);
  else if (lo >= 0 && hi <= 255 && h0.bitsAllocated <= 8)
    pick(core::PixelType::UInt8, true);
  else if (lo >= 0 && hi <= 65535)
    pick(core::PixelType::UInt16, true);
  else if (lo >= -32768 && hi <= 32767)
    pick(core::PixelType::Int16, true);
  else if (lo < 0)
    pick(core::PixelType::Int16, false);  // real data nearly always fits; re-read as float if not
  else
    pick(core::PixelType::UInt16, false);
}

// A volume is written once, page by page, by the decoding threads: with 4 KiB pages the page faults
// cost about as much as the copy itself (measured: ~30% of a 157 MB CT load). Transparent huge pages
// (only enabled on request on most distributions) cut the fault count 512-fold.
void adviseHugePages(core::Image& image) {
#ifdef __linux__
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  if (image.byteSize() < 4 * huge) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(image.data());
  const std::uintptr_t start = (begin + huge - 1) & ~(huge - 1);
  const std::uintptr_t end = (begin + image.byteSize()) & ~(huge - 1);
  if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
#else
  (void)image;
#endif
}

// YBR_FULL(_422) keeps luminance in the first component; J2K's YBR_ICT/RCT come out of the codec as RGB.
bool isLumaFirst(const std::string& model) { return model == "YBR_FULL" || model == "YBR_FULL_422"; }

class DicomLoader {
public:
  DicomLoader(const std::vector<std::string>& files, const LoadContext& context) : m_files(files), m_context(context) {}

  core::LoadResult run() {
    registerDicomCodecs();
    parseAll();
    planAll();
    decodeAll();
    return assemble();
  }

private:
  using Sev = core::LoadIssue::Severity;

  void issue(Sev severity, const std::string& file, const std::string& message) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_result.issues.push_back(core::LoadIssue{severity, file, message});
  }

  void parseAll() {
    m_headers.resize(m_files.size());
    std::vector<std::optional<core::LoadIssue>> issues(m_files.size());
    parallelFor(m_files.size(), m_context.sub(0.0, 0.3), "Reading headers", [&](std::size_t i) {
      try {
        m_headers[i] = parseHeader(m_files[i], issues[i], maxImageBytes(m_context.options()));
      } catch (const std::exception& e) {
        m_headers[i].reset();
        issues[i] = core::LoadIssue{Sev::Error, m_files[i], std::string("unreadable DICOM file: ") + e.what()};
      }
    });
    for (auto& i : issues)
      if (i) m_result.issues.push_back(std::move(*i));
  }

  void planAll() {
    // Group by patient, study and series; keep the scan order inside a group.
    std::map<std::string, Group> groups;
    std::vector<std::string> order;
    for (std::size_t i = 0; i < m_headers.size(); ++i) {
      const auto& h = m_headers[i];
      if (!h) continue;
      std::string series = h->seriesUid.empty() ? "folder:" + fs::path(h->path).parent_path().string() : h->seriesUid;
      const std::string key = h->patient.id + '\x1f' + h->patient.name + '\x1f' + h->study.studyUid + '\x1f' + series;
      auto [it, fresh] = groups.try_emplace(key);
      if (fresh) order.push_back(key);
      it->second.files.push_back(static_cast<int>(i));
    }
    for (const auto& key : order) planGroup(groups[key].files);
  }

  void planGroup(std::vector<int> files) {
    // Dominant image size (by frame count); files of another size cannot share the volume.
    std::map<std::tuple<int, int, int>, int> sizes;
    for (int f : files) sizes[{m_headers[f]->rows, m_headers[f]->cols, m_headers[f]->samples}] += m_headers[f]->frames;
    const auto dominant =
        std::max_element(sizes.begin(), sizes.end(), [](const auto& a, const auto& b) { return a.second < b.second; })->first;
    std::vector<int> kept;
    for (int f : files) {
      const auto& h = *m_headers[f];
      if (std::make_tuple(h.rows, h.cols, h.samples) != dominant) {
        issue(Sev::Error, h.path,
              "image size " + std::to_string(h.cols) + "x" + std::to_string(h.rows) + " differs from the " +
                  std::to_string(std::get<1>(dominant)) + "x" + std::to_string(std::get<0>(dominant)) +
                  " of the rest of " + (h.seriesUid.empty() ? std::string("its series") : "series " + h.seriesUid) + "; file skipped");
        m_headers[f]->file.reset();
        continue;
      }
      kept.push_back(f);
    }
    files = std::move(kept);

    std::vector<SliceRef> positioned, unpositioned;
    for (int f : files)
      for (int k = 0; k < m_headers[f]->frames; ++k) {
        const auto& fh = m_headers[f]->frameHeaders[k];
        (fh.hasIpp && fh.hasIop ? positioned : unpositioned).push_back(SliceRef{f, k, 0.0});
      }
    if (!positioned.empty()) {
      std::set<int> skipped;
      for (const auto& s : unpositioned) skipped.insert(s.file);
      for (int f : skipped)
        issue(Sev::Warning, m_headers[f]->path,
              "no ImagePositionPatient/ImageOrientationPatient unlike the rest of its series; skipped");
      planPositioned(std::move(positioned));
      return;
    }
    // No spatial positions: each file is its own image (radiographs, secondary captures, cine loops).
    std::sort(files.begin(), files.end(), [&](int a, int b) {
      return std::make_pair(m_headers[a]->instanceNumber, m_headers[a]->path) <
             std::make_pair(m_headers[b]->instanceNumber, m_headers[b]->path);
    });
    for (std::size_t i = 0; i < files.size(); ++i) planUnpositioned(files[i], i, files.size());
  }

  void fillInfo(Plan& plan, const FileHeader& h) {
    plan.patient = h.patient;
    plan.study = h.study;
    auto& info = plan.info;
    info.seriesUid = h.seriesUid;
    info.studyUid = h.study.studyUid;
    info.frameOfReferenceUid = h.frameOfReferenceUid;
    info.sopClassUid = h.sopClassUid;
    info.modality = h.modality;
    info.description = h.seriesDescription;
    info.bodyPart = h.bodyPart;
    info.patientPosition = h.patientPosition;
    info.viewPosition = h.viewPosition;
    info.date = h.seriesDate;
    info.time = h.seriesTime;
    info.seriesNumber = h.seriesNumber;
    info.pixelSpacingSource = h.spacingSource;
    info.distanceSourceToDetector = h.distanceSourceToDetector;
    info.distanceSourceToPatient = h.distanceSourceToPatient;
    info.sourceFormat = "DICOM";
    if (h.modality == "CT" || h.rescaleType == "HU") info.units = "HU";
    const FrameHeader& f = h.frameHeaders[plan.slices.front().frame];
    info.windowCenter = f.windowCenter;
    info.windowWidth = f.windowWidth;
    std::set<std::string> seen;
    for (const auto& s : plan.slices) {
      const auto& hs = *m_headers[s.file];
      if (seen.insert(hs.path).second) {
        info.files.push_back(hs.path);
        info.sopInstanceUids.push_back(hs.sopInstanceUid);
      }
    }
    if (h.decoder == Decoder::Gdcm || h.decoder == Decoder::DicomImage || h.samples == 3) {
      if (h.samples == 3 || h.photometric == "PALETTE COLOR")
        info.problems.push_back("colour image (" + h.photometric + ") shown as greyscale luminance");
    }
    if (!h.study.studyUid.empty() && h.seriesUid.empty()) info.problems.push_back("SeriesInstanceUID missing");
  }

  void finishPlan(std::unique_ptr<Plan> plan) {
    choosePixelType(*plan, m_headers);
    const FileHeader& h0 = *m_headers[plan->slices.front().file];
    if (h0.photometric == "MONOCHROME1" && plan->info.windowCenter && h0.decoder != Decoder::DicomImage) {
      // The window was given for the stored (inverted) values; mirror it with the values.
      const FrameHeader& f = h0.frameHeaders[plan->slices.front().frame];
      const int bits = std::clamp(h0.bitsStored, 1, 32);
      const double sMin = h0.isSigned ? -std::ldexp(1.0, bits - 1) : 0.0;
      const double sMax = h0.isSigned ? std::ldexp(1.0, bits - 1) - 1 : std::ldexp(1.0, bits) - 1;
      plan->info.windowCenter = (sMin + sMax) * f.slope + 2 * f.intercept - *plan->info.windowCenter;
    }
    if (plan->info.seriesUid.empty())
      plan->info.seriesUid = uidFromText("series-without-uid:" + fs::path(h0.path).parent_path().string());
    if (plan->info.studyUid.empty()) {
      plan->info.studyUid = uidFromText("study-without-uid:" + plan->info.seriesUid);
      plan->study.studyUid = plan->info.studyUid;
    }
    m_plans.push_back(std::move(plan));
  }

  void planPositioned(std::vector<SliceRef> slices) {
    // Keep the dominant orientation; other orientations (scouts) cannot share the volume.
    const FrameHeader& ref = frame(slices.front());
    std::vector<SliceRef> same, other;
    for (const auto& s : slices) {
      const FrameHeader& f = frame(s);
      (f.row.dot(ref.row) > 0.9999 && f.col.dot(ref.col) > 0.9999 ? same : other).push_back(s);
    }
    if (other.size() > same.size()) std::swap(same, other);
    std::set<int> otherFiles;
    for (const auto& s : other) otherFiles.insert(s.file);
    for (int f : otherFiles)
      issue(Sev::Warning, m_headers[f]->path, "image orientation differs from the rest of its series; skipped");
    slices = std::move(same);

    const FrameHeader& f0 = frame(slices.front());
    const Vec3 normal = f0.row.cross(f0.col).normalized();
    for (auto& s : slices) s.distance = frame(s).ipp.dot(normal);
    std::sort(slices.begin(), slices.end(), [&](const SliceRef& a, const SliceRef& b) {
      if (std::abs(a.distance - b.distance) > 1e-4) return a.distance < b.distance;
      const auto ka = std::make_tuple(frame(a).order, m_headers[a.file]->instanceNumber, m_headers[a.file]->path, a.frame);
      const auto kb = std::make_tuple(frame(b).order, m_headers[b.file]->instanceNumber, m_headers[b.file]->path, b.frame);
      return ka < kb;
    });

    auto plan = std::make_unique<Plan>();
    std::vector<std::string> problems;
    // Several frames at one position (echoes, phases, b-values): keep the first at each position.
    std::vector<SliceRef> unique;
    for (const auto& s : slices)
      if (unique.empty() || std::abs(s.distance - unique.back().distance) > 1e-3) unique.push_back(s);
    if (unique.size() < slices.size()) {
      problems.push_back(std::to_string(slices.size() - unique.size()) + " of " + std::to_string(slices.size()) +
                         " images share a slice position with another (several echoes, phases or time points?); "
                         "only the first image at each position is shown");
    }
    slices = std::move(unique);
    plan->slices = slices;

    core::Geometry& g = plan->geometry;
    const FileHeader& h0 = *m_headers[slices.front().file];
    g.size = {h0.cols, h0.rows, static_cast<std::int64_t>(slices.size())};
    g.origin = frame(slices.front()).ipp;
    g.direction.col(0) = f0.row;
    g.direction.col(1) = f0.col;
    g.direction.col(2) = normal;
    const FrameHeader& first = frame(slices.front());
    g.spacingKnown = first.hasSpacing;
    g.spacing = Vec3(first.colSpacing, first.rowSpacing, 1.0);
    for (const auto& s : slices) {
      const FrameHeader& f = frame(s);
      if (std::abs(f.rowSpacing - first.rowSpacing) > 1e-4 || std::abs(f.colSpacing - first.colSpacing) > 1e-4) {
        problems.push_back("pixel spacing differs between slices; the first slice's spacing is used");
        break;
      }
    }
    if (slices.size() >= 2) {
      std::vector<double> gaps;
      for (std::size_t i = 1; i < slices.size(); ++i) gaps.push_back(slices[i].distance - slices[i - 1].distance);
      const double step = median(gaps);
      g.spacing.z() = step > 1e-6 ? step : 1.0;
      double minGap = *std::min_element(gaps.begin(), gaps.end()), maxGap = *std::max_element(gaps.begin(), gaps.end());
      int missing = 0;
      for (double gap : gaps)
        if (gap > 1.5 * step) missing += static_cast<int>(std::lround(gap / step)) - 1;
      if (missing > 0)
        problems.push_back("missing slices: about " + std::to_string(missing) + " slice(s) absent (largest gap " +
                           mm(maxGap) + " mm, usual spacing " + mm(step) + " mm)");
      const double tolerance = std::max(0.01, 0.01 * step);
      if (maxGap - step > tolerance || step - minGap > tolerance)
        problems.push_back("uneven slice spacing: gaps from " + mm(minGap) + " to " + mm(maxGap) + " mm; the volume uses " +
                           mm(step) + " mm, so positions along the stack are approximate");
      const Vec3 span = frame(slices.back()).ipp - frame(slices.front()).ipp;
      const double along = span.dot(normal);
      const Vec3 across = span - along * normal;
      if (across.norm() > 0.01 + 1e-3 * std::abs(along)) {
        const double angle = std::atan2(across.norm(), std::abs(along)) * 180.0 / M_PI;
        problems.push_back("gantry tilt / sheared stack: slices shift " + mm(across.norm()) + " mm sideways over the stack (" +
                           mm(angle) + " degrees" +
                           (h0.gantryTilt != 0.0 ? ", GantryDetectorTilt " + mm(h0.gantryTilt) : std::string()) +
                           "); the volume is not de-sheared, so 3D positions are off by up to that amount");
      }
    } else {
      const double t = h0.spacingBetweenSlices > 0 ? h0.spacingBetweenSlices : first.thickness;
      g.spacing.z() = t > 0 ? t : 1.0;
    }
    if (h0.framePositionsDerived)
      problems.push_back("frame positions derived from the first frame and SpacingBetweenSlices");
    fillInfo(*plan, h0);
    if (!g.spacingKnown) {
      plan->info.pixelSpacingSource = "none";
      problems.push_back("no pixel spacing in the file: sizes are in pixels");
    }
    for (auto& p : problems) plan->info.problems.push_back(std::move(p));
    finishPlan(std::move(plan));
  }

  void planUnpositioned(int file, std::size_t index, std::size_t count) {
    const FileHeader& h = *m_headers[file];
    auto plan = std::make_unique<Plan>();
    for (int k = 0; k < h.frames; ++k) plan->slices.push_back(SliceRef{file, k, 0.0});
    core::Geometry& g = plan->geometry;
    const FrameHeader& f = h.frameHeaders.front();
    g.size = {h.cols, h.rows, h.frames};
    g.spacingKnown = f.hasSpacing;
    g.spacing = Vec3(f.colSpacing, f.rowSpacing, 1.0);
    if (f.hasIop) {
      g.direction.col(0) = f.row;
      g.direction.col(1) = f.col;
      g.direction.col(2) = f.row.cross(f.col);
    } else if (h.orientationFromLetters) {
      g.direction = *h.orientationFromLetters;
    }
    if (f.hasIpp) g.origin = f.ipp;
    fillInfo(*plan, h);
    if (h.frames > 1) {
      const double t = h.spacingBetweenSlices > 0 ? h.spacingBetweenSlices : f.thickness;
      g.spacing.z() = t > 0 ? t : 1.0;
      plan->info.problems.push_back(std::to_string(h.frames) +
                                    " frames without spatial positions (cine or time series?); stacked in frame order");
    }
    if (!g.spacingKnown) plan->info.pixelSpacingSource = "none";
    if (count > 1 && index > 0) {
      // One series holding several separate 2D images: each becomes its own series entry, keyed by
      // its SOP Instance UID so that annotations stay attached to the right image.
      plan->info.problems.push_back("series " + h.seriesUid + " holds " + std::to_string(count) +
                                    " separate images; this one is listed under its SOP Instance UID");
      plan->info.seriesUid = h.sopInstanceUid.empty() ? uidFromText("image:" + h.path) : h.sopInstanceUid;
    }
    finishPlan(std::move(plan));
  }

  const FrameHeader& frame(const SliceRef& s) const { return m_headers[s.file]->frameHeaders[s.frame]; }

  struct Task {
    Plan* plan;
    int file;
    std::vector<std::pair<int, std::int64_t>> frames;  // frame number, destination slice
  };

  std::vector<Task> buildTasks(const std::vector<Plan*>& plans) {
    std::vector<Task> tasks;
    for (Plan* plan : plans) {
      // One task per file; multi-frame files read with pread are cut into chunks of frames so that a
      // single enhanced CT/MR file still decodes on every thread.
      constexpr std::size_t kFramesPerChunk = 16;
      std::map<int, std::size_t> byFile;
      for (std::size_t k = 0; k < plan->slices.size(); ++k) {
        const auto& s = plan->slices[k];
        auto it = byFile.find(s.file);
        if (it == byFile.end() ||
            (m_headers[s.file]->directCandidate && tasks[it->second].frames.size() >= kFramesPerChunk)) {
          it = byFile.insert_or_assign(s.file, tasks.size()).first;
          tasks.push_back(Task{plan, s.file, {}});
        }
        tasks[it->second].frames.emplace_back(s.frame, static_cast<std::int64_t>(k));
      }
    }
    return tasks;
  }

  /// Allocates a plan's volume within the loader's memory ceiling; false (with an issue naming the series' first
  /// file) when it would not fit, so the other series still load.
  bool allocate(Plan& p) {
    const std::string& file = m_headers[static_cast<std::size_t>(p.slices.front().file)]->path;
    const std::uint64_t bytes = static_cast<std::uint64_t>(p.geometry.voxelCount()) * core::bytesPerPixel(p.type);
    const std::uint64_t limit = maxImageBytes(m_context.options());
    if (bytes > limit) {
      issue(Sev::Error, file,
            "series " + p.info.seriesUid + " would need " + gib(bytes) + " GiB, above the loader's limit of " + gib(limit) +
                " GiB (LoadOptions::maxImageBytes); not loaded");
      return false;
    }
    try {
      p.image = core::Image::createUninitialised(p.geometry, p.type);
    } catch (const std::bad_alloc&) {
      issue(Sev::Error, file, "not enough memory for series " + p.info.seriesUid + " (" + gib(bytes) + " GiB); not loaded");
      return false;
    }
    adviseHugePages(*p.image);
    return true;
  }

  void decodeAll() {
    std::vector<Plan*> plans;
    for (auto& p : m_plans) {
      if (!allocate(*p)) {
        p->failed = static_cast<int>(p->slices.size());
        continue;
      }
      plans.push_back(p.get());
    }
    runTasks(buildTasks(plans), m_context.sub(0.3, 0.95));
    // Rare: values that did not fit the integer type chosen from the header; read those again as float.
    std::vector<Plan*> redo;
    for (auto& p : m_plans)
      if (p->overflow) {
        p->type = core::PixelType::Float32;
        p->mayOverflow = false;
        p->overflow = false;
        p->failed = 0;
        p->image.reset();
        if (!allocate(*p)) {
          p->failed = static_cast<int>(p->slices.size());
          continue;
        }
        redo.push_back(p.get());
      }
    if (!redo.empty()) runTasks(buildTasks(redo), m_context.sub(0.95, 1.0));
    for (auto& h : m_headers)
      if (h) h->file.reset();
  }

  void runTasks(const std::vector<Task>& tasks, const LoadContext& context) {
    parallelFor(tasks.size(), context, "Decoding", [&](std::size_t i) { runTask(tasks[i]); });
  }

  void runTask(const Task& task) {
    FileHeader& h = *m_headers[task.file];
    Plan& plan = *task.plan;
    const std::size_t sliceBytes =
        static_cast<std::size_t>(plan.geometry.size[0] * plan.geometry.size[1]) * core::bytesPerPixel(plan.type);
    auto* base = static_cast<std::byte*>(plan.image->data());
    try {
      if (h.directCandidate) {  // immutable after parsing: safe to test without the lock
        try {
          if (decodeNativeDirect(h, plan, task.frames, base, sliceBytes, h.nativeLength, h.frameSize)) return;
        } catch (const std::exception&) {
          // fall through to the DCMTK path below, which reports its own reason
        }
      }
      std::lock_guard<std::mutex> lock(h.mutex);
      // DCMTK first; GDCM reads the file afresh with its own codecs when DCMTK refuses a compressed stream (odd
      // codec parameters); OpenJPEG last for JPEG 2000 / HTJ2K GDCM cannot read. Native data DCMTK rejected is
      // never retried: the rejection stands (GDCM's raw path has crashed on exactly those files).
      std::vector<Decoder> chain{h.decoder};
      const bool native = DcmXfer(h.xfer).isNotEncapsulated() && h.xfer != EXS_DeflatedLittleEndianExplicit;
      if ((h.decoder == Decoder::Dcmtk || h.decoder == Decoder::DicomImage) && !native) chain.push_back(Decoder::Gdcm);
      std::string errors;
      bool done = false;
      for (Decoder decoder : chain) {
        h.decoder = decoder;
        try {
          decodeFile(h, plan, task.frames, base, sliceBytes);
          done = true;
          break;
        } catch (const std::exception& e) {
          errors += (errors.empty() ? "" : "; ") + std::string(e.what());
        }
      }
      if (!done) throw DecodeError(errors);
    } catch (const std::exception& e) {
      for (const auto& [frameNo, k] : task.frames) std::memset(base + k * sliceBytes, 0, sliceBytes);
      plan.failed += static_cast<int>(task.frames.size());
      issue(Sev::Error, h.path, std::string("pixel data could not be decoded: ") + e.what());
    }
  }

  Conversion conversionFor(const FileHeader& h, const FrameHeader& f, const Plan& plan, int bitsStored, int bitsAllocated,
                           int highBit, bool isSigned, const std::string& photometric) const {
    Conversion c;
    c.slope = f.slope;
    c.intercept = f.intercept;
    c.mayOverflow = plan.mayOverflow;
    const int bits = std::clamp(bitsStored, 1, bitsAllocated);
    const int shift = std::clamp(highBit + 1 - bits, 0, bitsAllocated - bits);
    // Signed data narrower than its container must be sign-extended; unsigned data is only masked
    // when shifted (tolerates files whose BitsStored understates the values).
    if (bits < bitsAllocated && (isSigned || shift > 0)) {
      c.maskBits = bits;
      c.signExtend = isSigned;
      c.shift = shift;
    }
    if (photometric == "MONOCHROME1") {
      c.invert = true;
      c.invertSum = isSigned ? -1.0 : std::ldexp(1.0, bits) - 1.0;
    }
    if (h.samples == 3) c.slope = 1.0, c.intercept = 0.0;
    return c;
  }

  static SampleType sampleType(int bitsAllocated, bool isSigned) {
    switch (bitsAllocated) {
      case 8: return isSigned ? SampleType::Int8 : SampleType::UInt8;
      case 16: return isSigned ? SampleType::Int16 : SampleType::UInt16;
      default: return isSigned ? SampleType::Int32 : SampleType::UInt32;
    }
  }

  void store(Plan& plan, const RawFrame& raw, const Conversion& c, std::byte* dst) {
    if (!convertFrame(raw, c, dst, plan.type)) plan.overflow = true;
  }

  // Little-endian native pixel data that ends the file (the usual layout) is read with pread straight
  // into the volume and rescaled in place: one copy, like a plain read of the file. The element
  // header in front of the value is checked first; anything unusual goes through DCMTK instead.
  bool decodeNativeDirect(const FileHeader& h, Plan& plan, const std::vector<std::pair<int, std::int64_t>>& frames,
                          std::byte* base, std::size_t sliceBytes, Uint32 valueLength, Uint32 frameSize) {
    if ((h.xfer != EXS_LittleEndianExplicit && h.xfer != EXS_LittleEndianImplicit) || h.samples != 1 ||
        (h.bitsAllocated != 8 && h.bitsAllocated != 16) || valueLength == 0 || valueLength == DCM_UndefinedLength)
      return false;
    const int fd = ::open(h.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    struct FdCloser {
      int fd;
      ~FdCloser() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(valueLength) + 12) return false;
    const off_t valueOffset = st.st_size - static_cast<off_t>(valueLength);
    unsigned char head[12];
    if (::pread(fd, head, sizeof head, valueOffset - 12) != 12) return false;
    auto u32 = [](const unsigned char* p) {
      return static_cast<Uint32>(p[0]) | static_cast<Uint32>(p[1]) << 8 | static_cast<Uint32>(p[2]) << 16 |
             static_cast<Uint32>(p[3]) << 24;
    };
    const bool explicitOk = h.xfer == EXS_LittleEndianExplicit && std::memcmp(head, "\xe0\x7f\x10\x00", 4) == 0 &&
                            head[4] == 'O' && (head[5] == 'W' || head[5] == 'B') && head[6] == 0 && head[7] == 0 &&
                            u32(head + 8) == valueLength;
    const bool implicitOk = h.xfer == EXS_LittleEndianImplicit && std::memcmp(head + 4, "\xe0\x7f\x10\x00", 4) == 0 &&
                            u32(head + 8) == valueLength;
    if (!explicitOk && !implicitOk) return false;
    if (static_cast<std::uint64_t>(frameSize) * static_cast<std::uint64_t>(h.frames) > valueLength)
      throw DecodeError("pixel data shorter than NumberOfFrames x frame size (truncated file?)");
    const std::int64_t pixels = static_cast<std::int64_t>(h.rows) * h.cols;
    const SampleType stored = sampleType(h.bitsAllocated, h.isSigned);
    const bool sameWidth = static_cast<int>(core::bytesPerPixel(plan.type)) == h.bitsAllocated / 8 &&
                           static_cast<std::size_t>(frameSize) == sliceBytes;
    thread_local std::vector<char> scratch;
    for (const auto& [frameNo, k] : frames) {
      std::byte* dst = base + k * sliceBytes;
      const Conversion c =
          conversionFor(h, h.frameHeaders[frameNo], plan, h.bitsStored, h.bitsAllocated, h.highBit, h.isSigned, h.photometric);
      // Whether the conversion can run in place decides where the bytes go.
      const bool direct = sameWidth && c.maskBits == 0 && !c.invert;
      char* target = reinterpret_cast<char*>(dst);
      if (!direct) {
        if (scratch.size() < frameSize) scratch.resize(frameSize);
        target = scratch.data();
      }
      std::size_t done = 0;
      const off_t at = valueOffset + static_cast<off_t>(frameNo) * frameSize;
      while (done < frameSize) {
        const ssize_t got = ::pread(fd, target + done, frameSize - done, at + static_cast<off_t>(done));
        if (got <= 0) throw DecodeError("pixel data could not be read (truncated file?)");
        done += static_cast<std::size_t>(got);
      }
      if (direct) {
        if (auto ok = convertInPlace(dst, pixels, stored, c, plan.type)) {
          if (!*ok) plan.overflow = true;
          continue;
        }
        // Not convertible in place after all (non-integral rescale): move the bytes aside first.
        if (scratch.size() < frameSize) scratch.resize(frameSize);
        std::memcpy(scratch.data(), dst, frameSize);
        target = scratch.data();
      }
      RawFrame raw{target, stored, pixels, 1, false, false};
      store(plan, raw, c, dst);
    }
    return true;
  }

  void decodeFile(FileHeader& h, Plan& plan, const std::vector<std::pair<int, std::int64_t>>& frames, std::byte* base,
                  std::size_t sliceBytes) {
    if (!h.file) throw DecodeError("file header no longer available");
    DcmDataset* ds = h.file->getDataset();
    const std::int64_t pixels = static_cast<std::int64_t>(h.rows) * h.cols;
    thread_local std::vector<char> scratch;
    switch (h.decoder) {
      case Decoder::Dcmtk: {
        DcmElement* element = nullptr;
        if (ds->findAndGetElement(DCM_PixelData, element).bad() || !element) throw DecodeError("no PixelData element");
        auto* pixelData = dynamic_cast<DcmPixelData*>(element);
        if (!pixelData) throw DecodeError("PixelData element has an unexpected type");
        Uint32 frameSize = 0;
        if (pixelData->getUncompressedFrameSize(ds, frameSize).bad() || frameSize == 0)
          throw DecodeError("cannot compute the frame size");
        const bool native = DcmXfer(h.xfer).isNotEncapsulated();
        if (native && pixelData->getLength(h.xfer) < static_cast<Uint32>(h.frames) * frameSize)
          throw DecodeError("pixel data shorter than " + std::to_string(h.frames) + " frame(s) of " +
                            std::to_string(frameSize) + " bytes (truncated file?)");
        DcmFileCache cache;
        Uint32 startFragment = 0;
        std::vector<std::pair<int, std::int64_t>> ordered = frames;
        std::sort(ordered.begin(), ordered.end());
        int previous = -1;
        for (const auto& [frameNo, k] : ordered) {
          const FrameHeader& f = h.frameHeaders[frameNo];
          if (frameNo != previous + 1) startFragment = 0;  // let the codec find the fragment itself
          previous = frameNo;
          const std::size_t need = frameSize + (frameSize & 1u);
          if (scratch.size() < need) scratch.resize(need);
          OFString colourModel;
          const OFCondition status = pixelData->getUncompressedFrame(ds, static_cast<Uint32>(frameNo), startFragment,
                                                                     scratch.data(), static_cast<Uint32>(need), colourModel, &cache);
          if (status.bad()) throw DecodeError(status.text());
          const std::string model = colourModel.empty() ? h.photometric : std::string(colourModel.c_str());
          RawFrame raw{scratch.data(), sampleType(h.bitsAllocated, h.isSigned), pixels, h.samples,
                       h.planar && native, isLumaFirst(model)};
          store(plan, raw, conversionFor(h, f, plan, h.bitsStored, h.bitsAllocated, h.highBit, h.isSigned, model), base + k * sliceBytes);
        }
        return;
      }
      case Decoder::Gdcm: {
        // GDCM asserts (aborts) on bit depths that are not whole bytes; never hand it those.
        if (h.bitsAllocated % 8 != 0)
          throw DecodeError("BitsAllocated " + std::to_string(h.bitsAllocated) + " in transfer syntax " +
                            h.transferSyntaxUid + " is not supported");
        // GDCM asserts (aborts) and has corrupted memory on hostile streams: it decodes in a child process.
        GdcmPixels decoded = decodeWithGdcm(h.path, h.transferSyntaxUid);
        std::string buffer = std::move(decoded.buffer);
        int bitsAllocated = decoded.bitsAllocated;
        int bitsStored = decoded.bitsStored, highBit = decoded.highBit;
        if (bitsAllocated == 1) {
          // Bit-packed (segmentations): frames follow each other without byte alignment, LSB first.
          std::string unpacked(static_cast<std::size_t>(pixels) * static_cast<std::size_t>(h.frames), '\0');
          for (std::size_t i = 0; i < unpacked.size() && i / 8 < buffer.size(); ++i)
            unpacked[i] = static_cast<char>((static_cast<unsigned char>(buffer[i / 8]) >> (i % 8)) & 1u);
          buffer.swap(unpacked);
          bitsAllocated = 8, bitsStored = 8, highBit = 7;
        }
        if (bitsAllocated != 8 && bitsAllocated != 16 && bitsAllocated != 32)
          throw DecodeError("unsupported decoded bit depth " + std::to_string(bitsAllocated));
        const int samples = decoded.samples;
        const std::size_t frameBytes = static_cast<std::size_t>(pixels) * samples * (bitsAllocated / 8);
        std::string model = decoded.photometric;
        // GDCM's codecs may report a single-component stream as MONOCHROME2; the header's MONOCHROME1 (common on
        // CR films) must still be honoured or the film shows as a negative.
        if (model.rfind("MONOCHROME", 0) == 0 && h.photometric == "MONOCHROME1") model = h.photometric;
        for (const auto& [frameNo, k] : frames) {
          if ((static_cast<std::size_t>(frameNo) + 1) * frameBytes > buffer.size())
            throw DecodeError("decoded pixel data shorter than expected");
          RawFrame raw{buffer.data() + frameNo * frameBytes, sampleType(bitsAllocated, decoded.isSigned),
                       pixels, samples, decoded.planar, isLumaFirst(model)};
          store(plan, raw,
                conversionFor(h, h.frameHeaders[frameNo], plan, bitsStored, bitsAllocated, highBit,
                              decoded.isSigned, model),
                base + k * sliceBytes);
        }
        return;
      }
      case Decoder::OpenJpeg: {
        if (!isJpeg2000(h.transferSyntaxUid)) throw DecodeError("not a JPEG 2000 transfer syntax");
        const auto codestreams = encapsulatedFrames(h.path, h.frames, h.fragmentSpans);
        for (const auto& [frameNo, k] : frames) {
          if (frameNo >= static_cast<int>(codestreams.size())) throw DecodeError("fewer compressed frames than NumberOfFrames");
          const auto& bytes = codestreams[static_cast<std::size_t>(frameNo)];
          const J2kFrame j2k = decodeJpeg2000(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), h.cols, h.rows);
          if (j2k.width != h.cols || j2k.height != h.rows || (j2k.components != 1 && j2k.components != 3))
            throw DecodeError("JPEG 2000 frame does not match Rows/Columns/SamplesPerPixel");
          RawFrame raw{j2k.data.data(), SampleType::Int32, pixels, j2k.components, true, false};
          Conversion c = conversionFor(h, h.frameHeaders[frameNo], plan, j2k.precision, 32, j2k.precision - 1,
                                       j2k.isSigned, h.photometric);
          store(plan, raw, c, base + k * sliceBytes);
        }
        return;
      }
      case Decoder::FloatData: {
        const bool isDouble = ds->tagExists(DCM_DoubleFloatPixelData);
        const Float32* f32 = nullptr;
        const Float64* f64 = nullptr;
        unsigned long count = 0;
        const OFCondition status = isDouble ? ds->findAndGetFloat64Array(DCM_DoubleFloatPixelData, f64, &count)
                                            : ds->findAndGetFloat32Array(DCM_FloatPixelData, f32, &count);
        if (status.bad()) throw DecodeError(status.text());
        for (const auto& [frameNo, k] : frames) {
          if ((static_cast<unsigned long>(frameNo) + 1) * static_cast<unsigned long>(pixels) > count)
            throw DecodeError("float pixel data shorter than expected");
          const void* data = isDouble ? static_cast<const void*>(f64 + frameNo * pixels)
                                      : static_cast<const void*>(f32 + frameNo * pixels);
          RawFrame raw{data, isDouble ? SampleType::Float64 : SampleType::Float32, pixels, 1, false, false};
          Conversion c;
          c.mayOverflow = false;
          store(plan, raw, c, base + k * sliceBytes);
        }
        return;
      }
      case Decoder::DicomImage: {
        for (const auto& [frameNo, k] : frames) {
          // Partial access avoids loading all frames; deflated or in-memory data needs the plain mode.
          auto image = std::make_unique<DicomImage>(ds, h.xfer, CIF_UsePartialAccessToPixelData,
                                                    static_cast<unsigned long>(frameNo), 1);
          if (image->getStatus() != EIS_Normal)
            image = std::make_unique<DicomImage>(ds, h.xfer, 0, static_cast<unsigned long>(frameNo), 1);
          if (image->getStatus() != EIS_Normal) throw DecodeError(DicomImage::getString(image->getStatus()));
          std::unique_ptr<DicomImage> mono;
          DicomImage* use = image.get();
          if (!image->isMonochrome()) {
            mono.reset(image->createMonochromeImage());
            if (!mono || mono->getStatus() != EIS_Normal) throw DecodeError("colour to greyscale conversion failed");
            use = mono.get();
          }
          const DiPixel* px = use->getInterData();
          if (!px || !px->getData() || px->getCount() < static_cast<unsigned long>(pixels))
            throw DecodeError("no decoded pixel data");
          SampleType type = SampleType::UInt16;
          switch (px->getRepresentation()) {
            case EPR_Uint8: type = SampleType::UInt8; break;
            case EPR_Sint8: type = SampleType::Int8; break;
            case EPR_Uint16: type = SampleType::UInt16; break;
            case EPR_Sint16: type = SampleType::Int16; break;
            case EPR_Uint32: type = SampleType::UInt32; break;
            case EPR_Sint32: type = SampleType::Int32; break;
          }
          Conversion c;
          c.mayOverflow = true;
          if (h.photometric == "MONOCHROME1") {
            double lo = 0, hi = 0;
            if (use->getMinMaxValues(lo, hi, 1)) {
              c.invert = true;
              c.invertSum = lo + hi;
            }
          }
          RawFrame raw{px->getData(), type, pixels, 1, false, false};
          store(plan, raw, c, base + k * sliceBytes);
        }
        return;
      }
    }
  }

  core::LoadResult assemble() {
    for (auto& plan : m_plans) {
      if (plan->failed >= static_cast<int>(plan->slices.size())) continue;  // nothing decodable: issues say why
      if (plan->failed > 0)
        plan->info.problems.push_back(std::to_string(plan->failed.load()) + " slice(s) could not be decoded and are shown black");
      if (isBlankImage(*plan->image)) plan->info.problems.push_back(kBlankImageProblem);
      auto series = std::make_shared<core::Series>();
      series->info = std::move(plan->info);
      series->image = std::move(plan->image);
      auto p = std::find_if(m_result.patients.begin(), m_result.patients.end(), [&](const core::Patient& x) {
        return x.info.id == plan->patient.id && x.info.name == plan->patient.name;
      });
      if (p == m_result.patients.end()) {
        m_result.patients.push_back(core::Patient{plan->patient, {}});
        p = std::prev(m_result.patients.end());
      }
      auto s = std::find_if(p->studies.begin(), p->studies.end(),
                            [&](const core::Study& x) { return x.info.studyUid == plan->study.studyUid; });
      if (s == p->studies.end()) {
        p->studies.push_back(core::Study{plan->study, {}});
        s = std::prev(p->studies.end());
      }
      s->series.push_back(std::move(series));
    }
    return std::move(m_result);
  }

  const std::vector<std::string>& m_files;
  const LoadContext& m_context;
  std::vector<std::unique_ptr<FileHeader>> m_headers;
  std::vector<std::unique_ptr<Plan>> m_plans;
  core::LoadResult m_result;
  std::mutex m_mutex;
};

}  // namespace

void registerDicomCodecs() {
  static std::once_flag once;
  std::call_once(once, [] {
    DJDecoderRegistration::registerCodecs();
    DJLSDecoderRegistration::registerCodecs();
    DcmRLEDecoderRegistration::registerCodecs();
    // Odd files are reported as LoadIssues; keep the libraries' own console chatter down.
    OFLog::configure(OFLogger::FATAL_LOG_LEVEL);
    // GDCM's dictionaries are built on first use; do that here, once, before decoder threads race.
    (void)gdcm::Global::GetInstance().GetDicts();
    gdcm::Trace::SetWarning(false);
    gdcm::Trace::SetDebug(false);
    gdcm::Trace::SetError(false);
  });
}

bool isDicomDir(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  return name == "DICOMDIR";
}

std::vector<std::string> dicomDirFiles(const std::string& dicomdir, std::vector<core::LoadIssue>& issues) {
  registerDicomCodecs();
  std::vector<std::string> files;
  DcmFileFormat file;
  const OFCondition status = file.loadFile(OFFilename(dicomdir.c_str()), EXS_Unknown, EGL_noChange, kLazyReadLength);
  if (status.bad()) {
    issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir, std::string("unreadable DICOMDIR: ") + status.text()});
    return files;
  }
  DcmSequenceOfItems* records = nullptr;
  if (file.getDataset()->findAndGetSequence(DCM_DirectoryRecordSequence, records).bad() || !records) {
    issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir, "DICOMDIR without directory records"});
    return files;
  }
  const fs::path root = fs::path(dicomdir).parent_path();
  std::set<std::string> seen;
  for (unsigned long i = 0; i < records->card(); ++i) {
    OFString id;
    if (records->getItem(i)->findAndGetOFStringArray(DCM_ReferencedFileID, id).bad() || id.empty()) continue;
    // Resolve component by component, case-insensitively (media IDs are upper case).
    fs::path p = root;
    std::stringstream parts(id.c_str());
    std::string part;
    bool found = true;
    bool confined = true;
    while (std::getline(parts, part, '\\')) {
      while (!part.empty() && part.back() == ' ') part.pop_back();
      if (part.empty()) continue;
      // A file ID names a file below the DICOMDIR's folder (PS3.10: components of up to 8 characters): never a
      // parent, the root or a path with its own separators.
      if (part == "." || part == ".." || part.find('/') != std::string::npos || fs::path(part).is_absolute()) {
        confined = false;
        break;
      }
      fs::path next = p / part;
      std::error_code ec;
      if (!fs::exists(next, ec)) {
        found = false;
        for (const auto& entry : fs::directory_iterator(p, ec)) {
          std::string a = entry.path().filename().string(), b = part;
          std::transform(a.begin(), a.end(), a.begin(), ::toupper);
          std::transform(b.begin(), b.end(), b.begin(), ::toupper);
          if (a == b) {
            next = entry.path();
            found = true;
            break;
          }
        }
        if (!found) break;
      }
      p = next;
    }
    if (confined && found) {
      // Symbolic links may still lead out of the folder: compare where the file really is.
      std::error_code ec;
      const fs::path real = fs::weakly_canonical(p, ec), base = fs::weakly_canonical(root.empty() ? "." : root, ec);
      const auto rel = real.lexically_relative(base);
      confined = !ec && !rel.empty() && *rel.begin() != "..";
    }
    if (!confined) {
      issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir,
                                       std::string("ReferencedFileID \"") + id.c_str() +
                                           "\" points outside the DICOMDIR's folder; not opened"});
      continue;
    }
    if (!found) {
      issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, (root / id.c_str()).string(),
                                       "file listed in DICOMDIR not found"});
      continue;
    }
    if (seen.insert(p.string()).second) files.push_back(p.string());
  }
  return files;
}

core::LoadResult loadDicomFiles(const std::vector<std::string>& files, const LoadContext& context) {
  DicomLoader loader(files, context);
  return loader.run();
}

}  // namespace openrad::io::detail
