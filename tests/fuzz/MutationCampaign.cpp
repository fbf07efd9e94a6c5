#include "MutationCampaign.h"

#include "DicomBytes.h"
#include "openrad/io/Loader.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <thread>

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace openrad::fuzz {
namespace {

namespace fs = std::filesystem;
using Rng = std::mt19937_64;

using test::le16;
using test::le32;
using test::tag;

std::size_t pick(Rng& rng, std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(rng() % n); }

/// Offset of an explicit-VR little-endian element header with this tag (npos when absent).
std::size_t findElement(const std::string& bytes, std::uint16_t g, std::uint16_t e) {
  const std::string key = tag(g, e);
  std::size_t at = bytes.find(key, 132);
  while (at != std::string::npos && !(at + 6 <= bytes.size() && std::isupper(static_cast<unsigned char>(bytes[at + 4])) &&
                                      std::isupper(static_cast<unsigned char>(bytes[at + 5]))))
    at = bytes.find(key, at + 1);
  return at;
}

bool longVr(const std::string& bytes, std::size_t at) {
  const std::string vr = bytes.substr(at + 4, 2);
  return vr == "OB" || vr == "OW" || vr == "SQ" || vr == "UN" || vr == "UT" || vr == "OF" || vr == "OD" || vr == "OL";
}

const std::pair<std::uint16_t, std::uint16_t> kImageTags[] = {
    {0x0028, 0x0010}, {0x0028, 0x0011}, {0x0028, 0x0002}, {0x0028, 0x0100}, {0x0028, 0x0101},
    {0x0028, 0x0102}, {0x0028, 0x0103}, {0x0028, 0x0006}, {0x0028, 0x0008}, {0x0028, 0x1053},
    {0x0028, 0x0004}, {0x7fe0, 0x0010}, {0x0020, 0x0032}, {0x0020, 0x0037}, {0x0028, 0x0030}};

std::string flipBytes(std::string b, Rng& rng) {
  const int n = 1 + static_cast<int>(pick(rng, 16));
  for (int i = 0; i < n && b.size() > 132; ++i) b[132 + pick(rng, b.size() - 132)] ^= static_cast<char>(1 + pick(rng, 255));
  return b;
}

std::string setLength(std::string b, Rng& rng) {
  const auto [g, e] = kImageTags[pick(rng, std::size(kImageTags))];
  const std::size_t at = findElement(b, g, e);
  if (at == std::string::npos) return flipBytes(std::move(b), rng);
  static const std::uint32_t kLengths[] = {0, 1, 3, 0xfffe, 0xffff, 0x7fffffff, 0xfffffff0, 0xffffffff};
  const std::uint32_t length = kLengths[pick(rng, std::size(kLengths))];
  if (longVr(b, at)) b.replace(at + 8, 4, le32(length));
  else b.replace(at + 6, 2, le16(static_cast<std::uint16_t>(length)));
  return b;
}

std::string setImageValue(std::string b, Rng& rng) {
  static const std::pair<std::uint16_t, std::uint16_t> kUs[] = {{0x0028, 0x0010}, {0x0028, 0x0011}, {0x0028, 0x0002},
                                                                {0x0028, 0x0100}, {0x0028, 0x0101}, {0x0028, 0x0102},
                                                                {0x0028, 0x0103}, {0x0028, 0x0006}};
  const auto [g, e] = kUs[pick(rng, std::size(kUs))];
  const std::size_t at = findElement(b, g, e);
  if (at == std::string::npos || b.compare(at + 4, 2, "US") != 0 || at + 10 > b.size()) return flipBytes(std::move(b), rng);
  static const std::uint16_t kValues[] = {0, 1, 2, 3, 4, 7, 12, 15, 17, 24, 31, 33, 64, 255, 32769, 65535};
  b.replace(at + 8, 2, le16(rng() % 3 == 0 ? static_cast<std::uint16_t>(rng()) : kValues[pick(rng, std::size(kValues))]));
  return b;
}

/// Overwrites a string value in place (same length: nothing else moves).
std::string setText(std::string b, Rng& rng, std::uint16_t g, std::uint16_t e, const std::vector<std::string>& values) {
  const std::size_t at = findElement(b, g, e);
  if (at == std::string::npos || longVr(b, at)) return flipBytes(std::move(b), rng);
  const std::size_t length = static_cast<unsigned char>(b[at + 6]) | static_cast<unsigned char>(b[at + 7]) << 8;
  std::string v = values[pick(rng, values.size())];
  v.resize(length, ' ');
  if (at + 8 + length <= b.size()) b.replace(at + 8, length, v);
  return b;
}

std::string truncate(std::string b, Rng& rng) {
  if (b.size() > 140) b.resize(132 + pick(rng, b.size() - 132));
  return b;
}

std::string nest(std::string b, Rng& rng) {
  static const int kDepths[] = {2, 60, 1000, 6000, 12000};
  const int depth = kDepths[pick(rng, std::size(kDepths))];
  const std::string nested = test::nestedSequences(depth, rng() % 4 != 0);  // sometimes without any delimiter
  const std::size_t at = findElement(b, 0x7fe0, 0x0010);
  b.insert(at == std::string::npos ? b.size() : at, nested);
  return b;
}

std::string breakFragments(std::string b, Rng& rng) {
  const std::string items = tag(0xfffe, 0xe000);
  std::vector<std::size_t> found;
  for (std::size_t at = b.find(items); at != std::string::npos; at = b.find(items, at + 1)) found.push_back(at);
  if (found.empty()) return nest(std::move(b), rng);
  const std::size_t at = found[pick(rng, found.size())];
  switch (pick(rng, 4)) {
    case 0: b.replace(at + 4, 4, le32(0)); break;                     // an empty fragment (the rest is misread)
    case 1: b.replace(at + 4, 4, le32(0xfffffff0u - static_cast<std::uint32_t>(pick(rng, 16)))); break;
    case 2: {                                                          // thousands of empty fragments
      std::string many;
      const std::size_t n = 1000 + pick(rng, 100000);
      for (std::size_t i = 0; i < n; ++i) many += items + le32(0);
      b.insert(at, many);
      break;
    }
    default: b.resize(at + 8 + pick(rng, 64)); break;                  // cut inside a fragment
  }
  return b;
}

std::string swapTransferSyntax(std::string b, Rng& rng) {
  static const char* const kSyntaxes[] = {"1.2.840.10008.1.2",       "1.2.840.10008.1.2.1",    "1.2.840.10008.1.2.2",
                                          "1.2.840.10008.1.2.5",     "1.2.840.10008.1.2.4.50", "1.2.840.10008.1.2.4.70",
                                          "1.2.840.10008.1.2.4.80",  "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.4.201",
                                          "1.2.840.10008.1.2.1.99",  "1.2.3.4"};
  const std::size_t at = b.find(tag(0x0002, 0x0010) + "UI");
  if (at == std::string::npos) return flipBytes(std::move(b), rng);
  const std::size_t length = static_cast<unsigned char>(b[at + 6]) | static_cast<unsigned char>(b[at + 7]) << 8;
  std::string v = kSyntaxes[pick(rng, std::size(kSyntaxes))];
  v.resize(length, '\0');
  if (at + 8 + length <= b.size()) b.replace(at + 8, length, v);
  return b;
}

std::string spliceChunk(std::string b, Rng& rng) {
  if (b.size() < 200) return flipBytes(std::move(b), rng);
  const std::size_t from = 132 + pick(rng, b.size() - 132), n = 1 + pick(rng, std::min<std::size_t>(4096, b.size() - from));
  if (rng() % 2) b.erase(from, n);
  else b.insert(132 + pick(rng, b.size() - 132), b.substr(from, n));
  return b;
}

struct Mutation {
  const char* name;
  std::string (*apply)(std::string, Rng&);
};

const Mutation kMutations[] = {
    {"flip-bytes", flipBytes},
    {"length", setLength},
    {"image-attribute", setImageValue},
    {"frames", [](std::string b, Rng& r) { return setText(std::move(b), r, 0x0028, 0x0008, {"0", "1000", "99999999", "-1", "2"}); }},
    {"rescale", [](std::string b, Rng& r) { return setText(std::move(b), r, 0x0028, 0x1053, {"1e308\\1e308", "0", "nan", "-1e308"}); }},
    {"truncate", truncate},
    {"nesting", nest},
    {"fragments", breakFragments},
    {"transfer-syntax", swapTransferSyntax},
    {"splice", spliceChunk},
};

std::string readFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// The child: loads one file and says how it went in its exit status.
[[noreturn]] void loadInChild(const std::string& path, std::uint64_t memoryLimit) {
  const int null = ::open("/dev/null", O_WRONLY);
  if (null >= 0) {
    ::dup2(null, 1);
    ::dup2(null, 2);
  }
  // On top of what the child already maps, as src/io/Isolation.cpp does: under AddressSanitizer the process maps
  // terabytes of shadow memory before main, and an absolute limit made every load fail (no mutant loaded).
  std::uint64_t mapped = 0;
  if (FILE* statm = std::fopen("/proc/self/statm", "r")) {
    unsigned long long pages = 0;
    if (std::fscanf(statm, "%llu", &pages) == 1) mapped = pages * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE));
    std::fclose(statm);
  }
  rlimit limit{mapped + memoryLimit, mapped + memoryLimit};
  ::setrlimit(RLIMIT_AS, &limit);
  io::LoadOptions options;
  options.threads = 1;
  options.maxImageBytes = memoryLimit / 4;
  try {
    const core::LoadResult r = io::loadPath(path, options);
    if (!r.allSeries().empty()) ::_exit(0);
    for (const auto& issue : r.issues)
      if (issue.file == path && !issue.message.empty()) ::_exit(1);
    ::_exit(4);
  } catch (...) {
    ::_exit(3);
  }
}

}  // namespace

