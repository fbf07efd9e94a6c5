#include "openrad/report/FindingsFolder.h"

#include "openrad/io/IoError.h"

#include <filesystem>
#include <system_error>

namespace openrad::report {

const std::vector<std::string>& findingsFolderFiles() {
  static const std::vector<std::string> files = {"measurements.csv", "landmarks.csv", "findings.json", "overlay.png",
                                                 "report.pdf"};
  return files;
}

std::vector<std::string> writeFindingsFolder(const ReportInput& input, const std::string& folder) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder))
    throw io::IoError(folder, "cannot create the output folder" + (ec ? ": " + ec.message() : std::string()));
  const auto file = [&](const char* name) { return (fs::path(folder) / name).string(); };
  writeMeasurementsCsv(input, file("measurements.csv"));
  writeLandmarksCsv(input, file("landmarks.csv"));
  writeFindingsJson(input, file("findings.json"));
  writeKeyImagePng(input, file("overlay.png"));
  writePdfReport(input, file("report.pdf"));
  std::vector<std::string> written;
  for (const auto& name : findingsFolderFiles()) written.push_back(file(name.c_str()));
  return written;
}

}  // namespace openrad::report
