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

}  // namespace

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

core::LoadResult readPlainRadiograph(const std::string& path) {
  cv::Mat mat;
  try {
    mat = cv::imread(path, cv::IMREAD_ANYDEPTH | cv::IMREAD_GRAYSCALE);
  } catch (const cv::Exception& e) {
    throw IoError(path, std::string("image could not be decoded: ") + e.what());
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
