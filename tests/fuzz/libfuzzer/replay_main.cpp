// Replays files through a libFuzzer target's LLVMFuzzerTestOneInput without libFuzzer, so that the inputs kept in
// tests/fuzz/regressions/<target>/ run in the ordinary (gcc) test suite. Each argument is a file or a folder (its
// regular files, recursively, sorted). A folder that is missing or holds no file is a failure: a regression set
// that silently became empty would test nothing.
// Linked with replay_alloc.cpp, which caps single allocations as libFuzzer's -malloc_limit_mb does.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);


int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s FILE_OR_FOLDER...\n", argv[0]);
    return 2;
  }
  std::vector<fs::path> files;
  for (int i = 1; i < argc; ++i) {
    const fs::path arg = argv[i];
    std::error_code ec;
    if (fs::is_regular_file(arg, ec)) {
      files.push_back(arg);
      continue;
    }
    if (!fs::is_directory(arg, ec)) {
      std::fprintf(stderr, "error: %s does not exist\n", arg.c_str());
      return 2;
    }
    std::vector<fs::path> found;
    for (const auto& e : fs::recursive_directory_iterator(arg, ec))
      if (e.is_regular_file() && e.path().filename().string()[0] != '.') found.push_back(e.path());
    if (found.empty()) {
      std::fprintf(stderr, "error: %s holds no input\n", arg.c_str());
      return 2;
    }
    std::sort(found.begin(), found.end());
    files.insert(files.end(), found.begin(), found.end());
  }
  for (const auto& f : files) {
    std::ifstream in(f, std::ios::binary);
    if (!in) {
      std::fprintf(stderr, "error: cannot read %s\n", f.c_str());
      return 2;
    }
    const std::vector<char> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::fprintf(stderr, "replay %s (%zu bytes)\n", f.c_str(), bytes.size());
    std::fflush(stderr);
    // A copy of exactly `size` bytes, as libFuzzer passes them, so an overread is outside the allocation.
    std::vector<std::uint8_t> data(bytes.begin(), bytes.end());
    LLVMFuzzerTestOneInput(data.data(), data.size());
  }
  std::printf("replayed %zu inputs: no crash\n", files.size());
  return 0;
}
