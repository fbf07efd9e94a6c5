#include "DicomDecoders.h"
#include "Isolation.h"
#include "OpenJpegDecoder.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfcache.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcpixel.h>
#include <dcmtk/dcmimage/diregist.h>
#include <dcmtk/dcmimgle/dcmimage.h>
#include <gdcmImage.h>
#include <gdcmImageReader.h>
#include <gdcmPhotometricInterpretation.h>
#include <gdcmPixelFormat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace openrad::io::detail {
namespace {

// YBR_FULL(_422) keeps luminance in the first component; J2K's YBR_ICT/RCT come out of the codec as RGB.
bool isLumaFirst(const std::string& model) { return model == "YBR_FULL" || model == "YBR_FULL_422"; }

Conversion conversionFor(const ImageHeader& h, const FrameHeader& f, const DecodeTarget& target, int bitsStored,
                         int bitsAllocated, int highBit, bool isSigned, const std::string& photometric) {
  Conversion c;
  c.slope = f.slope;
  c.intercept = f.intercept;
  c.mayOverflow = target.mayOverflow;
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

SampleType sampleType(int bitsAllocated, bool isSigned) {
  switch (bitsAllocated) {
    case 8:
      return isSigned ? SampleType::Int8 : SampleType::UInt8;
    case 16:
      return isSigned ? SampleType::Int16 : SampleType::UInt16;
    default:
      return isSigned ? SampleType::Int32 : SampleType::UInt32;
  }
}

void store(const DecodeTarget& target, const RawFrame& raw, const Conversion& c, std::byte* dst) {
  if (!convertFrame(raw, c, dst, target.type)) target.overflow->store(true);
}

/// DicomImage's intermediate representation as a sample type.
SampleType sampleTypeOf(EP_Representation r) {
  static const std::pair<EP_Representation, SampleType> kTypes[] = {
      {EPR_Uint8, SampleType::UInt8},  {EPR_Sint8, SampleType::Int8},    {EPR_Uint16, SampleType::UInt16},
      {EPR_Sint16, SampleType::Int16}, {EPR_Uint32, SampleType::UInt32}, {EPR_Sint32, SampleType::Int32}};
  for (const auto& [rep, type] : kTypes)
    if (rep == r) return type;
  throw DecodeError("DicomImage returned an unknown pixel representation");
}

/// Bytes of one decoded frame as the header declares it, in 64 bits (0 for bit-packed data).
std::uint64_t declaredFrameBytes(const ImageHeader& h) {
  if (h.bitsAllocated % 8 != 0) return 0;
  return static_cast<std::uint64_t>(h.rows) * static_cast<std::uint64_t>(h.cols) *
         static_cast<std::uint64_t>(h.samples) * static_cast<std::uint64_t>(h.bitsAllocated / 8);
}

DcmDataset& dataset(DicomFile& file) {
  if (!file.file) throw DecodeError("file header no longer available");
  return *file.file->getDataset();
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
    const bool start =
        (f.size() >= 2 && static_cast<unsigned char>(f[0]) == 0xff && static_cast<unsigned char>(f[1]) == 0x4f) ||
        (f.size() >= 8 && f.compare(4, 4, "jP  ") == 0);
    if (out.empty() || (frames > 1 && start)) out.emplace_back();
    out.back() += f;
  }
  return out;
}

/// What GDCM decoded: every frame's bytes and the pixel format it reports.
struct GdcmPixels {
  std::string buffer;
  int bitsAllocated = 0, bitsStored = 0, highBit = 0, samples = 1;
  bool isSigned = false, planar = false;
  std::string photometric;
};

/// Decodes a whole file with GDCM (in the isolated child: see decodeFrames); throws DecodeError.
GdcmPixels readWithGdcm(const std::string& path, const std::string& transferSyntax) {
  gdcm::ImageReader reader;
  reader.SetFileName(path.c_str());
  if (!reader.Read()) throw DecodeError("GDCM could not read the file (transfer syntax " + transferSyntax + ")");
  const gdcm::Image& image = reader.GetImage();
  const gdcm::PixelFormat pf = image.GetPixelFormat();
  GdcmPixels p;
  p.bitsAllocated = pf.GetBitsAllocated(), p.bitsStored = pf.GetBitsStored(), p.highBit = pf.GetHighBit();
  p.samples = pf.GetSamplesPerPixel();
  p.isSigned = pf.GetPixelRepresentation() == 1, p.planar = image.GetPlanarConfiguration() == 1;
  p.photometric = gdcm::PhotometricInterpretation::GetPIString(image.GetPhotometricInterpretation());
  const unsigned long length = image.GetBufferLength();
  p.buffer.resize(length);
  if (length == 0 || !image.GetBuffer(p.buffer.data()))
    throw DecodeError("GDCM could not decode the pixel data (transfer syntax " + transferSyntax + ")");
  return p;
}

/// Little-endian native grey data that ends the file (the usual layout), read with pread straight into the volume and
/// rescaled in place: one copy, like a plain read of the file. The element header in front of the value is checked
/// first; anything unusual throws, and the caller then goes through DCMTK, which reports its own reason.
class NativeDirectDecoder final : public PixelDecoder {
 public:
  const char* name() const override { return "direct read"; }
  bool isolated(const DicomFile&) const override { return false; }
  bool threadSafe() const override { return true; }  // reads only what the header reader stored
  void decode(DicomFile& file, const FrameSlots& frames, const DecodeTarget& target) const override {
    const ImageHeader& h = file.header;
    const Uint32 valueLength = file.nativeLength, frameSize = file.frameSize;
    if (declaredFrameBytes(h) != frameSize) throw DecodeError("frame size differs from Rows x Columns x BitsAllocated");
    if ((file.xfer != EXS_LittleEndianExplicit && file.xfer != EXS_LittleEndianImplicit) || h.samples != 1 ||
        (h.bitsAllocated != 8 && h.bitsAllocated != 16) || valueLength == 0 || valueLength == DCM_UndefinedLength)
      throw DecodeError("not plain native data");
    const int fd = ::open(h.path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw DecodeError(std::string("cannot open: ") + std::strerror(errno));
    struct FdCloser {
      int fd;
      ~FdCloser() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0 || st.st_size < static_cast<off_t>(valueLength) + 12)
      throw DecodeError("pixel data not at the end of the file");
    const off_t valueOffset = st.st_size - static_cast<off_t>(valueLength);
    unsigned char head[12];
    if (::pread(fd, head, sizeof head, valueOffset - 12) != 12) throw DecodeError("cannot read the pixel data header");
    auto u32 = [](const unsigned char* p) {
      return static_cast<Uint32>(p[0]) | static_cast<Uint32>(p[1]) << 8 | static_cast<Uint32>(p[2]) << 16 |
             static_cast<Uint32>(p[3]) << 24;
    };
    const bool explicitOk = file.xfer == EXS_LittleEndianExplicit && std::memcmp(head, "\xe0\x7f\x10\x00", 4) == 0 &&
                            head[4] == 'O' && (head[5] == 'W' || head[5] == 'B') && head[6] == 0 && head[7] == 0 &&
                            u32(head + 8) == valueLength;
    const bool implicitOk = file.xfer == EXS_LittleEndianImplicit &&
                            std::memcmp(head + 4, "\xe0\x7f\x10\x00", 4) == 0 && u32(head + 8) == valueLength;
    if (!explicitOk && !implicitOk) throw DecodeError("pixel data element not where the header says");
    if (static_cast<std::uint64_t>(frameSize) * static_cast<std::uint64_t>(h.frames) > valueLength)
      throw DecodeError("pixel data shorter than NumberOfFrames x frame size (truncated file?)");
    const std::int64_t pixels = h.pixels();
    const SampleType stored = sampleType(h.bitsAllocated, h.isSigned);
    const bool sameWidth = static_cast<int>(core::bytesPerPixel(target.type)) == h.bitsAllocated / 8 &&
                           static_cast<std::size_t>(frameSize) == target.sliceBytes;
    thread_local std::vector<char> scratch;
    for (const auto& [frameNo, k] : frames) {
      std::byte* dst = target.slice(k);
      const Conversion c = conversionFor(h, h.frameHeaders[frameNo], target, h.bitsStored, h.bitsAllocated, h.highBit,
                                         h.isSigned, h.photometric);
      // Whether the conversion can run in place decides where the bytes go.
      const bool direct = sameWidth && c.maskBits == 0 && !c.invert;
      char* into = reinterpret_cast<char*>(dst);
      if (!direct) {
        if (scratch.size() < frameSize) scratch.resize(frameSize);
        into = scratch.data();
      }
      std::size_t done = 0;
      const off_t at = valueOffset + static_cast<off_t>(frameNo) * frameSize;
      while (done < frameSize) {
        const ssize_t got = ::pread(fd, into + done, frameSize - done, at + static_cast<off_t>(done));
        if (got <= 0) throw DecodeError("pixel data could not be read (truncated file?)");
        done += static_cast<std::size_t>(got);
      }
      if (direct) {
        if (auto ok = convertInPlace(dst, pixels, stored, c, target.type)) {
          if (!*ok) target.overflow->store(true);
          continue;
        }
        // Not convertible in place after all (non-integral rescale): move the bytes aside first.
        if (scratch.size() < frameSize) scratch.resize(frameSize);
        std::memcpy(scratch.data(), dst, frameSize);
        into = scratch.data();
      }
      RawFrame raw{into, stored, pixels, 1, false, false};
      store(target, raw, c, dst);
    }
  }
};

/// DCMTK's own decoders (native, deflate, JPEG, JPEG-LS, RLE), frame by frame.
class DcmtkDecoder final : public PixelDecoder {
 public:
  const char* name() const override { return "DCMTK"; }
  bool isolated(const DicomFile& file) const override { return file.encapsulated; }
  void decode(DicomFile& file, const FrameSlots& frames, const DecodeTarget& target) const override {
    const ImageHeader& h = file.header;
    DcmDataset* ds = &dataset(file);
    const std::int64_t pixels = h.pixels();
    thread_local std::vector<char> scratch;
    DcmElement* element = nullptr;
    if (ds->findAndGetElement(DCM_PixelData, element).bad() || !element) throw DecodeError("no PixelData element");
    auto* pixelData = dynamic_cast<DcmPixelData*>(element);
    if (!pixelData) throw DecodeError("PixelData element has an unexpected type");
    Uint32 frameSize = 0;
    if (pixelData->getUncompressedFrameSize(ds, frameSize).bad() || frameSize == 0)
      throw DecodeError("cannot compute the frame size");
    // DCMTK's frame size is a 32-bit number: below the 64-bit size the header declares, it wrapped (and the
    // conversion would read past the frame).
    if (frameSize < declaredFrameBytes(h))
      throw DecodeError("frame size " + std::to_string(frameSize) +
                        " is less than Rows x Columns x samples x BitsAllocated (" +
                        std::to_string(declaredFrameBytes(h)) + " bytes)");
    const bool native = DcmXfer(file.xfer).isNotEncapsulated();
    if (native && pixelData->getLength(file.xfer) < static_cast<std::uint64_t>(h.frames) * frameSize)
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
      const OFCondition status =
          pixelData->getUncompressedFrame(ds, static_cast<Uint32>(frameNo), startFragment, scratch.data(),
                                          static_cast<Uint32>(need), colourModel, &cache);
      if (status.bad()) throw DecodeError(status.text());
      const std::string model = colourModel.empty() ? h.photometric : std::string(colourModel.c_str());
      RawFrame raw{scratch.data(),    sampleType(h.bitsAllocated, h.isSigned), pixels, h.samples, h.planar && native,
                   isLumaFirst(model)};
      store(target, raw, conversionFor(h, f, target, h.bitsStored, h.bitsAllocated, h.highBit, h.isSigned, model),
            target.slice(k));
    }
  }
};

/// DCMTK's DicomImage: palettes, modality LUTs, odd bit depths and colour models, converted to grey.
class DicomImageDecoder final : public PixelDecoder {
 public:
  const char* name() const override { return "DCMTK DicomImage"; }
  bool isolated(const DicomFile& file) const override { return file.encapsulated; }
  void decode(DicomFile& file, const FrameSlots& frames, const DecodeTarget& target) const override {
    const ImageHeader& h = file.header;
    DcmDataset* ds = &dataset(file);
    const std::int64_t pixels = h.pixels();
    for (const auto& [frameNo, k] : frames) {
      // Partial access avoids loading all frames; deflated or in-memory data needs the plain mode.
      auto image = std::make_unique<DicomImage>(ds, file.xfer, CIF_UsePartialAccessToPixelData,
                                                static_cast<unsigned long>(frameNo), 1);
      if (image->getStatus() != EIS_Normal)
        image = std::make_unique<DicomImage>(ds, file.xfer, 0, static_cast<unsigned long>(frameNo), 1);
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
      const SampleType type = sampleTypeOf(px->getRepresentation());
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
      store(target, raw, c, target.slice(k));
    }
  }
};

/// GDCM, for the transfer syntaxes DCMTK cannot decode; always in a child process.
class GdcmDecoder final : public PixelDecoder {
 public:
  const char* name() const override { return "GDCM"; }
  bool isolated(const DicomFile&) const override { return true; }
  bool alwaysIsolated() const override { return true; }  // its assertions abort the process
  void decode(DicomFile& file, const FrameSlots& frames, const DecodeTarget& target) const override {
    const ImageHeader& h = file.header;
    const std::int64_t pixels = h.pixels();
    // GDCM asserts (aborts) on bit depths that are not whole bytes; never hand it those.
    if (h.bitsAllocated % 8 != 0)
      throw DecodeError("BitsAllocated " + std::to_string(h.bitsAllocated) + " in transfer syntax " +
                        h.transferSyntaxUid + " is not supported");
    GdcmPixels decoded = readWithGdcm(h.path, h.transferSyntaxUid);
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
    if (samples != 1 && samples != 3)
      throw DecodeError("GDCM decoded " + std::to_string(samples) + " samples per pixel");
    const std::size_t frameBytes = static_cast<std::size_t>(pixels) * samples * (bitsAllocated / 8);
    std::string model = decoded.photometric;
    // GDCM's codecs may report a single-component stream as MONOCHROME2; the header's MONOCHROME1 (common on
    // CR films) must still be honoured or the film shows as a negative.
    if (model.rfind("MONOCHROME", 0) == 0 && h.photometric == "MONOCHROME1") model = h.photometric;
    for (const auto& [frameNo, k] : frames) {
      if ((static_cast<std::size_t>(frameNo) + 1) * frameBytes > buffer.size())
        throw DecodeError("decoded pixel data shorter than expected");
      RawFrame raw{buffer.data() + frameNo * frameBytes,
                   sampleType(bitsAllocated, decoded.isSigned),
                   pixels,
                   samples,
                   decoded.planar,
                   isLumaFirst(model)};
      store(target, raw,
            conversionFor(h, h.frameHeaders[frameNo], target, bitsStored, bitsAllocated, highBit, decoded.isSigned,
                          model),
            target.slice(k));
    }
  }
};

/// OpenJPEG for every JPEG 2000 syntax: each codestream's main header is compared with Rows/Columns first.
class Jpeg2000Decoder final : public PixelDecoder {
 public:
  const char* name() const override { return "OpenJPEG"; }
  bool isolated(const DicomFile&) const override { return true; }
  bool threadSafe() const override { return true; }  // reads the fragments the structure walk found, not DCMTK
  void decode(DicomFile& file, const FrameSlots& frames, const DecodeTarget& target) const override {
    const ImageHeader& h = file.header;
    const std::int64_t pixels = h.pixels();
    if (!isJpeg2000(h.transferSyntaxUid)) throw DecodeError("not a JPEG 2000 transfer syntax");
    const auto codestreams = encapsulatedFrames(h.path, h.frames, file.fragmentSpans);
    for (const auto& [frameNo, k] : frames) {
      if (frameNo >= static_cast<int>(codestreams.size()))
        throw DecodeError("fewer compressed frames than NumberOfFrames");
      const auto& bytes = codestreams[static_cast<std::size_t>(frameNo)];
      const J2kFrame j2k =
          decodeJpeg2000(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size(), h.cols, h.rows);
      if (j2k.width != h.cols || j2k.height != h.rows || (j2k.components != 1 && j2k.components != 3))
        throw DecodeError("JPEG 2000 frame does not match Rows/Columns/SamplesPerPixel");
      RawFrame raw{j2k.data.data(), SampleType::Int32, pixels, j2k.components, true, false};
      Conversion c = conversionFor(h, h.frameHeaders[frameNo], target, j2k.precision, 32, j2k.precision - 1,
                                   j2k.isSigned, h.photometric);
      store(target, raw, c, target.slice(k));
    }
  }
};

/// Float / double float pixel data (parametric maps), as stored.
class FloatDataDecoder final : public PixelDecoder {
 public:
  const char* name() const override { return "float data"; }
  bool isolated(const DicomFile&) const override { return false; }
  void decode(DicomFile& file, const FrameSlots& frames, const DecodeTarget& target) const override {
    DcmDataset* ds = &dataset(file);
    const std::int64_t pixels = file.header.pixels();
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
      store(target, raw, c, target.slice(k));
    }
  }
};

