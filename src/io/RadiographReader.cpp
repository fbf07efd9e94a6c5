#include "RadiographReader.h"

#include "PixelConvert.h"
#include "openrad/io/DicomWriter.h"
#include "openrad/io/IoError.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace openrad::io::detail {
namespace {

namespace fs = std::filesystem;

std::string lowerExtension(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
  return ext;
}

std::uint64_t fnv1a(const char* data, std::size_t n, std::uint64_t h) {
  for (std::size_t i = 0; i < n; ++i) {
    h ^= static_cast<unsigned char>(data[i]);
    h *= 0x100000001b3ULL;
  }
  return h;
}

std::uint32_t be32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) << 24 | static_cast<std::uint32_t>(p[1]) << 16 |
         static_cast<std::uint32_t>(p[2]) << 8 | p[3];
}

std::optional<PlainImageHeader> pngHeader(const std::vector<unsigned char>& b) {
  // Signature, then the IHDR chunk: length, "IHDR", width, height, bit depth, colour type.
  if (b.size() < 26 || std::memcmp(b.data(), "\x89PNG\r\n\x1a\n", 8) != 0 || std::memcmp(b.data() + 12, "IHDR", 4) != 0)
    return std::nullopt;
  PlainImageHeader h;
  h.width = be32(b.data() + 16), h.height = be32(b.data() + 20);
  h.bits = b[24];
  const int colourType = b[25];
  h.samples = colourType == 2 ? 3 : colourType == 4 ? 2 : colourType == 6 ? 4 : 1;
  if (colourType == 3) h.samples = 3, h.bits = 8;  // palette: decoded to colour
  return h;
}

std::optional<PlainImageHeader> jpegHeader(std::ifstream& in) {
  // Markers from SOI on; the first start-of-frame (SOF0..SOF15 but DHT, JPG and DAC) holds the size.
  unsigned char two[2];
  if (!in.read(reinterpret_cast<char*>(two), 2) || two[0] != 0xff || two[1] != 0xd8) return std::nullopt;
  for (int markers = 0; markers < 4096; ++markers) {
    int c = in.get();
    while (c == 0xff) c = in.get();  // fill bytes
    if (c == EOF) return std::nullopt;
    if (c == 0xd8 || (c >= 0xd0 && c <= 0xd7) || c == 0x01) continue;  // no length
    if (c == 0xd9 || c == 0xda) return std::nullopt;                        // end or scan before any frame header
    if (!in.read(reinterpret_cast<char*>(two), 2)) return std::nullopt;
    const int length = two[0] << 8 | two[1];
    if (length < 2) return std::nullopt;
    if (c >= 0xc0 && c <= 0xcf && c != 0xc4 && c != 0xc8 && c != 0xcc) {
      unsigned char sof[6];
      if (length < 8 || !in.read(reinterpret_cast<char*>(sof), 6)) return std::nullopt;
      PlainImageHeader h;
      h.bits = sof[0];
      h.height = static_cast<std::uint64_t>(sof[1] << 8 | sof[2]);
      h.width = static_cast<std::uint64_t>(sof[3] << 8 | sof[4]);
      h.samples = sof[5];
      return h;
    }
    in.seekg(length - 2, std::ios::cur);
  }
  return std::nullopt;
}

std::optional<PlainImageHeader> tiffHeader(std::ifstream& in) {
  unsigned char head[8];
  if (!in.read(reinterpret_cast<char*>(head), 8)) return std::nullopt;
  const bool little = head[0] == 'I' && head[1] == 'I', big = head[0] == 'M' && head[1] == 'M';
  if (!little && !big) return std::nullopt;
  auto u16 = [&](const unsigned char* p) { return little ? (p[0] | p[1] << 8) : (p[0] << 8 | p[1]); };
  auto u32 = [&](const unsigned char* p) {
    return little ? (static_cast<std::uint32_t>(p[3]) << 24 | static_cast<std::uint32_t>(p[2]) << 16 |
                     static_cast<std::uint32_t>(p[1]) << 8 | p[0])
                  : be32(p);
  };
  if (u16(head + 2) != 42) return std::nullopt;  // BigTIFF (43) and others: left to the decoder
  in.seekg(u32(head + 4));
  unsigned char count[2];
  if (!in.read(reinterpret_cast<char*>(count), 2)) return std::nullopt;
  PlainImageHeader h;
  h.width = h.height = 0;
  for (int i = 0, n = std::min(u16(count), 4096); i < n; ++i) {
    unsigned char entry[12];
    if (!in.read(reinterpret_cast<char*>(entry), 12)) return std::nullopt;
    const int tag = u16(entry), type = u16(entry + 2);
    const std::uint32_t value = type == 3 ? static_cast<std::uint32_t>(u16(entry + 8)) : u32(entry + 8);
    if (tag == 256) h.width = value;
    if (tag == 257) h.height = value;
    if (tag == 258 && u32(entry + 4) == 1) h.bits = static_cast<int>(value);  // one sample: the value is inline
    if (tag == 277) h.samples = static_cast<int>(value);
  }
  if (h.width == 0 || h.height == 0) return std::nullopt;
  if (h.bits <= 0 || h.bits > 64) h.bits = 16;
  return h;
}

}  // namespace

