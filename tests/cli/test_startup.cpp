// openrad-cli's start-up, checked on the built program: what it links, what each command maps, that it never
// re-executes itself, that the AI commands still get OMP_WAIT_POLICY=PASSIVE into libgomp, and that a missing or
// broken AI commands library is an error naming the file.
#include "TempDir.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

const std::string kCli = OPENRAD_CLI_EXE;

struct Result {
  int exit = -1;
  std::string out, err;
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string quoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

/// Runs `env -u OMP_WAIT_POLICY ENV openrad-cli ARGS` (the policy unset, as for a user who never set it).
Result runCli(const openrad::test::TempDir& dir, const std::string& env, const std::string& args) {
  const std::string out = dir.file("stdout.txt"), err = dir.file("stderr.txt");
  const std::string command = "env -u OMP_WAIT_POLICY -u OPENRAD_CLI_MODULES " + env + " " + quoted(kCli) + " " + args +
                              " >" + quoted(out) + " 2>" + quoted(err);
  const int status = std::system(command.c_str());
  Result r;
  r.exit = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out);
  r.err = slurp(err);
  return r;
}

int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

/// The libraries the dynamic loader loaded, as LD_DEBUG=files reports them ("file=NAME [0];  needed by ..." or
/// "... dynamically loaded by ...").
bool loaded(const std::string& ldDebug, const std::string& library) {
  return ldDebug.find("file=" + library) != std::string::npos || ldDebug.find("/" + library) != std::string::npos;
}

/// One small DICOM series: a spine radiograph phantom written by the program itself (also a data command).
std::string writePhantom(const openrad::test::TempDir& dir) {
  const Result r = runCli(dir, "", "phantom spine-xray --count 1 --seed 3 --out " + quoted(dir.file("phantom")));
  EXPECT_EQ(r.exit, 0) << r.err;
  return dir.file("phantom");
}

}  // namespace

TEST(CliStartup, ProgramNeedsNoTorchOpenMpOrQt) {
  openrad::test::TempDir dir("openrad-startup");
  const std::string listing = dir.file("dynamic.txt");
  ASSERT_EQ(std::system(("readelf -d " + quoted(kCli) + " >" + quoted(listing)).c_str()), 0) << "readelf failed";
  const std::string dynamic = slurp(listing);
  ASSERT_NE(dynamic.find("(NEEDED)"), std::string::npos) << dynamic;
  for (const char* library : {"libtorch", "libc10", "libgomp", "libQt6"})
    EXPECT_EQ(dynamic.find(std::string("[") + library), std::string::npos)
        << "openrad-cli needs " << library << ":\n" << dynamic;
}

TEST(CliStartup, InfoMapsNoTorchAndDoesNotReExecute) {
  openrad::test::TempDir dir("openrad-startup");
  const std::string study = writePhantom(dir);
  const Result r = runCli(dir, "LD_DEBUG=files", "info " + quoted(study));
  ASSERT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.out.find("Patient"), std::string::npos) << r.out;
  EXPECT_EQ(count(r.err, "initialize program:"), 1) << "openrad-cli info ran more than one program image:\n" << r.err;
  for (const char* library : {"libtorch_cpu.so", "libc10.so", "libgomp.so", "libQt6Core.so", "openrad-cli-modules.so"})
    EXPECT_FALSE(loaded(r.err, library)) << "openrad-cli info loaded " << library;
}

TEST(CliStartup, ModuleCommandsLoadTheLibraryWithThePassiveWaitPolicy) {
  openrad::test::TempDir dir("openrad-startup");
  // OMP_DISPLAY_ENV: libgomp prints the settings it derived when it was loaded. It shows OMP_WAIT_POLICY 'PASSIVE'
  // also when the variable is unset; only the spin count tells: 0 for PASSIVE, 300000 when unset.
  const Result r = runCli(dir, "LD_DEBUG=files OMP_DISPLAY_ENV=VERBOSE", "modules --json");
  EXPECT_EQ(r.exit, 0) << r.err;
  // The shipped models are still found from the build tree (the library runs in the program's process).
  const auto listing = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(listing.is_object()) << r.out;
  EXPECT_EQ(listing.value("modelsRoot", ""), fs::weakly_canonical(fs::path(OPENRAD_SOURCE_DIR) / "models").string());
  ASSERT_TRUE(listing.contains("modules") && !listing["modules"].empty()) << r.out;
  for (const auto& m : listing["modules"]) EXPECT_FALSE(m.contains("error")) << m.dump();
  EXPECT_TRUE(loaded(r.err, "openrad-cli-modules.so")) << r.err;
  EXPECT_TRUE(loaded(r.err, "libtorch_cpu.so")) << r.err;
  EXPECT_EQ(count(r.err, "initialize program:"), 1) << "openrad-cli modules re-executed itself:\n" << r.err;
  EXPECT_NE(r.err.find("GOMP_SPINCOUNT = '0'"), std::string::npos)
      << "libgomp did not read OMP_WAIT_POLICY=PASSIVE (its workers spin):\n" << r.err;
}

TEST(CliStartup, TheUsersWaitPolicyIsKept) {
  openrad::test::TempDir dir("openrad-startup");
  const Result r = runCli(dir, "OMP_WAIT_POLICY=ACTIVE OMP_DISPLAY_ENV=TRUE", "modules");
  EXPECT_EQ(r.exit, 0) << r.err;
  EXPECT_NE(r.err.find("OMP_WAIT_POLICY = 'ACTIVE'"), std::string::npos) << r.err;
}

TEST(CliStartup, MissingOrBrokenModulesLibraryIsAnErrorNamingTheFile) {
  openrad::test::TempDir dir("openrad-startup");
  const std::string missing = dir.file("nowhere/openrad-cli-modules.so");
  Result r = runCli(dir, "OPENRAD_CLI_MODULES=" + quoted(missing), "modules");
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("error: " + missing + ": AI commands library not found"), std::string::npos) << r.err;

  const std::string garbage = dir.file("garbage.so");
  std::ofstream(garbage) << "not a shared object\n";
  r = runCli(dir, "OPENRAD_CLI_MODULES=" + quoted(garbage), "analyze x --out y");
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("error: " + garbage + ": cannot load the AI commands library: "), std::string::npos) << r.err;

  // A real shared object that is not OpenRad's: the program's own C library.
  r = runCli(dir, "OPENRAD_CLI_MODULES=/lib/x86_64-linux-gnu/libm.so.6", "modules");
  EXPECT_EQ(r.exit, 2);
  EXPECT_NE(r.err.find("not an OpenRad AI commands library"), std::string::npos) << r.err;

  // The data commands do not need it at all.
  const std::string study = writePhantom(dir);
  r = runCli(dir, "OPENRAD_CLI_MODULES=" + quoted(missing), "info " + quoted(study));
  EXPECT_EQ(r.exit, 0) << r.err;
}

TEST(CliStartup, FindsTheLibraryBesideItself) {
  EXPECT_TRUE(fs::is_regular_file(fs::path(kCli).parent_path() / "openrad-cli-modules.so"));
  EXPECT_EQ(fs::canonical(OPENRAD_CLI_MODULES_LIBRARY), fs::canonical(fs::path(kCli).parent_path() / "openrad-cli-modules.so"));
}