const NativeDirectDecoder kNativeDirect;

/// Runs `decoder` on the task in a child process: the child decodes and converts the frames into slices of its own
/// buffer (its last byte: whether a value overflowed the output type), the parent copies them into the volume. The
/// slices start the buffer, so they are as aligned as the allocation.
void decodeIsolated(const PixelDecoder& decoder, DicomFile& file, const FrameSlots& frames,
                    const DecodeTarget& target) {
  const std::size_t n = frames.size(), sliceBytes = target.sliceBytes;
  const std::string what = std::string(decoder.name()) + "'s decoder (transfer syntax " +
                           (file.header.transferSyntaxUid.empty() ? "unknown" : file.header.transferSyntaxUid) + ")";
  std::string bytes;
  try {
    bytes = runIsolated(what, [&] {
      std::string out(n * sliceBytes + 1, '\0');
      std::atomic<bool> overflow{false};
      DecodeTarget local = target;
      local.base = reinterpret_cast<std::byte*>(out.data());  // slices 0..n-1 of the child's own buffer
      local.overflow = &overflow;
      FrameSlots slots;
      for (std::size_t i = 0; i < n; ++i) slots.emplace_back(frames[i].first, static_cast<std::int64_t>(i));
      decoder.decode(file, slots, local);
      out.back() = overflow ? 1 : 0;
      return out;
    });
  } catch (const IsolatedFailure& e) {
    throw DecodeError(e.what());
  }
  if (bytes.size() != n * sliceBytes + 1)
    throw DecodeError(what + " returned " + std::to_string(bytes.size()) + " bytes");
  if (bytes.back()) target.overflow->store(true);
  for (std::size_t i = 0; i < n; ++i)
    std::memcpy(target.slice(frames[i].second), bytes.data() + i * sliceBytes, sliceBytes);
}

}  // namespace

