#include "openrad/core/AtomicWrite.h"
#include "openrad/core/Errors.h"
#include "openrad/core/ParallelFor.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

using namespace openrad;
namespace fs = std::filesystem;

namespace {

std::string readAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> namesIn(const fs::path& folder) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(folder)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

void sleepMs(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

// ---- atomic write ----

TEST(AtomicWrite, CreatesThenReplacesContent) {
  test::TempDir dir("atomic");
  const std::string path = dir.file("data.bin");
  core::writeFileAtomically(path, "first");
  EXPECT_EQ(readAll(path), "first");
  std::string big(3 << 20, '\0');  // several MiB with NULs: the write loop must take every byte
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>((i * 131) % 251);
  core::writeFileAtomically(path, big);
  EXPECT_EQ(readAll(path), big);
  core::writeFileAtomically(path, "");
  EXPECT_TRUE(fs::exists(path));
  EXPECT_EQ(fs::file_size(path), 0u);
}

TEST(AtomicWrite, LeavesNoTemporaryFilesBehind) {
  test::TempDir dir("atomic");
  for (int i = 0; i < 5; ++i) core::writeFileAtomically(dir.file("a.json"), "{\"i\": " + std::to_string(i) + "}");
  core::writeFileAtomically(dir.file("b.json"), "b");
  EXPECT_EQ(namesIn(dir.path()), (std::vector<std::string>{"a.json", "b.json"}));
  EXPECT_EQ(readAll(dir.file("a.json")), "{\"i\": 4}");
}

TEST(AtomicWrite, MissingFolderThrowsIoErrorNamingThePath) {
  test::TempDir dir("atomic");
  const std::string path = dir.file("missing/data.json");
  try {
    core::writeFileAtomically(path, "x");
    FAIL() << "expected IoError";
  } catch (const core::IoError& e) {
    EXPECT_EQ(e.file(), path);
    EXPECT_NE(e.reason().find(std::strerror(ENOENT)), std::string::npos) << e.reason();
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
  EXPECT_EQ(namesIn(dir.path()), std::vector<std::string>{});
}

TEST(AtomicWrite, FailedRenameRemovesTheTemporaryFile) {
  test::TempDir dir("atomic");
  const std::string path = dir.file("target");
  fs::create_directories(fs::path(path) / "inside");  // a non-empty folder cannot be replaced by a file
  EXPECT_THROW(core::writeFileAtomically(path, "x"), core::IoError);
  EXPECT_EQ(namesIn(dir.path()), std::vector<std::string>{"target"});
}

TEST(AtomicWrite, UniqueTempPathsDifferAndStayInTheFolder) {
  const std::string path = "/some/folder/file.nii.gz";
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) {
    const std::string t = core::uniqueTempPath(path);
    EXPECT_EQ(t.rfind(path + ".tmp-", 0), 0u) << t;
    EXPECT_EQ(t.find('/', path.size()), std::string::npos) << t;
    seen.insert(t);
  }
  EXPECT_EQ(seen.size(), 100u);
}

TEST(AtomicWrite, CommitTempFileRenamesOverThePath) {
  test::TempDir dir("atomic");
  const std::string path = dir.file("label.nii.gz");
  core::writeFileAtomically(path, "old");
  const std::string tmp = core::uniqueTempPath(path) + ".nii.gz";
  std::ofstream(tmp, std::ios::binary) << "new";
  core::commitTempFile(tmp, path);
  EXPECT_EQ(readAll(path), "new");
  EXPECT_EQ(namesIn(dir.path()), std::vector<std::string>{"label.nii.gz"});
  try {
    core::commitTempFile(dir.file("never-written"), path);
    FAIL() << "expected IoError";
  } catch (const core::IoError& e) {
    EXPECT_EQ(e.file(), path);
  }
  EXPECT_EQ(readAll(path), "new");
}

// ---- parallelFor ----

TEST(ParallelFor, VisitsEveryIndexExactlyOnceOnWorkerThreads) {
  constexpr std::size_t n = 2000;
  std::vector<std::atomic<int>> visits(n);
  std::mutex mutex;
  std::set<std::thread::id> ids;
  core::parallelFor(n, 4, [&](std::size_t i) {
    visits[i].fetch_add(1);
    if (i % 20 == 0) std::this_thread::sleep_for(std::chrono::microseconds(500));  // let every worker take items
    std::lock_guard<std::mutex> lock(mutex);
    ids.insert(std::this_thread::get_id());
  });
  for (std::size_t i = 0; i < n; ++i) ASSERT_EQ(visits[i].load(), 1) << "index " << i;
  EXPECT_GE(ids.size(), 2u);
  EXPECT_LE(ids.size(), 4u);
  EXPECT_EQ(ids.count(std::this_thread::get_id()), 0u) << "the calling thread coordinates";
}

TEST(ParallelFor, ZeroItemsCallsNothing) {
  bool called = false;
  core::ParallelForHooks hooks;
  hooks.cancelled = [&] { return called = true; };
  hooks.progress = [&](std::size_t, std::size_t) { called = true; };
  core::parallelFor(0, 4, [&](std::size_t) { called = true; }, hooks);
  EXPECT_FALSE(called);
}

TEST(ParallelFor, ThreadsAreCappedAtTheItemCount) {
  EXPECT_EQ(core::parallelForThreads(3, 16), 3);
  EXPECT_EQ(core::parallelForThreads(100, 16), 16);
  EXPECT_EQ(core::parallelForThreads(0, 4), 1);
  const int hw = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  EXPECT_EQ(core::parallelForThreads(1000000, 0), hw);
  EXPECT_EQ(core::parallelForThreads(1000000, -3), hw);
  // One item never needs a worker: it runs on the calling thread.
  std::thread::id ran;
  core::parallelFor(1, 8, [&](std::size_t) { ran = std::this_thread::get_id(); });
  EXPECT_EQ(ran, std::this_thread::get_id());
  // Two items with eight threads asked: only two workers are started (Linux lists threads in /proc/self/task).
  const auto threadCount = [] {
    return static_cast<int>(std::distance(fs::directory_iterator("/proc/self/task"), fs::directory_iterator()));
  };
  const int before = threadCount();
  std::atomic<int> most{0};
  core::parallelFor(2, 8, [&](std::size_t) {
    sleepMs(40);  // every worker that is going to start has started by now
    const int now = threadCount();
    int seen = most.load();
    while (now > seen && !most.compare_exchange_weak(seen, now)) {
    }
  });
  EXPECT_EQ(most.load(), before + 2);
}

TEST(ParallelFor, RethrowsAJobsExceptionAndStopsTheOthers) {
  for (const int threads : {1, 3}) {
    constexpr std::size_t n = 1000;
    std::atomic<std::size_t> visited{0};
    try {
      core::parallelFor(n, threads, [&](std::size_t i) {
        ++visited;
        if (i == 10) throw std::out_of_range("item 10 failed");
        sleepMs(1);
      });
      FAIL() << "expected the job's exception (threads " << threads << ")";
    } catch (const std::out_of_range& e) {
      EXPECT_STREQ(e.what(), "item 10 failed");
    }
    const std::size_t atThrow = visited.load();
    EXPECT_LT(atThrow, n / 4) << "threads " << threads;
    sleepMs(30);
    EXPECT_EQ(visited.load(), atThrow) << "a worker still ran after parallelFor returned";
  }
}

TEST(ParallelFor, CancelHookStopsWithCancelledAfterFewerItems) {
  for (const int threads : {1, 3}) {
    constexpr std::size_t n = 2000;
    std::atomic<std::size_t> visited{0};
    bool hookOnCaller = true;
    core::ParallelForHooks hooks;
    const auto caller = std::this_thread::get_id();
    hooks.cancelled = [&] {
      hookOnCaller &= std::this_thread::get_id() == caller;
      return visited.load() >= 20;
    };
    EXPECT_THROW(core::parallelFor(
                     n, threads,
                     [&](std::size_t) {
                       ++visited;
                       sleepMs(2);
                     },
                     hooks),
                 core::Cancelled);
    const std::size_t atThrow = visited.load();
    EXPECT_GE(atThrow, 20u);
    EXPECT_LT(atThrow, n / 2) << "threads " << threads;
    if (threads == 1) {
      EXPECT_EQ(atThrow, 20u);  // serially the hook is asked before every item
    }
    EXPECT_TRUE(hookOnCaller);
    sleepMs(30);
    EXPECT_EQ(visited.load(), atThrow) << "a worker still ran after parallelFor returned";
  }
}

TEST(ParallelFor, ReportsProgressOnTheCallingThreadEndingAtN) {
  for (const int threads : {1, 2}) {
    constexpr std::size_t n = 40;
    const auto caller = std::this_thread::get_id();
    std::vector<std::pair<std::size_t, std::size_t>> calls;
    bool onCaller = true;
    core::ParallelForHooks hooks;
    hooks.progress = [&](std::size_t done, std::size_t total) {
      onCaller &= std::this_thread::get_id() == caller;
      calls.emplace_back(done, total);
    };
    core::parallelFor(n, threads, [](std::size_t) { sleepMs(3); }, hooks);
    ASSERT_GE(calls.size(), 2u) << "threads " << threads;  // 40 x 3 ms spans several 30 ms polls
    EXPECT_TRUE(onCaller);
    EXPECT_EQ(calls.back(), std::make_pair(n, n));
    for (std::size_t k = 0; k < calls.size(); ++k) {
      EXPECT_EQ(calls[k].second, n);
      EXPECT_LE(calls[k].first, n);
      if (k > 0) {
        EXPECT_GE(calls[k].first, calls[k - 1].first);
      }
    }
    EXPECT_LT(calls.front().first, n);
  }
}
