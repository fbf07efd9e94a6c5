#pragma once

// Helpers of the lumbar MRI and head CT phantom tests: scratch folders, tree comparison.

#include "Dciodvfy.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace openrad::test {

/// The scratch root of this process; removed when the test program ends.
inline std::filesystem::path scratchRoot() {
  return std::filesystem::temp_directory_path() / ("openrad_mrict_" + std::to_string(::getpid()));
}

/// Removes the scratch root after the last test.
class ScratchCleanup : public ::testing::Environment {
public:
  void TearDown() override {
    std::error_code ec;
    std::filesystem::remove_all(scratchRoot(), ec);
  }
};
inline ::testing::Environment* const kScratchCleanup = ::testing::AddGlobalTestEnvironment(new ScratchCleanup);

/// An empty folder under the system temp dir, unique to this process.
inline std::filesystem::path scratchDir(const std::string& name) {
  const auto dir = scratchRoot() / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

/// A generated dataset shared by the test processes of one test binary (ctest runs every test in its
/// own process): generated once into the working directory, keyed by the binary's size and time.
inline std::filesystem::path cachedDataset(const std::string& name,
                                           const std::function<void(const std::filesystem::path&)>& generate) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  const std::string key = ec ? std::to_string(::getpid())
                             : std::to_string(fs::last_write_time(exe).time_since_epoch().count()) + "_" +
                                   std::to_string(fs::file_size(exe));
  const fs::path root = fs::current_path() / "mrict_test_cache";
  const fs::path final = root / (name + "_" + key);
  if (fs::exists(final / "manifest.json")) return final;
  const fs::path tmp = root / (name + "_tmp_" + std::to_string(::getpid()));
  fs::remove_all(tmp, ec);
  fs::create_directories(tmp);
  generate(tmp);
  fs::rename(tmp, final, ec);  // another process may have finished first: then keep theirs
  if (ec) fs::remove_all(tmp, ec);
  for (const auto& e : fs::directory_iterator(root, ec)) {
    const std::string f = e.path().filename().string();
    if (f.rfind(name + "_", 0) == 0 && e.path() != final && f.find("_tmp_") == std::string::npos)
      fs::remove_all(e.path(), ec);  // datasets of older builds
  }
  return final;
}

/// Whole file as bytes.
inline std::string readBytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Both folders hold the same relative files with the same bytes.
inline void expectSameTree(const std::filesystem::path& a, const std::filesystem::path& b) {
  namespace fs = std::filesystem;
  auto list = [](const fs::path& root) {
    std::set<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(root))
      if (e.is_regular_file()) files.insert(fs::relative(e.path(), root).string());
    return files;
  };
  const auto fa = list(a), fb = list(b);
  ASSERT_EQ(fa, fb);
  ASSERT_FALSE(fa.empty());
  for (const auto& f : fa) EXPECT_TRUE(readBytes(a / f) == readBytes(b / f)) << f << " differs";
}

}  // namespace openrad::test
