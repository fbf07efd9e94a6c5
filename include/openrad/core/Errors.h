#pragma once

// Error types shared by every layer (io, phantom, ai, ...); std only.

#include <stdexcept>
#include <string>
#include <utility>

namespace openrad::core {

/// A file could not be read or written; names the file and the reason.
class IoError : public std::runtime_error {
public:
  IoError(std::string file, std::string reason)
      : std::runtime_error(file + ": " + reason), m_file(std::move(file)), m_reason(std::move(reason)) {}
  /// The file concerned.
  const std::string& file() const { return m_file; }
  /// Why it failed, for the user.
  const std::string& reason() const { return m_reason; }

private:
  std::string m_file, m_reason;
};

/// The operation was cancelled by the caller.
class Cancelled : public std::runtime_error {
public:
  Cancelled() : std::runtime_error("cancelled") {}
};

}  // namespace openrad::core