/// The child of a command campaign: runs the command on one file, its output into `output`.
[[noreturn]] void execInChild(const std::vector<std::string>& command, const std::string& path, const std::string& output,
                              std::uint64_t memoryLimit) {
  const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (out >= 0) {
    ::dup2(out, 1);
    ::dup2(out, 2);
  }
  rlimit limit{memoryLimit, memoryLimit};
  ::setrlimit(RLIMIT_AS, &limit);
  std::vector<char*> argv;
  for (const auto& a : command) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(const_cast<char*>(path.c_str()));
  argv.push_back(nullptr);
  ::execvp(argv[0], argv.data());
  ::_exit(127);
}

std::vector<std::string> dicomFilesUnder(const std::string& folder) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::recursive_directory_iterator(folder, ec)) {
    if (!entry.is_regular_file(ec)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    char head[132] = {};
    in.read(head, sizeof head);
    if (in.gcount() == 132 && std::memcmp(head + 128, "DICM", 4) == 0 && entry.file_size(ec) < (64u << 20))
      out.push_back(entry.path().string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

CampaignResult runCampaign(const CampaignOptions& options, bool verbose) {
  CampaignResult result;
  if (options.seeds.empty() || options.workDir.empty()) return result;
  fs::create_directories(options.workDir);
  if (!options.keepDir.empty()) fs::create_directories(options.keepDir);
  std::map<std::string, std::string> seedBytes;
  struct Running {
    int index;
    std::string path, description;
    std::chrono::steady_clock::time_point start;
  };
  std::map<pid_t, Running> running;
  int next = 0;
  const auto fail = [&](const Running& r, const std::string& what) {
    result.failures.push_back(what + ": " + r.description);
    if (!options.keepDir.empty()) {
      std::error_code ec;
      fs::copy_file(r.path, fs::path(options.keepDir) / fs::path(r.path).filename(), fs::copy_options::overwrite_existing, ec);
    }
  };
  while (next < options.count || !running.empty()) {
    while (next < options.count && static_cast<int>(running.size()) < std::max(1, options.parallel)) {
      Rng rng(options.seed * 0x9e3779b97f4a7c15ull + static_cast<std::uint64_t>(next));
      const std::string& seedPath = options.seeds[pick(rng, options.seeds.size())];
      auto it = seedBytes.find(seedPath);
      if (it == seedBytes.end()) it = seedBytes.emplace(seedPath, readFile(seedPath)).first;
      std::string bytes = it->second;
      std::string description = fs::path(seedPath).filename().string();
      const int mutations = 1 + static_cast<int>(pick(rng, 3));
      for (int m = 0; m < mutations; ++m) {
        const Mutation& mutation = kMutations[pick(rng, std::size(kMutations))];
        bytes = mutation.apply(std::move(bytes), rng);
        description += std::string(" +") + mutation.name;
      }
      char name[64];
      std::snprintf(name, sizeof name, "mutant-%llu-%06d.dcm", static_cast<unsigned long long>(options.seed), next);
      const std::string path = (fs::path(options.workDir) / name).string();
      std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      const pid_t pid = ::fork();
      if (pid == 0) {
        if (options.command.empty()) loadInChild(path, options.memoryLimit);
        execInChild(options.command, path, path + ".out", options.memoryLimit);
      }
      if (pid < 0) {
        ++result.exceptions;
        result.failures.push_back("fork failed: " + description);
        ++next;
        continue;
      }
      running[pid] = Running{next, path, std::string(name) + " (" + description + ")", std::chrono::steady_clock::now()};
      ++next;
      ++result.files;
    }
    int status = 0;
    const pid_t done = ::waitpid(-1, &status, WNOHANG);
    if (done <= 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
      for (auto& [pid, r] : running)
        if (std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count() > options.timeoutSeconds)
          ::kill(pid, SIGKILL);  // reaped below, counted as a hang
      continue;
    }
    auto it = running.find(done);
    if (it == running.end()) continue;
    const Running r = it->second;
    running.erase(it);
    const bool timedOut =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - r.start).count() > options.timeoutSeconds;
    if (WIFSIGNALED(status)) {
      if (timedOut && WTERMSIG(status) == SIGKILL) {
        ++result.hangs;
        fail(r, "hang");
      } else {
        ++result.crashes;
        fail(r, std::string("crash (") + strsignal(WTERMSIG(status)) + ")");
      }
    } else if (WIFEXITED(status) && !options.command.empty()) {
      const int code = WEXITSTATUS(status);
      const std::string output = readFile(r.path + ".out");
      if (code == 0) {
        ++result.loaded;
      } else if ((code == 1 || code == 2) && output.find(fs::path(r.path).filename().string()) != std::string::npos) {
        ++result.refused;
      } else if (code == 1 || code == 2) {
        ++result.silent;
        fail(r, "exit " + std::to_string(code) + " without a message naming the file");
      } else {
        ++result.exceptions;
        fail(r, "exit status " + std::to_string(code) + ": " + output.substr(0, 200));
      }
    } else if (WIFEXITED(status)) {
      switch (WEXITSTATUS(status)) {
        case 0: ++result.loaded; break;
        case 1: ++result.refused; break;
        case 3: ++result.exceptions; fail(r, "exception escaped io::loadPath"); break;
        default: ++result.silent; fail(r, "no image and no message naming the file"); break;
      }
    }
    std::error_code ec;
    fs::remove(r.path, ec);
    fs::remove(r.path + ".out", ec);
    if (verbose && result.files % 100 == 0 && running.empty() == false)
      std::fprintf(stderr, "\r%d/%d mutants", result.files, options.count);
  }
  if (verbose) std::fprintf(stderr, "\n");
  return result;
}

}  // namespace openrad::fuzz
