#pragma once

#include "openrad/core/Csv.h"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace openrad::test {

/// Whole file as a string ("" when missing).
inline std::string readFile(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::stringstream s;
  s << f.rdbuf();
  return s.str();
}

/// Runs a shell command; returns its exit status and its stdout (+ stderr unless `stderrToo` is false).
inline int runCommand(const std::string& command, std::string& output, bool stderrToo = true) {
  output.clear();
  FILE* pipe = ::popen((command + (stderrToo ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (!pipe) return -1;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output.append(buf, n);
  const int status = ::pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// True when `program` is on PATH.
inline bool haveProgram(const std::string& program) {
  std::string out;
  return runCommand("command -v " + program, out) == 0;
}

/// Fields of one CSV line (RFC 4180 quoting).
inline std::vector<std::string> csvFields(const std::string& line) { return core::csvFields(line); }

/// True when `text` holds `what`.
inline bool contains(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

/// Lines of a text file without the trailing newline.
inline std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream s(text);
  for (std::string line; std::getline(s, line);) out.push_back(line);
  return out;
}

}  // namespace openrad::test
