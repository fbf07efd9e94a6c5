// libFuzzer target: the bytes as the session.json of a session folder (which also holds a valid label NIfTI that a
// well-formed entry refers to), loaded through io::SessionStore. IoError is its documented refusal of a corrupt
// file; any other exception, a crash or a sanitizer report is a finding.
#include "FuzzSupport.h"

#include "openrad/io/IoError.h"
#include "openrad/io/SessionStore.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openrad;
  static const std::filesystem::path folder = [] {
    const auto f = fuzz::scratchDir() / "session";
    fuzz::writeSessionFolder(f);
    return f;
  }();
  const auto file = folder / "session.json";
  fuzz::writeBytes(file, data, size);
  try {
    io::SessionStore store(folder.string());
    (void)store.load();
  } catch (const io::IoError&) {
    // refused with a message
  } catch (const std::exception& e) {
    std::fprintf(stderr, "SessionStore::load let a non-IoError escape: %s\n", e.what());
    std::abort();
  }
  // The store must not have written into the folder while loading: only session.json is ours to remove.
  fuzz::removeFile(file);
  return 0;
}
