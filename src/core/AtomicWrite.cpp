#include "openrad/core/AtomicWrite.h"

#include "openrad/core/Errors.h"

#include <fcntl.h>
#include <sys/types.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>

namespace openrad::core {
namespace {

std::string errnoText(int error) { return std::strerror(error); }

/// SplitMix64 finaliser: spreads a counter into well-mixed bits.
std::uint64_t mix(std::uint64_t x) {
  x += 0x9E3779B97F4A7C15ULL;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
  return x ^ (x >> 31);
}

/// Per-process random seed; falls back on the clock where no random device is available.
std::uint64_t processSeed() {
  static const std::uint64_t seed = [] {
    std::uint64_t s = static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
    try {
      std::random_device device;
      s ^= (static_cast<std::uint64_t>(device()) << 32) ^ device();
    } catch (...) {
    }
    return mix(s);
  }();
  return seed;
}

/// The folder holding `path` ("." for a bare name).
std::string folderOf(const std::string& path) {
  const auto slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

/// fsync of a folder after a rename in it; errors are ignored (some file systems refuse it).
void syncFolder(const std::string& folder) {
  const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/// fsync that tolerates file systems without it (EINVAL, ENOTSUP, EROFS); returns the errno of a real failure.
int syncFile(int fd) {
  while (::fsync(fd) != 0) {
    if (errno == EINTR) continue;
    if (errno == EINVAL || errno == ENOTSUP || errno == EROFS) return 0;
    return errno;
  }
  return 0;
}

/// Removes the temporary file and throws IoError(path, reason).
[[noreturn]] void failAndRemove(const std::string& tempPath, const std::string& path, const std::string& reason) {
  ::unlink(tempPath.c_str());
  throw IoError(path, reason);
}

/// Renames the flushed temporary file over `path`, then syncs the folder so the rename itself is durable.
void renameIntoPlace(const std::string& tempPath, const std::string& path) {
  if (::rename(tempPath.c_str(), path.c_str()) != 0)
    failAndRemove(tempPath, path, "cannot replace: " + errnoText(errno));
  syncFolder(folderOf(path));
}

}  // namespace

std::string uniqueTempPath(const std::string& path) {
  static std::atomic<std::uint64_t> counter{0};
  const std::uint64_t c = counter.fetch_add(1) + 1;
  const std::uint64_t random = mix(processSeed() ^ (c * 0xD1B54A32D192ED03ULL));
  char suffix[80];
  std::snprintf(suffix, sizeof suffix, ".tmp-%ld-%llu-%08llx", static_cast<long>(::getpid()),
                static_cast<unsigned long long>(c), static_cast<unsigned long long>(random & 0xFFFFFFFFULL));
  return path + suffix;
}

void commitTempFile(const std::string& tempPath, const std::string& path) {
  const int fd = ::open(tempPath.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) failAndRemove(tempPath, path, "cannot open temporary file " + tempPath + ": " + errnoText(errno));
  const int syncError = syncFile(fd);
  ::close(fd);
  if (syncError != 0) failAndRemove(tempPath, path, "cannot flush to disk: " + errnoText(syncError));
  renameIntoPlace(tempPath, path);
}

void writeFileAtomically(const std::string& path, const std::string& bytes) {
  std::string tmp;
  int fd = -1;
  for (int attempt = 0; fd < 0; ++attempt) {
    tmp = uniqueTempPath(path);
    fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0 && (errno != EEXIST || attempt >= 16))
      throw IoError(path, "cannot create temporary file: " + errnoText(errno));
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string why = n < 0 ? errnoText(errno) : "no progress";
      ::close(fd);
      failAndRemove(tmp, path, "cannot write: " + why);
    }
    done += static_cast<std::size_t>(n);
  }
  const int syncError = syncFile(fd);
  if (syncError != 0) {
    ::close(fd);
    failAndRemove(tmp, path, "cannot flush to disk: " + errnoText(syncError));
  }
  if (::close(fd) != 0 && errno != EINTR) failAndRemove(tmp, path, "cannot write: " + errnoText(errno));
  renameIntoPlace(tmp, path);
}

std::string safeFileName(const std::string& text) {
  std::string out;
  for (char c : text) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  return out;
}

}  // namespace openrad::core
