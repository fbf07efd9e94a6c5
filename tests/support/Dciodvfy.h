#pragma once

#include <cstdio>
#include <filesystem>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

namespace openrad::test {

/// dciodvfy's findings on one file.
struct DciodvfyReport {
  std::vector<std::string> errors, warnings;
  std::string text;
};

/// Runs dciodvfy (Debian dicom3tools) on a file; nullopt when it is not installed.
inline std::optional<DciodvfyReport> runDciodvfy(const std::filesystem::path& file) {
  const char* exe = "/usr/bin/dciodvfy";
  if (!std::filesystem::exists(exe)) return std::nullopt;
  const std::string cmd = std::string(exe) + " '" + file.string() + "' 2>&1";
  FILE* pipe = ::popen(cmd.c_str(), "r");
  if (!pipe) return std::nullopt;
  DciodvfyReport r;
  char buf[4096];
  while (std::fgets(buf, sizeof buf, pipe)) r.text += buf;
  ::pclose(pipe);
  std::istringstream lines(r.text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("Error", 0) == 0) r.errors.push_back(line);
    else if (line.rfind("Warning", 0) == 0) r.warnings.push_back(line);
  }
  return r;
}

}  // namespace openrad::test
