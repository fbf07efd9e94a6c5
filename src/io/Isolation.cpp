#include "Isolation.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace openrad::io::detail {
namespace {

bool writeAll(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t done = ::write(fd, data, n);
    if (done < 0 && errno == EINTR) continue;
    if (done <= 0) return false;
    data += done;
    n -= static_cast<std::size_t>(done);
  }
  return true;
}

}  // namespace

std::string runIsolated(const std::string& what, const std::function<std::string()>& work, const IsolationLimits& limits) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw IsolatedFailure(what + " could not be isolated: " + std::strerror(errno));
  const pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    throw IsolatedFailure(what + " could not be isolated: " + std::strerror(errno));
  }
  if (pid == 0) {
    // The child: limits first, then the work; the first byte says whether the rest is a result or a message.
    ::close(fds[0]);
    // The child inherits the parent's mappings (libraries, loaded volumes): the limit is on top of those.
    std::uint64_t mapped = 0;
    if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
      unsigned long long pages = 0;
      if (std::fscanf(statm, "%llu", &pages) == 1) mapped = pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
      std::fclose(statm);
    }
    rlimit limit{mapped + limits.addressSpace, mapped + limits.addressSpace};
    ::setrlimit(RLIMIT_AS, &limit);
    rlimit noCore{0, 0};
    ::setrlimit(RLIMIT_CORE, &noCore);
    std::string out;
    char status = 'R';
    try {
      out = work();
    } catch (const std::exception& e) {
      status = 'E';
      out = e.what();
    } catch (...) {
      status = 'E';
      out = "unknown error";
    }
    const bool ok = writeAll(fds[1], &status, 1) && writeAll(fds[1], out.data(), out.size());
    ::_exit(ok ? 0 : 1);
  }
  ::close(fds[1]);
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(limits.seconds);
  bool timedOut = false;
  char buffer[1 << 16];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      timedOut = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int ready = ::poll(&p, 1, static_cast<int>(std::min<long long>(left.count(), 1000)));
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) continue;
    const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // the child closed its end: done or dead
    received.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  if (timedOut) ::kill(pid, SIGKILL);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timedOut) throw IsolatedFailure(what + " ran past " + std::to_string(static_cast<int>(limits.seconds)) + " s and was stopped");
  if (WIFSIGNALED(status))
    throw IsolatedFailure(what + " aborted on this stream (signal " + std::to_string(WTERMSIG(status)) + ", " +
                          strsignal(WTERMSIG(status)) + "): the data is corrupt");
  if (received.empty() || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw IsolatedFailure(what + " failed without a result (out of memory?)");
  const bool failed = received[0] == 'E';
  received.erase(0, 1);  // in place: the result may be a whole decoded volume
  if (failed) throw IsolatedFailure(received);
  return received;
}

}  // namespace openrad::io::detail
