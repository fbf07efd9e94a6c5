#include "DicomHeader.h"
#include "DicomStructure.h"

#include <dcmtk/dcmdata/dccodec.h>
#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcmetinf.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmdata/dcrledrg.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djdecode.h>
#include <dcmtk/dcmjpls/djdecode.h>
#include <dcmtk/oflog/oflog.h>
#include <gdcmGlobal.h>
#include <gdcmTrace.h>

#include <Eigen/Geometry>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace openrad::io::detail {
namespace {

namespace fs = std::filesystem;
using Vec3 = Eigen::Vector3d;

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
      case 'L':
        v.x() += 1;
        break;
      case 'R':
        v.x() -= 1;
        break;
      case 'P':
        v.y() += 1;
        break;
      case 'A':
        v.y() -= 1;
        break;
      case 'H':
        v.z() += 1;
        break;
      case 'F':
        v.z() -= 1;
        break;
      default:
        return std::nullopt;
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

/// Why the declared image cannot be decoded safely (empty when it can): attributes out of range, sizes computed in 64
/// bits against what the file holds and against the memory ceiling — before any buffer is sized from them.
std::string implausibleImage(const DicomFile& file, DcmDataset& ds, const StructureScan& structure,
                             std::uint64_t maxBytes) {
  const ImageHeader& h = file.header;
  const int declaredFrames = integer(&ds, DCM_NumberOfFrames, 1);
  if (declaredFrames < 1) return "NumberOfFrames " + std::to_string(declaredFrames) + " is not a frame count";
  if (h.rows > 65535 || h.cols > 65535) return "Rows/Columns beyond 65535";
  if (h.bitsAllocated < 1 || h.bitsAllocated > 64)
    return "BitsAllocated " + std::to_string(h.bitsAllocated) + " out of range";
  if (h.bitsStored < 1 || h.bitsStored > h.bitsAllocated || h.highBit < h.bitsStored - 1 ||
      h.highBit >= h.bitsAllocated)
    return "BitsStored " + std::to_string(h.bitsStored) + " / HighBit " + std::to_string(h.highBit) +
           " do not fit BitsAllocated " + std::to_string(h.bitsAllocated);
  if (const int pc = integer(&ds, DCM_PlanarConfiguration); pc != 0 && pc != 1)
    return "PlanarConfiguration " + std::to_string(pc) + " is neither 0 nor 1";
  const auto frames = static_cast<std::uint64_t>(h.frames);
  const std::uint64_t pixels = static_cast<std::uint64_t>(h.rows) * static_cast<std::uint64_t>(h.cols);
  const std::uint64_t frameBytes =
      (pixels * static_cast<std::uint64_t>(h.samples) * static_cast<std::uint64_t>(h.bitsAllocated) + 7) / 8;
  // The loaded volume holds at least 2 bytes per voxel (4 for colour or float sources).
  const std::uint64_t volumeBytes = pixels * frames * (h.samples == 3 || h.bitsAllocated > 16 ? 4u : 2u);
  if (volumeBytes > maxBytes)
    return std::to_string(h.cols) + " x " + std::to_string(h.rows) + " x " + std::to_string(frames) +
           " frame(s) would need " + gib(volumeBytes) + " GiB, above the loader's limit of " + gib(maxBytes) + " GiB";
  if (h.decoder == Decoder::FloatData) return {};
  DcmElement* pixelData = nullptr;
  if (ds.findAndGetElement(DCM_PixelData, pixelData).bad() || !pixelData) return "no PixelData element";
  if (!structure.encapsulated) {
    const std::uint64_t held = pixelData->getLength(file.xfer);
    // Bit-packed frames (BitsAllocated 1) follow each other without byte alignment.
    const std::uint64_t declared =
        h.bitsAllocated == 1 ? (pixels * static_cast<std::uint64_t>(h.samples) * frames + 7) / 8 : frameBytes * frames;
    if (held < declared)
      return "pixel data holds " + std::to_string(held) + " bytes; " + std::to_string(h.cols) + " x " +
             std::to_string(h.rows) + " x " + std::to_string(h.samples) + " sample(s) x " +
             std::to_string(h.bitsAllocated) + " bits x " + std::to_string(frames) + " frame(s) declare " +
             std::to_string(declared);
  } else if (static_cast<std::uint64_t>(structure.fragments) < frames) {
    return std::to_string(structure.fragments) + " compressed fragment(s) for " + std::to_string(frames) +
           " frame(s): every frame needs at least one";
  }
  return {};
}

}  // namespace

DicomFile::DicomFile() = default;
DicomFile::~DicomFile() = default;
void DicomFile::close() { file.reset(); }

bool isHtj2k(const std::string& ts) { return ts.rfind("1.2.840.10008.1.2.4.20", 0) == 0; }

