#pragma once

// The first look at an untrusted DICOM file, before DCMTK or GDCM parse it: an iterative walk over the element
// structure (no recursion, no value decoding) that bounds what those recursive parsers and fragment-walking decoders
// are later given. Private to the io layer.

#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace openrad::io::detail {

/// What a DICOM file may contain before it is handed to a parser.
struct StructureLimits {
  int maxDepth = 48;                        ///< nested sequences (DCMTK's reader overflows its stack at ~8 000)
  std::int64_t maxElements = 4'000'000;     ///< data elements and items in the whole file
  std::int64_t maxFragmentsPerFrame = 4096; ///< encapsulated fragments beyond the offset table, per frame
  std::int64_t maxFragmentsFloor = 8192;    ///< ...but this many are always allowed
  std::uint64_t maxInflatedBytes = 1ull << 30;  ///< a deflated data set is inflated (to scan it) up to this size
};

/// What the walk found.
struct StructureScan {
  std::int64_t elements = 0;
  int maxDepth = 0;
  std::int64_t fragments = 0;  ///< compressed fragments of the pixel data (without the offset table)
  int frames = 1;              ///< NumberOfFrames as declared (1 when absent)
  bool encapsulated = false;   ///< the pixel data is a fragment sequence (compressed)
  /// Where each fragment of the top-level pixel data lies in the file (offset, length), offset table excluded;
  /// empty for a deflated data set (offsets there are in the inflated stream).
  std::vector<std::pair<std::uint64_t, std::uint32_t>> fragmentSpans;
  std::string transferSyntax;  ///< from the meta header ("" without one)
  /// A DICOMDIR's directory records (items of the top-level DirectoryRecordSequence (0004,1220)) and the
  /// ReferencedFileID (0004,1500) of those that have one, as stored (components separated by backslashes).
  std::int64_t directoryRecords = -1;  ///< -1: no DirectoryRecordSequence
  std::vector<std::string> referencedFileIds;
};

/// A file whose structure is broken or beyond the limits; the message says what, not which file.
struct StructureError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Walks the file's element structure: meta header, then the data set in its transfer syntax (implicit/explicit
/// little endian, explicit big endian, deflate), with sequences, items and encapsulated pixel data. Throws
/// StructureError when an element runs past its container or the file, a delimiter appears where none is open,
/// an encapsulated fragment is empty, or a limit is exceeded.
StructureScan scanDicomStructure(const std::string& path, const StructureLimits& limits = {});

}  // namespace openrad::io::detail
