#pragma once

// The entry points of openrad-cli's AI commands library (openrad-cli-modules.so), a dlopen'ed plugin holding the full
// command line over the built-in modules: the program only links LibTorch, Qt and the modules when a command needs
// them. The two sides share nothing but argc/argv and these C symbols.

namespace openrad::cli {

/// extern "C" int openrad_cli_modules_main(int argc, char** argv): runs the full command line, returns its exit code.
inline constexpr const char* kModulesEntrySymbol = "openrad_cli_modules_main";
using ModulesEntry = int (*)(int, char**);
/// extern "C" const char* openrad_cli_modules_version(): the OpenRad version the library was built as.
inline constexpr const char* kModulesVersionSymbol = "openrad_cli_modules_version";
/// This build's version (both sides are compiled with it).
inline constexpr const char* kModulesVersion = OPENRAD_VERSION_STRING;

}  // namespace openrad::cli
