#include "DicomDir.h"
#include "DicomStructure.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <sstream>

namespace openrad::io::detail {

namespace fs = std::filesystem;

bool isDicomDir(const std::string& path) {
  std::string name = fs::path(path).filename().string();
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::toupper(c); });
  return name == "DICOMDIR";
}

namespace {

/// The records' files, resolved component by component against the DICOMDIR's folder.
std::vector<std::string> resolve(const std::string& dicomdir, const std::vector<std::string>& fileIds,
                                 std::vector<core::LoadIssue>& issues) {
  std::vector<std::string> files;
  const fs::path root = fs::path(dicomdir).parent_path();
  std::set<std::string> seen;
  for (const std::string& id : fileIds) {
    if (id.empty()) continue;
    // Resolve component by component, case-insensitively (media IDs are upper case).
    fs::path p = root;
    std::stringstream parts(id);
    std::string part;
    bool found = true;
    bool confined = true;
    while (std::getline(parts, part, '\\')) {
      while (!part.empty() && part.back() == ' ') part.pop_back();
      if (part.empty()) continue;
      // A file ID names a file below the DICOMDIR's folder (PS3.10: components of up to 8 characters): never a
      // parent, the root or a path with its own separators.
      if (part == "." || part == ".." || part.find('/') != std::string::npos || fs::path(part).is_absolute()) {
        confined = false;
        break;
      }
      fs::path next = p / part;
      std::error_code ec;
      if (!fs::exists(next, ec)) {
        found = false;
        for (const auto& entry : fs::directory_iterator(p, ec)) {
          std::string a = entry.path().filename().string(), b = part;
          std::transform(a.begin(), a.end(), a.begin(), ::toupper);
          std::transform(b.begin(), b.end(), b.begin(), ::toupper);
          if (a == b) {
            next = entry.path();
            found = true;
            break;
          }
        }
        if (!found) break;
      }
      p = next;
    }
    if (confined && found) {
      // Symbolic links may still lead out of the folder: compare where the file really is.
      std::error_code ec;
      const fs::path real = fs::weakly_canonical(p, ec), base = fs::weakly_canonical(root.empty() ? "." : root, ec);
      const auto rel = real.lexically_relative(base);
      confined = !ec && !rel.empty() && *rel.begin() != "..";
    }
    if (!confined) {
      issues.push_back(
          core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir,
                          "ReferencedFileID \"" + id + "\" points outside the DICOMDIR's folder; not opened"});
      continue;
    }
    if (!found) {
      issues.push_back(
          core::LoadIssue{core::LoadIssue::Severity::Error, (root / id).string(), "file listed in DICOMDIR not found"});
      continue;
    }
    if (seen.insert(p.string()).second) files.push_back(p.string());
  }
  return files;
}

}  // namespace

std::vector<std::string> dicomDirFiles(const std::string& dicomdir, std::vector<core::LoadIssue>& issues) {
  std::vector<std::string> files;
  const std::size_t issuesBefore = issues.size();
  // Only a regular file (a FIFO would block).
  std::error_code typeError;
  if (fs::status(dicomdir, typeError).type() != fs::file_type::regular) {
    issues.push_back(
        core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir, "DICOMDIR is not a regular file; skipped"});
    return files;
  }
  // The records are read by the structure walk itself (no DCMTK: its DICOMDIR parser threw out of loadFile and
  // leaked on damaged records): iterative, bounded, and the ReferencedFileIDs come out as they are stored.
  StructureScan scan;
  try {
    scan = scanDicomStructure(dicomdir);
  } catch (const std::exception& e) {
    issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir,
                                     std::string("malformed DICOMDIR, not parsed: ") + e.what()});
    return files;
  }
  if (scan.directoryRecords < 0) {
    issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir, "DICOMDIR without directory records"});
    return files;
  }
  files = resolve(dicomdir, scan.referencedFileIds, issues);
  if (files.empty() && issues.size() == issuesBefore)
    issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir, "DICOMDIR references no image file"});
  return files;
}

}  // namespace openrad::io::detail
