#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace openrad::ai {

/// SHA-256 (FIPS 180-4), streaming.
class Sha256 {
public:
  Sha256();
  /// Feeds bytes.
  void update(const void* data, std::size_t size);
  /// Feeds a string's bytes.
  void update(const std::string& bytes) { update(bytes.data(), bytes.size()); }
  /// Finishes and returns the 32-byte digest (the object must not be fed afterwards).
  std::array<std::uint8_t, 32> digest();
  /// Finishes and returns the digest as 64 lower-case hex digits.
  std::string hexDigest();

  /// Digest of a byte string, hex.
  static std::string hashHex(const std::string& bytes);
  /// Digest of a file's bytes, hex; throws ModelError when the file cannot be read.
  static std::string fileHex(const std::string& path);

private:
  void block(const std::uint8_t* p);

  std::array<std::uint32_t, 8> m_state{};
  std::array<std::uint8_t, 64> m_buffer{};
  std::size_t m_buffered = 0;
  std::uint64_t m_totalBytes = 0;
};

}  // namespace openrad::ai
