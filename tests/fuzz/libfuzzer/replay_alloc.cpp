// The replay runner's operator new/delete: like libFuzzer's -malloc_limit_mb, one C++ allocation beyond
// OPENRAD_REPLAY_MALLOC_LIMIT_MB (default 2560, the campaign's -rss_limit_mb) aborts, so a small file that makes the
// loader ask for gigabytes fails its replay test even on a machine that could grant them (build-fuzz reports it
// through ASan). In a file of its own, so the compiler never sees these and their callers together.
#include <cstdio>
#include <cstdlib>
#include <new>

namespace {

std::size_t allocationLimit() {
  static const std::size_t limit = [] {
    const char* env = std::getenv("OPENRAD_REPLAY_MALLOC_LIMIT_MB");
    const unsigned long long mb = env && *env ? std::strtoull(env, nullptr, 10) : 2560ull;
    return static_cast<std::size_t>(mb) << 20;
  }();
  return limit;
}

void* allocate(std::size_t size) {
  if (size > allocationLimit()) {
    std::fprintf(stderr, "replay: one allocation of %zu bytes, beyond the %zu MB limit (OPENRAD_REPLAY_MALLOC_LIMIT_MB)\n",
                 size, allocationLimit() >> 20);
    std::abort();
  }
  return std::malloc(size == 0 ? 1 : size);
}

}  // namespace

void* operator new(std::size_t size) {
  if (void* p = allocate(size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept { return allocate(size); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
