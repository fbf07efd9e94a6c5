#pragma once

// The header reader: the first parse of an untrusted DICOM file, with the limits. A file is sniffed, its structure
// walked (DicomStructure.h) before DCMTK parses it, its image attributes checked in 64 bits against what it holds and
// against the loader's memory ceiling, and its decoder chosen. Private to the io layer.

#include "SeriesPlanner.h"

#include "openrad/core/Study.h"

#include <dcmtk/dcmdata/dcxfer.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

class DcmFileFormat;

namespace openrad::io::detail {

/// Elements longer than this stay in the file while headers are parsed; pixel data is then read straight into the
/// volume (no per-file pixel buffer).
inline constexpr std::uint32_t kLazyReadLength = 4096;

/// A parsed DICOM file: the plain header the planner reads, plus what the decoders need of the file.
struct DicomFile {
  ImageHeader header;
  std::unique_ptr<DcmFileFormat> file;  ///< DCMTK's parse (large elements stay in the file until read)
  E_TransferSyntax xfer = EXS_Unknown;
  bool encapsulated = false;  ///< the pixel data is a fragment sequence
  /// Native little-endian grey data that can be read with pread (sizes taken from DCMTK at parse time, so that frame
  /// chunks of one file decode on several threads without touching the DCMTK objects).
  bool directCandidate = false;
  std::uint32_t nativeLength = 0, frameSize = 0;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> fragmentSpans;  ///< from the structure walk
  std::mutex mutex;                                                    ///< serialises DCMTK access to this file

  DicomFile();
  ~DicomFile();
  /// Frees DCMTK's parse once the file's frames are decoded (or the planner left the file out).
  void close();
};

/// Registers the DCMTK decoders (JPEG, JPEG-LS, RLE) once, thread-safely, and quiets DCMTK's and GDCM's logs.
void registerDicomCodecs();

/// Reads and validates one file's header; nullptr with `issue` set (naming the file) when the file is not a DICOM
/// image, is malformed, or declares an image that cannot be decoded safely within `maxImageBytes`.
std::unique_ptr<DicomFile> readDicomHeader(const std::string& path, std::optional<core::LoadIssue>& issue,
                                           std::uint64_t maxImageBytes);

bool isHtj2k(const std::string& transferSyntax);
bool isJpeg2000(const std::string& transferSyntax);  ///< every J2K syntax, HTJ2K included

/// Bytes as GiB with three decimals, for messages about the memory ceiling.
std::string gib(std::uint64_t bytes);

}  // namespace openrad::io::detail
