#include "openrad/io/Loader.h"

#include <unistd.h>

#include "DicomSeriesLoader.h"
#include "LoadContext.h"
#include "PixelConvert.h"
#include "RadiographReader.h"
#include "openrad/io/Nifti.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>

namespace openrad::io {
namespace {

namespace fs = std::filesystem;
using Sev = core::LoadIssue::Severity;

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

bool endsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

struct Inputs {
  std::vector<std::string> dicom, nifti, plain;
  std::vector<core::LoadIssue> issues;
};

void classify(const std::string& file, bool fromFolder, Inputs& in) {
  const std::string name = lower(fs::path(file).filename().string());
  if (endsWith(name, ".nii") || endsWith(name, ".nii.gz")) {
    in.nifti.push_back(file);
    return;
  }
  if (detail::isPlainImageFile(file)) {
    in.plain.push_back(file);
    return;
  }
  if (detail::isDicomDir(file)) {
    // In a folder scan the referenced files are found anyway; a DICOMDIR given alone is followed.
    if (!fromFolder) {
      for (auto& f : detail::dicomDirFiles(file, in.issues)) in.dicom.push_back(std::move(f));
    }
    return;
  }
  // Everything else is a DICOM candidate: the header workers sniff and report non-DICOM files in
  // parallel, so the folder scan itself never opens a file.
  in.dicom.push_back(file);
}

void scanFolder(const fs::path& folder, Inputs& in, const detail::LoadContext& context, int depth) {
  context.checkCancel();
  std::error_code ec;
  fs::directory_iterator it(folder, ec), end;
  if (ec) {
    in.issues.push_back(core::LoadIssue{Sev::Error, folder.string(), "cannot open folder: " + ec.message()});
    return;
  }
  std::vector<fs::path> files, folders;
  for (; it != end; it.increment(ec)) {
    if (ec) {
      in.issues.push_back(core::LoadIssue{Sev::Error, folder.string(), "folder listing failed: " + ec.message()});
      break;
    }
    std::error_code typeError;
    const auto status = it->status(typeError);
    if (typeError) {
      in.issues.push_back(core::LoadIssue{Sev::Warning, it->path().string(), "broken link or unreadable entry: " + typeError.message()});
      continue;
    }
    if (fs::is_directory(status))
      folders.push_back(it->path());
    else if (fs::is_regular_file(status))
      files.push_back(it->path());
  }
  std::sort(files.begin(), files.end());
  std::sort(folders.begin(), folders.end());
  for (const auto& f : files) classify(f.string(), true, in);
  if (depth > 32) {
    in.issues.push_back(core::LoadIssue{Sev::Warning, folder.string(), "folders nested too deep; not scanned further"});
    return;
  }
  for (const auto& f : folders) scanFolder(f, in, context, depth + 1);
}

core::LoadResult loadNifti(const std::string& file, std::uint64_t maxBytes) {
  auto image = readNifti(file, maxBytes);
  auto series = std::make_shared<core::Series>();
  auto& info = series->info;
  info.seriesUid = detail::fileUid(file, "series");
  info.studyUid = detail::fileUid(file, "study");
  info.frameOfReferenceUid = detail::fileUid(file, "frame");
  info.modality = "OT";
  info.description = fs::path(file).filename().string();
  info.pixelSpacingSource = "NIfTI";
  info.sourceFormat = "NIfTI";
  info.files = {file};
  if (detail::isBlankImage(*image)) info.problems.push_back(detail::kBlankImageProblem);
  series->image = std::move(image);
  return detail::singleSeriesResult(std::move(series));
}

}  // namespace

std::uint64_t maxImageBytes(const LoadOptions& options) {
  if (options.maxImageBytes > 0) return options.maxImageBytes;
  const long pages = ::sysconf(_SC_PHYS_PAGES), pageSize = ::sysconf(_SC_PAGESIZE);
  const std::uint64_t physical =
      pages > 0 && pageSize > 0 ? static_cast<std::uint64_t>(pages) * static_cast<std::uint64_t>(pageSize) : (8ull << 30);
  return std::min<std::uint64_t>(physical / 2, 16ull << 30);
}

core::LoadResult loadPath(const std::string& path, const LoadOptions& options) {
  std::error_code ec;
  const auto status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw IoError(path, "no such file or folder");
  const detail::LoadContext context(options);
  context.progress(0.0, "Scanning " + path);

  Inputs in;
  if (fs::is_directory(status)) {
    fs::directory_iterator probe(path, ec);
    if (ec) throw IoError(path, "cannot open folder: " + ec.message());
    scanFolder(path, in, context, 0);
  } else {
    // Only plain files: opening a FIFO or a device could block forever.
    if (!fs::is_regular_file(status)) throw IoError(path, "not a regular file or folder");
    std::ifstream probe(path, std::ios::binary);
    if (!probe) throw IoError(path, std::string("cannot open file: ") + std::strerror(errno));
    classify(path, false, in);
  }

  core::LoadResult result;
  result.issues = std::move(in.issues);
  const double dicomEnd = in.nifti.empty() && in.plain.empty() ? 1.0 : 0.9;
  if (!in.dicom.empty()) result.merge(detail::loadDicomFiles(in.dicom, context.sub(0.02, dicomEnd)));

  const std::size_t others = in.nifti.size() + in.plain.size();
  const std::uint64_t ceiling = maxImageBytes(options);
  std::size_t done = 0;
  auto next = [&](const std::string& file) {
    context.progress(dicomEnd + (1.0 - dicomEnd) * static_cast<double>(done++) / static_cast<double>(others),
                     "Reading " + fs::path(file).filename().string());
  };
  for (const auto& file : in.nifti) {
    next(file);
    try {
      result.merge(loadNifti(file, ceiling));
    } catch (const IoError& e) {
      result.issues.push_back(core::LoadIssue{Sev::Error, file, e.reason()});
    } catch (const std::exception& e) {
      result.issues.push_back(core::LoadIssue{Sev::Error, file, e.what()});
    }
  }
  for (const auto& file : in.plain) {
    next(file);
    try {
      result.merge(detail::readPlainRadiograph(file, ceiling));
    } catch (const IoError& e) {
      result.issues.push_back(core::LoadIssue{Sev::Error, file, e.reason()});
    } catch (const std::exception& e) {
      result.issues.push_back(core::LoadIssue{Sev::Error, file, e.what()});
    }
  }
  context.progress(1.0, "Loaded");
  return result;
}

}  // namespace openrad::io
