#pragma once

// Builds small DICOM files with DCMTK directly (independent of OpenRad's own writer), so that the
// loader is tested against files it did not produce itself.

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcitem.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace openrad::test {

/// One 2D DICOM image; defaults describe an axial CT slice.
struct DicomSlice {
  std::string sopClassUid = UID_CTImageStorage;
  std::string modality = "CT";
  std::string patientId = "P1";
  std::string patientName = "Test^Patient";
  std::string studyUid = "1.2.826.0.1.3680043.10.1234.1";
  std::string seriesUid = "1.2.826.0.1.3680043.10.1234.1.1";
  std::string sopInstanceUid;  // generated when empty
  int instanceNumber = 1;
  int rows = 6, cols = 8;
  int bitsAllocated = 16, bitsStored = 12, pixelRepresentation = 0;
  std::string photometric = "MONOCHROME2";
  bool hasPosition = true;
  std::array<double, 3> position{0, 0, 0};
  std::array<double, 6> orientation{1, 0, 0, 0, 1, 0};
  std::array<double, 2> pixelSpacing{0.5, 0.7};  // row spacing, column spacing
  bool hasPixelSpacing = true;
  double slope = 1.0, intercept = -1024.0;
  bool hasRescale = true;
  std::vector<std::int32_t> stored;  // rows*cols stored values
  /// Extra attributes set on the dataset before saving.
  std::function<void(DcmItem&)> extra;
};

inline std::string ds(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

inline void putString(DcmItem& item, const DcmTagKey& tag, const std::string& value) {
  if (item.putAndInsertString(tag, value.c_str()).bad()) throw std::runtime_error("cannot set DICOM attribute");
}

/// Fills a dataset with the slice's attributes and pixels.
inline void fillDataset(DcmItem& d, const DicomSlice& s) {
  char uid[100];
  putString(d, DCM_SOPClassUID, s.sopClassUid);
  putString(d, DCM_SOPInstanceUID, s.sopInstanceUid.empty() ? dcmGenerateUniqueIdentifier(uid) : s.sopInstanceUid);
  putString(d, DCM_StudyInstanceUID, s.studyUid);
  putString(d, DCM_SeriesInstanceUID, s.seriesUid);
  putString(d, DCM_FrameOfReferenceUID, s.studyUid + ".9");
  putString(d, DCM_Modality, s.modality);
  putString(d, DCM_PatientID, s.patientId);
  putString(d, DCM_PatientName, s.patientName);
  putString(d, DCM_StudyDate, "20240102");
  putString(d, DCM_SeriesDescription, "test series");
  putString(d, DCM_SeriesNumber, "3");
  putString(d, DCM_InstanceNumber, std::to_string(s.instanceNumber));
  if (s.hasPosition) {
    putString(d, DCM_ImagePositionPatient, ds(s.position[0]) + "\\" + ds(s.position[1]) + "\\" + ds(s.position[2]));
    std::string iop;
    for (int i = 0; i < 6; ++i) iop += (i ? "\\" : "") + ds(s.orientation[i]);
    putString(d, DCM_ImageOrientationPatient, iop);
  }
  if (s.hasPixelSpacing) putString(d, DCM_PixelSpacing, ds(s.pixelSpacing[0]) + "\\" + ds(s.pixelSpacing[1]));
  if (s.hasRescale) {
    putString(d, DCM_RescaleSlope, ds(s.slope));
    putString(d, DCM_RescaleIntercept, ds(s.intercept));
  }
  d.putAndInsertUint16(DCM_Rows, static_cast<Uint16>(s.rows));
  d.putAndInsertUint16(DCM_Columns, static_cast<Uint16>(s.cols));
  d.putAndInsertUint16(DCM_SamplesPerPixel, 1);
  putString(d, DCM_PhotometricInterpretation, s.photometric);
  d.putAndInsertUint16(DCM_BitsAllocated, static_cast<Uint16>(s.bitsAllocated));
  d.putAndInsertUint16(DCM_BitsStored, static_cast<Uint16>(s.bitsStored));
  d.putAndInsertUint16(DCM_HighBit, static_cast<Uint16>(s.bitsStored - 1));
  d.putAndInsertUint16(DCM_PixelRepresentation, static_cast<Uint16>(s.pixelRepresentation));
  const std::size_t n = static_cast<std::size_t>(s.rows * s.cols);
  if (s.stored.size() != n) throw std::runtime_error("stored values do not match rows*cols");
  if (s.bitsAllocated == 8) {
    std::vector<Uint8> px(n + (n & 1u), 0);
    for (std::size_t i = 0; i < n; ++i) px[i] = static_cast<Uint8>(s.stored[i]);
    d.putAndInsertUint8Array(DCM_PixelData, px.data(), static_cast<unsigned long>(px.size()));
  } else {
    std::vector<Uint16> px(n);
    for (std::size_t i = 0; i < n; ++i) px[i] = static_cast<Uint16>(static_cast<std::int32_t>(s.stored[i]) & 0xffff);
    d.putAndInsertUint16Array(DCM_PixelData, px.data(), static_cast<unsigned long>(n));
  }
  if (s.extra) s.extra(d);
}

/// Writes the slice as a Part 10 file in the given transfer syntax.
inline void writeSlice(const std::string& path, const DicomSlice& s, E_TransferSyntax xfer = EXS_LittleEndianExplicit) {
  DcmFileFormat file;
  fillDataset(*file.getDataset(), s);
  const OFCondition status = file.saveFile(path.c_str(), xfer);
  if (status.bad()) throw std::runtime_error(std::string("cannot write test DICOM: ") + status.text());
}

/// Stored values rows*cols filled by f(i, j).
inline std::vector<std::int32_t> pattern(int rows, int cols, const std::function<std::int32_t(int, int)>& f) {
  std::vector<std::int32_t> v(static_cast<std::size_t>(rows * cols));
  for (int j = 0; j < rows; ++j)
    for (int i = 0; i < cols; ++i) v[static_cast<std::size_t>(j * cols + i)] = f(i, j);
  return v;
}

}  // namespace openrad::test
