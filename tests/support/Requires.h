#pragma once

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>

namespace openrad::test {

/// True on CI (CI=true): there the set-up has installed every tool and laid out every data folder the tests use.
inline bool inCi() {
  const char* ci = std::getenv("CI");
  return ci && (std::strcmp(ci, "true") == 0 || std::strcmp(ci, "1") == 0);
}

}  // namespace openrad::test

/// Skips the test when `condition` is false — except on CI, where a missing tool or data folder that the set-up
/// provides is a failure.
#define OPENRAD_REQUIRE(condition, what)                                                   \
  do {                                                                                     \
    if (!(condition)) {                                                                    \
      if (::openrad::test::inCi()) FAIL() << (what) << " (on CI the set-up must provide it)"; \
      GTEST_SKIP() << (what);                                                              \
    }                                                                                      \
  } while (0)
