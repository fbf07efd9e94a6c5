#include "openrad/io/DicomWriter.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcdicent.h>
#include <dcmtk/dcmdata/dcdict.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>
#include <dcmtk/dcmjpeg/djencode.h>
#include <dcmtk/dcmjpeg/djrplol.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <limits>
#include <mutex>
#include <random>
#include <sstream>

namespace openrad::io {
namespace {

// UIDs live under 2.25 (UUID-derived, ISO/IEC 9834-8): no registered root is needed and
// 128 random or hashed bits make collisions negligible.
std::string uidFromBits(unsigned __int128 v) {
  std::string digits;
  do {
    digits.push_back(static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  } while (v != 0);
  std::reverse(digits.begin(), digits.end());
  return "2.25." + digits;
}

// FNV-1a 64 twice with different offsets: stable across platforms and standard libraries.
std::uint64_t fnv1a(const std::string& text, std::uint64_t hash) {
  for (unsigned char c : text) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::string fmt(double v) {
  // DS is at most 16 characters.
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  std::string s = buf;
  if (s.size() > 16) {
    std::snprintf(buf, sizeof buf, "%.8g", v);
    s = buf;
  }
  return s == "-0" ? "0" : s;
}

char orientationLetter(const Eigen::Vector3d& d, bool& ok) {
  int axis = 0;
  d.cwiseAbs().maxCoeff(&axis);
  ok = std::abs(d[axis]) > 0.5;
  static const char pos[] = {'L', 'P', 'H'}, neg[] = {'R', 'A', 'F'};
  return d[axis] >= 0 ? pos[axis] : neg[axis];
}

void registerCodecsOnce() {
  static std::once_flag once;
  std::call_once(once, [] { DJEncoderRegistration::registerCodecs(); });
}

struct SopClass {
  const char* uid;
  bool volumetric;  // has Image Plane + Frame of Reference modules
};

SopClass sopClassFor(const std::string& modality) {
  if (modality == "CT") return {UID_CTImageStorage, true};
  if (modality == "MR") return {UID_MRImageStorage, true};
  if (modality == "DX") return {UID_DigitalXRayImageStorageForPresentation, false};
  if (modality == "CR") return {UID_ComputedRadiographyImageStorage, false};
  throw std::invalid_argument("writeDicomSeries: unsupported modality '" + modality + "'");
}

class Writer {
public:
  Writer(const core::Image& image, const core::PatientInfo& patient, const core::StudyInfo& study,
         const core::SeriesInfo& series, const DicomWriteOptions& options)
      : m_image(image), m_patient(patient), m_study(study), m_series(series), m_options(options) {
    auto uid = [&](std::string& field, const std::string& purpose) {
      if (field.empty()) field = m_options.uidSeed.empty() ? newUid() : uidFromText(m_options.uidSeed + "/" + purpose);
    };
    uid(m_study.studyUid, "study");
    uid(m_series.seriesUid, "series/" + m_series.description + "/" + std::to_string(m_series.seriesNumber));
    uid(m_series.frameOfReferenceUid, "frame/" + m_series.seriesUid);
    m_sop = sopClassFor(m_series.modality);
    m_series.sopClassUid = m_sop.uid;
    computeStorage();
  }

  core::SeriesInfo write(const std::string& folder) {
    std::error_code ec;
    std::filesystem::create_directories(folder, ec);
    if (ec) throw IoError(folder, "cannot create folder: " + ec.message());
    if (m_options.jpegLossless) registerCodecsOnce();
    const auto slices = m_image.geometry().size[2];
    m_series.files.clear();
    m_series.sopInstanceUids.clear();
    for (std::int64_t k = 0; k < slices; ++k) {
      char name[64];
      std::snprintf(name, sizeof name, "%s%05lld.dcm", m_options.filePrefix.c_str(), static_cast<long long>(k + 1));
      const std::string path = (std::filesystem::path(folder) / name).string();
      const std::string sop = m_options.uidSeed.empty()
                                  ? newUid()
                                  : uidFromText(m_options.uidSeed + "/sop/" + m_series.seriesUid + "/" + std::to_string(k));
      writeSlice(k, sop, path);
      m_series.files.push_back(path);
      m_series.sopInstanceUids.push_back(sop);
    }
    return m_series;
  }

private:
  void computeStorage() {
    const auto n = static_cast<std::size_t>(m_image.geometry().voxelCount());
    double lo = std::numeric_limits<double>::max(), hi = std::numeric_limits<double>::lowest();
    m_stored.resize(n);
    const auto& g = m_image.geometry();
    std::size_t idx = 0;
    for (std::int64_t k = 0; k < g.size[2]; ++k)
      for (std::int64_t j = 0; j < g.size[1]; ++j)
        for (std::int64_t i = 0; i < g.size[0]; ++i, ++idx) {
          const double v = std::round(m_image.value(i, j, k) - m_options.rescaleIntercept);
          m_stored[idx] = static_cast<std::int32_t>(std::clamp(v, -32768.0, 65535.0));
          lo = std::min(lo, double(m_stored[idx]));
          hi = std::max(hi, double(m_stored[idx]));
        }
    m_signed = lo < 0;
    if (m_signed)
      for (auto& s : m_stored) s = std::clamp(s, -32768, 32767);
    m_min = lo;
    m_max = hi;
  }

  void put(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
    const OFCondition c = item.putAndInsertString(tag, value.c_str());
    if (c.bad()) throw IoError(m_currentFile, std::string("cannot set ") + DcmTag(tag).getTagName() + ": " + c.text());
  }
  void putU16(DcmItem& item, const DcmTagKey& tag, Uint16 value) { item.putAndInsertUint16(tag, value); }

  void writeSlice(std::int64_t k, const std::string& sopUid, const std::string& path) {
    m_currentFile = path;
    const auto& g = m_image.geometry();
    DcmFileFormat file;
    DcmDataset& ds = *file.getDataset();
    const bool dx = m_series.modality == "DX", cr = m_series.modality == "CR";

    put(ds, DCM_SpecificCharacterSet, "ISO_IR 192");
    put(ds, DCM_SOPClassUID, m_sop.uid);
    put(ds, DCM_SOPInstanceUID, sopUid);
    put(ds, DCM_InstanceCreationDate, m_study.date);
    put(ds, DCM_InstanceCreationTime, m_study.time);
    // Patient
    put(ds, DCM_PatientName, m_patient.name);
    put(ds, DCM_PatientID, m_patient.id);
    put(ds, DCM_PatientBirthDate, m_patient.birthDate);
    put(ds, DCM_PatientSex, m_patient.sex);
    // General Study
    put(ds, DCM_StudyInstanceUID, m_study.studyUid);
    put(ds, DCM_StudyDate, m_study.date);
    put(ds, DCM_StudyTime, m_study.time);
    put(ds, DCM_ReferringPhysicianName, "");
    put(ds, DCM_StudyID, m_study.studyId);
    put(ds, DCM_AccessionNumber, m_study.accessionNumber);
    put(ds, DCM_StudyDescription, m_study.description);
    // General Series
    put(ds, DCM_Modality, m_series.modality);
    put(ds, DCM_SeriesInstanceUID, m_series.seriesUid);
    put(ds, DCM_SeriesNumber, std::to_string(m_series.seriesNumber));
    put(ds, DCM_SeriesDescription, m_series.description);
    put(ds, DCM_SeriesDate, m_series.date.empty() ? m_study.date : m_series.date);
    put(ds, DCM_SeriesTime, m_series.time.empty() ? m_study.time : m_series.time);
    if (!m_series.bodyPart.empty()) put(ds, DCM_BodyPartExamined, m_series.bodyPart);
    // Laterality (2C) is only for paired body parts, which no OpenRad series is; DX has ImageLaterality.
    if (dx || cr) ds.insertEmptyElement(DCM_AcquisitionContextSequence);
    // General Equipment
    put(ds, DCM_Manufacturer, "OpenRad");
    put(ds, DCM_ManufacturerModelName, "OpenRad phantom/export");
    put(ds, DCM_SoftwareVersions, "OpenRad 0.1.0");
    // General Image
    put(ds, DCM_InstanceNumber, std::to_string(k + 1));
    put(ds, DCM_ContentDate, m_series.date.empty() ? m_study.date : m_series.date);
    put(ds, DCM_ContentTime, m_series.time.empty() ? m_study.time : m_series.time);
    put(ds, DCM_AcquisitionNumber, "1");
    put(ds, DCM_BurnedInAnnotation, "NO");
    put(ds, DCM_LossyImageCompression, "00");

    if (m_sop.volumetric) {
      put(ds, DCM_PatientPosition, m_series.patientPosition.empty() ? "HFS" : m_series.patientPosition);
      put(ds, DCM_FrameOfReferenceUID, m_series.frameOfReferenceUid);
      put(ds, DCM_PositionReferenceIndicator, "");
      const Eigen::Vector3d r = g.direction.col(0), c = g.direction.col(1), nrm = g.direction.col(2);
      const Eigen::Vector3d ipp = g.origin + nrm * (static_cast<double>(k) * g.spacing[2]);
      put(ds, DCM_ImageOrientationPatient,
          fmt(r[0]) + "\\" + fmt(r[1]) + "\\" + fmt(r[2]) + "\\" + fmt(c[0]) + "\\" + fmt(c[1]) + "\\" + fmt(c[2]));
      put(ds, DCM_ImagePositionPatient, fmt(ipp[0]) + "\\" + fmt(ipp[1]) + "\\" + fmt(ipp[2]));
      put(ds, DCM_PixelSpacing, fmt(g.spacing[1]) + "\\" + fmt(g.spacing[0]));
      put(ds, DCM_SliceThickness, fmt(g.spacing[2]));
      put(ds, DCM_SliceLocation, fmt(ipp.dot(nrm)));
    } else {
      bool okRow = false, okCol = false;
      const char rowL = orientationLetter(g.direction.col(0), okRow);
      const char colL = orientationLetter(g.direction.col(1), okCol);
      put(ds, DCM_PatientOrientation, okRow && okCol ? std::string(1, rowL) + "\\" + std::string(1, colL) : "");
      put(ds, DCM_ImagerPixelSpacing, fmt(g.spacing[1]) + "\\" + fmt(g.spacing[0]));
      if (!m_series.viewPosition.empty()) put(ds, DCM_ViewPosition, m_series.viewPosition);
      if (m_series.distanceSourceToDetector) put(ds, DCM_DistanceSourceToDetector, fmt(*m_series.distanceSourceToDetector));
      if (m_series.distanceSourceToPatient) put(ds, DCM_DistanceSourceToPatient, fmt(*m_series.distanceSourceToPatient));
      if (m_series.distanceSourceToDetector && m_series.distanceSourceToPatient && *m_series.distanceSourceToPatient > 0)
        put(ds, DCM_EstimatedRadiographicMagnificationFactor,
            fmt(*m_series.distanceSourceToDetector / *m_series.distanceSourceToPatient));
    }

    // Image Pixel
    putU16(ds, DCM_SamplesPerPixel, 1);
    put(ds, DCM_PhotometricInterpretation, "MONOCHROME2");
    putU16(ds, DCM_Rows, static_cast<Uint16>(g.size[1]));
    putU16(ds, DCM_Columns, static_cast<Uint16>(g.size[0]));
    putU16(ds, DCM_BitsAllocated, 16);
    putU16(ds, DCM_BitsStored, 16);
    putU16(ds, DCM_HighBit, 15);
    putU16(ds, DCM_PixelRepresentation, m_signed ? 1 : 0);
    if (m_series.modality != "MR") {  // the MR Image IOD has no Modality LUT attributes
      put(ds, DCM_RescaleIntercept, fmt(m_options.rescaleIntercept));
      put(ds, DCM_RescaleSlope, "1");
    }
    if (m_series.windowCenter && m_series.windowWidth) {
      put(ds, DCM_WindowCenter, fmt(*m_series.windowCenter));
      put(ds, DCM_WindowWidth, fmt(*m_series.windowWidth));
    }

    if (m_series.modality == "CT") {
      put(ds, DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
      put(ds, DCM_RescaleType, "HU");
      put(ds, DCM_KVP, "120");
    } else if (m_series.modality == "MR") {
      put(ds, DCM_ImageType, "ORIGINAL\\PRIMARY\\OTHER");
      put(ds, DCM_ScanningSequence, "SE");
      put(ds, DCM_SequenceVariant, "NONE");
      put(ds, DCM_ScanOptions, "");
      put(ds, DCM_MRAcquisitionType, "2D");
      put(ds, DCM_EchoTrainLength, "1");
      put(ds, DCM_RepetitionTime, "");
      put(ds, DCM_EchoTime, "");
      put(ds, DCM_SpacingBetweenSlices, fmt(g.spacing[2]));
    } else if (dx || cr) {
      put(ds, DCM_ImageType, "ORIGINAL\\PRIMARY");
      put(ds, DCM_RescaleType, "US");
      put(ds, DCM_KVP, "");
      if (dx) {
        put(ds, DCM_PresentationIntentType, "FOR PRESENTATION");
        put(ds, DCM_PixelIntensityRelationship, "LOG");
        // -1: higher pixel values mean less beam intensity (bone is bright), as in every film we write.
        ds.putAndInsertSint16(DCM_PixelIntensityRelationshipSign, -1);
        put(ds, DCM_PresentationLUTShape, "IDENTITY");
        put(ds, DCM_ImageLaterality, "U");
        put(ds, DCM_DetectorType, "DIRECT");
        put(ds, DCM_PositionerType, "COLUMN");
        if (!m_series.windowCenter) {
          put(ds, DCM_WindowCenter, fmt((m_min + m_max) / 2));
          put(ds, DCM_WindowWidth, fmt(std::max(1.0, m_max - m_min)));
        }
        auto* region = new DcmItem();
        put(*region, DCM_CodeValue, "421060004");  // SNOMED CT "Spine" (CID 4031)
        put(*region, DCM_CodingSchemeDesignator, "SCT");
        put(*region, DCM_CodeMeaning, "Spine");
        ds.insertSequenceItem(DCM_AnatomicRegionSequence, region);
      }
    }

    for (const auto& [keyword, value] : m_options.extra) {
      const DcmDictEntry* entry = dcmDataDict.rdlock().findEntry(keyword.c_str());
      dcmDataDict.rdunlock();
      if (!entry) throw IoError(path, "unknown DICOM keyword '" + keyword + "'");
      put(ds, entry->getKey(), value);
    }

    // Pixel data for slice k.
    const std::size_t plane = static_cast<std::size_t>(g.size[0] * g.size[1]);
    std::vector<Uint16> pixels(plane);
    const std::int32_t* src = m_stored.data() + plane * static_cast<std::size_t>(k);
    // Conversion to unsigned wraps modulo 2^16, which is the two's-complement pattern for signed data.
    for (std::size_t p = 0; p < plane; ++p) pixels[p] = static_cast<Uint16>(src[p]);
    ds.putAndInsertUint16Array(DCM_PixelData, pixels.data(), static_cast<unsigned long>(plane));

    E_TransferSyntax xfer = EXS_LittleEndianExplicit;
    if (m_options.jpegLossless) {
      DJ_RPLossless params(6, 0);
      if (ds.chooseRepresentation(EXS_JPEGProcess14SV1, &params).good() &&
          ds.canWriteXfer(EXS_JPEGProcess14SV1))
        xfer = EXS_JPEGProcess14SV1;
      else
        throw IoError(path, "JPEG lossless encoding failed");
    }
    const std::string tmp = path + ".tmp";
    const OFCondition c = file.saveFile(tmp.c_str(), xfer);
    if (c.bad()) throw IoError(path, std::string("cannot write: ") + c.text());
    std::error_code ec;
    std::filesystem::rename(tmp, path, ec);
    if (ec) throw IoError(path, "cannot rename temporary file: " + ec.message());
  }

  const core::Image& m_image;
  core::PatientInfo m_patient;
  core::StudyInfo m_study;
  core::SeriesInfo m_series;
  DicomWriteOptions m_options;
  SopClass m_sop{};
  std::vector<std::int32_t> m_stored;
  bool m_signed = false;
  double m_min = 0, m_max = 0;
  std::string m_currentFile;
};

}  // namespace

std::string newUid() {
  std::random_device rd;
  unsigned __int128 v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 32) | rd();
  return uidFromBits(v);
}

std::string uidFromText(const std::string& text) {
  const std::uint64_t hi = fnv1a(text, 0xcbf29ce484222325ULL);
  const std::uint64_t lo = fnv1a(text + "#", 0x84222325cbf29ce4ULL);
  return uidFromBits((static_cast<unsigned __int128>(hi) << 64) | lo);
}

core::SeriesInfo writeDicomSeries(const core::Image& image, const core::PatientInfo& patient,
                                  const core::StudyInfo& study, const core::SeriesInfo& series,
                                  const std::string& folder, const DicomWriteOptions& options) {
  try {
    Writer writer(image, patient, study, series, options);
    return writer.write(folder);
  } catch (const IoError&) {
    throw;
  } catch (const std::exception& e) {
    throw IoError(folder, e.what());
  }
}

}  // namespace openrad::io