bool isJpeg2000(const std::string& ts) {
  return isHtj2k(ts) || ts == "1.2.840.10008.1.2.4.90" || ts == "1.2.840.10008.1.2.4.91" ||
         ts == "1.2.840.10008.1.2.4.92" || ts == "1.2.840.10008.1.2.4.93";
}

/// Bytes as GiB with three decimals, for messages about the memory ceiling.
std::string gib(std::uint64_t bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.3f", static_cast<double>(bytes) / (1u << 30));
  return text;
}

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

std::unique_ptr<DicomFile> readDicomHeader(const std::string& path, std::optional<core::LoadIssue>& issue,
                                           std::uint64_t maxBytes) {
  using Sev = core::LoadIssue::Severity;
  // Only regular files: a FIFO or a device named by a DICOMDIR would block or never end.
  {
    std::error_code ec;
    const auto type = fs::status(path, ec).type();
    if (ec || type != fs::file_type::regular) {
      issue =
          core::LoadIssue{Sev::Error, path, ec ? "cannot open file: " + ec.message() : "not a regular file; skipped"};
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
      issue = core::LoadIssue{
          Sev::Warning, path,
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
  auto parsed = std::make_unique<DicomFile>();
  ImageHeader* h = &parsed->header;
  h->path = path;
  parsed->encapsulated = structure.encapsulated;
  parsed->fragmentSpans = std::move(structure.fragmentSpans);
  parsed->file = std::make_unique<DcmFileFormat>();
  const OFCondition status =
      parsed->file->loadFile(OFFilename(path.c_str()), EXS_Unknown, EGL_noChange, kLazyReadLength, ERM_autoDetect);
  if (status.bad()) {
    issue = core::LoadIssue{Sev::Error, path, std::string("unreadable DICOM file: ") + status.text()};
    return nullptr;
  }
  DcmDataset* ds = parsed->file->getDataset();
  DcmMetaInfo* meta = parsed->file->getMetaInfo();
  h->transferSyntaxUid = str(meta, DCM_TransferSyntaxUID);
  parsed->xfer = ds->getOriginalXfer();
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
  if (const std::string why = implausibleImage(*parsed, *ds, structure, maxBytes); !why.empty()) {
    issue = core::LoadIssue{Sev::Error, path, why};
    return nullptr;
  }
  // A transfer syntax DCMTK does not know (HTJ2K in 3.6.7) must not be read as native data.
  const bool knownSyntax =
      h->transferSyntaxUid.empty() || DcmXfer(h->transferSyntaxUid.c_str()).getXfer() != EXS_Unknown;
  if (hasFloat && !hasPixels) {
    h->decoder = Decoder::FloatData;
  } else if (h->samples != 1 && h->samples != 3) {
    issue = core::LoadIssue{Sev::Error, path, "unsupported SamplesPerPixel " + std::to_string(h->samples)};
    return nullptr;
  } else if (isHtj2k(h->transferSyntaxUid) || isJpeg2000(h->transferSyntaxUid)) {
    h->decoder = Decoder::OpenJpeg;  // the size-checked path; GDCM's J2K codec is never given these streams
  } else if (!knownSyntax || !dcmtkCanDecode(parsed->xfer)) {
    h->decoder = Decoder::Gdcm;
  } else if (h->bitsAllocated != 8 && h->bitsAllocated != 16 && h->bitsAllocated != 32) {
    h->decoder = Decoder::DicomImage;
  } else if (h->photometric == "PALETTE COLOR" || h->hasModalityLut ||
             (h->samples == 3 && h->photometric != "RGB" && h->photometric != "YBR_FULL" &&
              DcmXfer(parsed->xfer).isNotEncapsulated())) {
    h->decoder = Decoder::DicomImage;
  } else {
    h->decoder = Decoder::Dcmtk;
  }
  if ((h->decoder == Decoder::Gdcm || h->decoder == Decoder::OpenJpeg) &&
      (h->photometric == "PALETTE COLOR" || h->hasModalityLut)) {
    issue = core::LoadIssue{
        Sev::Error, path, "palette/LUT image in a transfer syntax DCMTK cannot decode (" + h->transferSyntaxUid + ")"};
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

  if (h->decoder == Decoder::Dcmtk &&
      (parsed->xfer == EXS_LittleEndianExplicit || parsed->xfer == EXS_LittleEndianImplicit) && h->samples == 1 &&
      (h->bitsAllocated == 8 || h->bitsAllocated == 16)) {
    DcmElement* element = nullptr;
    Uint32 frameSize = 0;
    if (ds->findAndGetElement(DCM_PixelData, element).good() && element &&
        element->getUncompressedFrameSize(ds, frameSize).good() && frameSize > 0) {
      parsed->nativeLength = element->getLength(parsed->xfer);
      parsed->frameSize = frameSize;
      parsed->directCandidate = parsed->nativeLength != DCM_UndefinedLength && parsed->nativeLength > 0;
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
  return parsed;
}

}  // namespace openrad::io::detail
