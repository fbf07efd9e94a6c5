#pragma once

// Crash-safe file replacement (POSIX): readers see the old file or the new one, never a torn mix.

#include <string>

namespace openrad::core {

/// A fresh name next to `path` for a temporary file ("<path>.tmp-<pid>-<counter>-<random>"); not created.
std::string uniqueTempPath(const std::string& path);

/// Flushes the finished file `tempPath` to disk, renames it over `path` (same folder) and syncs the folder (best
/// effort). On failure removes `tempPath` and throws IoError naming `path`.
void commitTempFile(const std::string& tempPath, const std::string& path);

/// Replaces `path` with `bytes` atomically: writes a uniquely named temporary file (O_EXCL) in the same folder,
/// fsyncs it and renames it over `path`. On failure removes the temporary file and throws IoError naming `path`.
void writeFileAtomically(const std::string& path, const std::string& bytes);

/// `text` made safe as one file or folder name: letters, digits, '-' and '.' kept, anything else '_'.
std::string safeFileName(const std::string& text);

}  // namespace openrad::core
