#include "DicomDir.h"
#include "DicomHeader.h"
#include "DicomStructure.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>

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

/// The records' files (DCMTK parses the DICOMDIR: its structure has been walked already).
std::vector<std::string> referencedFiles(const std::string& dicomdir, std::vector<core::LoadIssue>& issues) {
  std::vector<std::string> files;
  DcmFileFormat file;
  const OFCondition status = file.loadFile(OFFilename(dicomdir.c_str()), EXS_Unknown, EGL_noChange, kLazyReadLength);
  if (status.bad()) {
    issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir,
                                     std::string("unreadable DICOMDIR: ") + status.text()});
    return files;
  }
  DcmSequenceOfItems* records = nullptr;
  if (file.getDataset()->findAndGetSequence(DCM_DirectoryRecordSequence, records).bad() || !records) {
    issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir, "DICOMDIR without directory records"});
    return files;
  }
  const fs::path root = fs::path(dicomdir).parent_path();
  std::set<std::string> seen;
  for (unsigned long i = 0; i < records->card(); ++i) {
    OFString id;
    if (records->getItem(i)->findAndGetOFStringArray(DCM_ReferencedFileID, id).bad() || id.empty()) continue;
    // Resolve component by component, case-insensitively (media IDs are upper case).
    fs::path p = root;
    std::stringstream parts(id.c_str());
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
      issues.push_back(core::LoadIssue{
          core::LoadIssue::Severity::Error, dicomdir,
          std::string("ReferencedFileID \"") + id.c_str() + "\" points outside the DICOMDIR's folder; not opened"});
      continue;
    }
    if (!found) {
      issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, (root / id.c_str()).string(),
                                       "file listed in DICOMDIR not found"});
      continue;
    }
    if (seen.insert(p.string()).second) files.push_back(p.string());
  }
  return files;
}

}  // namespace

std::vector<std::string> dicomDirFiles(const std::string& dicomdir, std::vector<core::LoadIssue>& issues) {
  registerDicomCodecs();
  std::vector<std::string> files;
  const std::size_t issuesBefore = issues.size();
  // The same first look as every DICOM file gets: only a regular file, its structure walked before DCMTK parses it.
  std::error_code typeError;
  if (fs::status(dicomdir, typeError).type() != fs::file_type::regular) {
    issues.push_back(
        core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir, "DICOMDIR is not a regular file; skipped"});
    return files;
  }
  try {
    (void)scanDicomStructure(dicomdir);
  } catch (const StructureError& e) {
    issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir,
                                     std::string("malformed DICOMDIR, not parsed: ") + e.what()});
    return files;
  }
  try {
    files = referencedFiles(dicomdir, issues);
  } catch (const std::exception& e) {
    // DCMTK 3.6.7 throws out of loadFile on some damaged records (std::out_of_range from DcmByteString::verify).
    issues.push_back(
        core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir, std::string("unreadable DICOMDIR: ") + e.what()});
    return {};
  }
  if (files.empty() && issues.size() == issuesBefore)
    issues.push_back(core::LoadIssue{core::LoadIssue::Severity::Error, dicomdir, "DICOMDIR references no image file"});
  return files;
}

}  // namespace openrad::io::detail
