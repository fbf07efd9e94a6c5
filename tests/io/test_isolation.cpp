// The child-process runner third-party decoders go through (issue 9): an abort, a hang, an exception or a result.
#include "Isolation.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <chrono>
#include <functional>
#include <stdexcept>
#include <thread>
#include <vector>

using openrad::io::detail::IsolatedFailure;
using openrad::io::detail::IsolationLimits;
using openrad::io::detail::runIsolated;

TEST(Isolation, AResultComesBackWhole) {
  const std::string big(3u << 20, 'x');  // larger than a pipe's buffer
  EXPECT_EQ(runIsolated("test decoder", [&] { return big + "end"; }), big + "end");
}

TEST(Isolation, AbortHangExceptionAndAllocationBecomeMessages) {
  const auto message = [](const std::function<std::string()>& work, const IsolationLimits& limits = {}) {
    try {
      runIsolated("test decoder", work, limits);
    } catch (const IsolatedFailure& e) {
      return std::string(e.what());
    }
    return std::string("no failure");
  };
  EXPECT_NE(message([]() -> std::string { std::abort(); }).find("aborted"), std::string::npos);
  IsolationLimits quick;
  quick.seconds = 1.0;
  EXPECT_NE(message([]() -> std::string { for (;;) std::this_thread::sleep_for(std::chrono::seconds(1)); }, quick).find("ran past"),
            std::string::npos);
  EXPECT_EQ(message([]() -> std::string { throw std::runtime_error("bad stream"); }), "bad stream");
  IsolationLimits small;
  small.addressSpace = 64u << 20;
  EXPECT_NE(message([]() -> std::string { return std::string(std::size_t{1} << 30, 'x'); }, small), "no failure");
}
