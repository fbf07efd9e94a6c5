#pragma once

// Pixel decoders: one per codec behind one interface, and the policy that decides which of them may see a file's
// stream, in which order, and which run in a child process. Private to the io layer.
//
// The policy (decodeFrames):
//  - native little-endian grey data is read with pread straight into the volume when its element sits where the
//    header says (NativeDirect); anything unusual falls back to DCMTK, which gives its own reason;
//  - every other file goes to the decoder its header chose (DicomHeader.h): DCMTK for the syntaxes it knows, DCMTK's
//    DicomImage for palettes, LUTs and odd bit depths, OpenJPEG for every JPEG 2000 syntax (after the stream's size
//    has been compared with the header), float data as it is, GDCM for the rest;
//  - a compressed stream DCMTK refused gets one more try in GDCM; native data DCMTK refused never does (the
//    rejection of a careful decoder is not retried in a careless one);
//  - every decoder of compressed data (DCMTK's JPEG, JPEG-LS and RLE codecs, OpenJPEG, GDCM: third-party code
//    whose assertions abort and whose codecs have crashed and corrupted memory on hostile streams) runs in a child
//    process with a time and memory limit (Isolation.h); the child decodes and converts the task's frames into its own
//    buffer and the parent copies the slices into the volume, so an abort, a corruption or a hang costs that file only.
//    Native data, which our own checks bound completely, is decoded in the process.

#include "DicomHeader.h"
#include "PixelConvert.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <utility>
#include <vector>

namespace openrad::io::detail {

/// A stream a decoder could not decode; the message says why (the caller names the file).
struct DecodeError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Where decoded frames go: slices of one volume.
struct DecodeTarget {
  core::PixelType type = core::PixelType::Int16;
  bool mayOverflow = true;                ///< integer output that a value may not fit
  std::byte* base = nullptr;              ///< the volume's first byte
  std::size_t sliceBytes = 0;             ///< bytes per slice of the volume
  std::atomic<bool>* overflow = nullptr;  ///< set when a value did not fit (the volume is then re-read as float)
  bool isolate = true;  ///< decoders that ask for it run in a child process (LoadOptions::isolateDecoders)
  /// The first byte of destination slice k.
  std::byte* slice(std::int64_t k) const { return base + k * static_cast<std::int64_t>(sliceBytes); }
};

/// (frame number in the file, destination slice in the volume)
using FrameSlots = std::vector<std::pair<int, std::int64_t>>;

/// One codec.
class PixelDecoder {
 public:
  virtual ~PixelDecoder() = default;
  virtual const char* name() const = 0;
  /// Decodes the listed frames of the file into the target; throws DecodeError. Called with the file's mutex held
  /// unless the decoder says it needs no DCMTK object (threadSafe()).
  virtual void decode(DicomFile& file, const FrameSlots& frames, const DecodeTarget& target) const = 0;
  virtual bool threadSafe() const { return false; }
  /// Whether this decoder, on this file, sees a stream no check of ours can vouch for (compressed data), and so runs
  /// in a child process (decodeFrames).
  virtual bool isolated(const DicomFile& file) const = 0;
  /// Isolated even when LoadOptions::isolateDecoders is off: a decoder known to abort on bad streams (GDCM).
  virtual bool alwaysIsolated() const { return false; }
};

/// The decoder for a header's choice.
const PixelDecoder& decoderFor(Decoder which);

/// The decoders a file's stream goes to, in order (the policy above).
std::vector<Decoder> decoderChain(const DicomFile& file);

/// Decodes the listed frames of one file through its chain; throws DecodeError with every decoder's reason.
void decodeFrames(DicomFile& file, const FrameSlots& frames, const DecodeTarget& target);

}  // namespace openrad::io::detail
