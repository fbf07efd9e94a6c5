#pragma once

#include <filesystem>
#include <random>
#include <string>

namespace openrad::test {

/// A scratch folder under the system temp dir, removed when the object goes away.
class TempDir {
public:
  explicit TempDir(const std::string& tag = "openrad") {
    std::random_device rd;
    m_path = std::filesystem::temp_directory_path() / (tag + "-" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  /// The folder.
  const std::filesystem::path& path() const { return m_path; }
  /// A path inside the folder.
  std::string file(const std::string& name) const { return (m_path / name).string(); }

private:
  std::filesystem::path m_path;
};

}  // namespace openrad::test