const PixelDecoder& decoderFor(Decoder which) {
  static const DcmtkDecoder dcmtk;
  static const GdcmDecoder gdcm;
  static const Jpeg2000Decoder openJpeg;
  static const DicomImageDecoder dicomImage;
  static const FloatDataDecoder floatData;
  switch (which) {
    case Decoder::Dcmtk:
      return dcmtk;
    case Decoder::Gdcm:
      return gdcm;
    case Decoder::OpenJpeg:
      return openJpeg;
    case Decoder::DicomImage:
      return dicomImage;
    case Decoder::FloatData:
      return floatData;
  }
  return dcmtk;
}

std::vector<Decoder> decoderChain(const DicomFile& file) {
  const Decoder first = file.header.decoder;
  std::vector<Decoder> chain{first};
  // A compressed stream DCMTK refused (odd codec parameters) gets one isolated GDCM try; native data never does.
  const bool compressed = file.encapsulated || file.xfer == EXS_DeflatedLittleEndianExplicit;
  if ((first == Decoder::Dcmtk || first == Decoder::DicomImage) && compressed) chain.push_back(Decoder::Gdcm);
  return chain;
}

void decodeFrames(DicomFile& file, const FrameSlots& frames, const DecodeTarget& target) {
  if (file.directCandidate) {  // immutable after parsing: safe to test without the lock
    try {
      kNativeDirect.decode(file, frames, target);
      return;
    } catch (const std::exception&) {
      // not the plain layout after all: DCMTK below reads it, or says why it cannot
    }
  }
  std::string errors;
  for (Decoder which : decoderChain(file)) {
    const PixelDecoder& decoder = decoderFor(which);
    try {
      std::unique_lock<std::mutex> lock(file.mutex, std::defer_lock);
      if (!decoder.threadSafe()) lock.lock();
      if (decoder.isolated(file) && (target.isolate || decoder.alwaysIsolated()))
        decodeIsolated(decoder, file, frames, target);
      else
        decoder.decode(file, frames, target);
      return;
    } catch (const std::exception& e) {
      errors += (errors.empty() ? "" : "; ") + std::string(decoder.name()) + ": " + e.what();
    }
  }
  throw DecodeError(errors);
}

}  // namespace openrad::io::detail
