#pragma once

#include <stdexcept>
#include <string>

namespace openrad::ai {

/// A model could not be used: missing or malformed manifest, weights that fail their SHA-256 check,
/// weights that do not load. Names the file and the reason.
class ModelError : public std::runtime_error {
public:
  ModelError(std::string file, std::string reason)
      : std::runtime_error(file + ": " + reason), m_file(std::move(file)), m_reason(std::move(reason)) {}
  /// The file concerned (manifest or weights).
  const std::string& file() const { return m_file; }
  /// Why it was refused, for the user.
  const std::string& reason() const { return m_reason; }

private:
  std::string m_file, m_reason;
};

}  // namespace openrad::ai
