// The autosave writer's thread: ordered, coalescing, and it finishes its queue before it stops.
#include "openrad/core/SerialWorker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>
#include <vector>

using openrad::core::SerialWorker;

TEST(SerialWorker, RunsTasksInOrderOffTheCallingThread) {
  SerialWorker worker;
  std::vector<int> order;
  std::thread::id ran;
  for (int i = 0; i < 50; ++i)
    worker.post([&, i] {
      order.push_back(i);
      ran = std::this_thread::get_id();
    });
  worker.flush();
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
  EXPECT_NE(ran, std::this_thread::get_id());
}

TEST(SerialWorker, ABurstOfRequestsWhileOneWaitsCostsOneRun) {
  SerialWorker worker;
  std::promise<void> release;
  std::shared_future<void> gate = release.get_future().share();
  worker.post([gate] { gate.wait(); });  // the writer is busy (a slow disk)
  std::atomic<int> runs{0}, latestSeen{0}, state{0};
  for (int i = 1; i <= 100; ++i) {
    state = i;  // a command changes the document, then asks for a save
    worker.postOnce("save", [&] {
      ++runs;
      latestSeen = state.load();
    });
  }
  release.set_value();
  worker.flush();
  EXPECT_EQ(runs.load(), 1);
  EXPECT_EQ(latestSeen.load(), 100) << "the one save writes the latest state";
  // Once that save has started, a new request needs (and gets) a run of its own.
  state = 101;
  worker.postOnce("save", [&] {
    ++runs;
    latestSeen = state.load();
  });
  worker.flush();
  EXPECT_EQ(runs.load(), 2);
  EXPECT_EQ(latestSeen.load(), 101);
}

TEST(SerialWorker, AThrowingTaskIsReportedAndTheNextOneRuns) {
  std::vector<std::string> errors;
  bool after = false;
  {
    SerialWorker worker([&](const std::string& what) { errors.push_back(what); });
    worker.post([] { throw std::runtime_error("disk full"); });
    worker.post([&] { after = true; });
  }  // the destructor runs what is queued before it stops
  EXPECT_EQ(errors, std::vector<std::string>{"disk full"});
  EXPECT_TRUE(after);
}