std::optional<PlainImageHeader> readPlainImageHeader(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::vector<unsigned char> head(26);
  in.read(reinterpret_cast<char*>(head.data()), static_cast<std::streamsize>(head.size()));
  head.resize(static_cast<std::size_t>(in.gcount()));
  if (auto png = pngHeader(head)) return png;
  in.clear();
  in.seekg(0);
  if (head.size() >= 2 && head[0] == 0xff && head[1] == 0xd8) return jpegHeader(in);
  in.seekg(0);
  return tiffHeader(in);
}

bool isPlainImageFile(const std::string& path) {
  const std::string ext = lowerExtension(path);
  return ext == ".png" || ext == ".jpg" || ext == ".jpeg" || ext == ".tif" || ext == ".tiff";
}

std::string fileUid(const std::string& path, const std::string& purpose) {
  std::error_code ec;
  std::ifstream in(path, std::ios::binary);
  std::uint64_t h = 0xcbf29ce484222325ULL;
  std::vector<char> buffer(1 << 20);
  std::size_t total = 0;
  while (in && total < (std::size_t{16} << 20)) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const auto got = static_cast<std::size_t>(in.gcount());
    h = fnv1a(buffer.data(), got, h);
    total += got;
  }
  const auto size = fs::file_size(path, ec);
  // From the content only (not the path): one image has one identity — and one session — wherever it is opened.
  return uidFromText(purpose + "|" + std::to_string(size) + "|" + std::to_string(h));
}

core::LoadResult readPlainRadiograph(const std::string& path, std::uint64_t maxBytes) {
  // What decoding allocates is known from the header: check it before OpenCV sizes a buffer from it.
  // OpenCV picks its decoder by content, and Debian's build includes GDCM (whose assertions abort) and GDAL readers:
  // only a file whose own signature says PNG, JPEG or TIFF is handed to it.
  const auto header = readPlainImageHeader(path);
  if (!header) throw IoError(path, "not a PNG, JPEG or TIFF image (unrecognised or cut header); not decoded");
  {
    if (header->width == 0 || header->height == 0) throw IoError(path, "image header declares an empty image");
    // Below 2^20 a side the products below cannot wrap.
    const bool tooWide = header->width > (1u << 20) || header->height > (1u << 20);
    const std::uint64_t pixels = tooWide ? 0 : header->width * header->height;
    const auto sampleBytes = static_cast<std::uint64_t>(std::clamp((header->bits + 7) / 8, 1, 8));
    // The decoded film (all its samples) plus our grey copy (up to 4 bytes a pixel for a float conversion).
    const std::uint64_t need = pixels * (static_cast<std::uint64_t>(std::clamp(header->samples, 1, 16)) * sampleBytes + 4);
    if (tooWide || need > maxBytes)
      throw IoError(path, "image of " + std::to_string(header->width) + " x " + std::to_string(header->height) +
                              " pixels would need " + (tooWide ? std::string("more memory") : std::to_string(need >> 20) + " MiB") +
                              " to decode, above the loader's limit of " + std::to_string(maxBytes >> 20) + " MiB; not loaded");
  }
  cv::Mat mat;
  try {
    mat = cv::imread(path, cv::IMREAD_ANYDEPTH | cv::IMREAD_GRAYSCALE);
  } catch (const cv::Exception& e) {
    throw IoError(path, std::string("image could not be decoded: ") + e.what());
  } catch (const std::bad_alloc&) {
    throw IoError(path, "not enough memory to decode the image");
  }
  if (mat.empty()) throw IoError(path, "image could not be decoded (corrupt or unsupported file)");
  if (mat.channels() != 1) {
    cv::Mat grey;
    cv::cvtColor(mat, grey, mat.channels() == 4 ? cv::COLOR_BGRA2GRAY : cv::COLOR_BGR2GRAY);
    mat = grey;
  }
  core::PixelType type;
  switch (mat.depth()) {
    case CV_8U: type = core::PixelType::UInt8; break;
    case CV_16U: type = core::PixelType::UInt16; break;
    case CV_16S: type = core::PixelType::Int16; break;
    default: {
      cv::Mat f;
      mat.convertTo(f, CV_32F);
      mat = f;
      type = core::PixelType::Float32;
    }
  }
  core::Geometry g;
  g.size = {mat.cols, mat.rows, 1};
  g.spacingKnown = false;
  auto image = core::Image::createUninitialised(g, type);
  const std::size_t rowBytes = static_cast<std::size_t>(mat.cols) * core::bytesPerPixel(type);
  for (int r = 0; r < mat.rows; ++r)
    std::memcpy(static_cast<std::byte*>(image->data()) + r * rowBytes, mat.ptr(r), rowBytes);

  const std::string ext = lowerExtension(path);
  auto series = std::make_shared<core::Series>();
  core::SeriesInfo& info = series->info;
  info.seriesUid = fileUid(path, "series");
  info.studyUid = fileUid(path, "study");
  info.frameOfReferenceUid = fileUid(path, "frame");
  info.modality = "OT";
  info.description = fs::path(path).filename().string();
  info.pixelSpacingSource = "none";
  info.sourceFormat = ext == ".png" ? "PNG" : (ext == ".tif" || ext == ".tiff") ? "TIFF" : "JPEG";
  info.files = {path};
  info.sopInstanceUids = {fileUid(path, "sop")};
  info.problems.push_back("no pixel spacing in a " + info.sourceFormat + " file: sizes are in pixels");
  if (isBlankImage(*image)) info.problems.push_back(kBlankImageProblem);
  series->image = std::move(image);
  return singleSeriesResult(std::move(series));
}

}  // namespace openrad::io::detail
