#include "DataCommands.h"
#include "ModulesLibrary.h"

#include <dlfcn.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <system_error>
#include <vector>

namespace openrad::cli {

namespace fs = std::filesystem;

namespace {

int fail(const std::string& file, const std::string& why) {
  std::cerr << "error: " << file << ": " << why << "\n";
  return 2;
}

}  // namespace

int runModuleCommands(int argc, char** argv) {
  std::vector<fs::path> tried;
  if (const char* env = std::getenv("OPENRAD_CLI_MODULES"); env && *env) {
    tried.emplace_back(env);
  } else {
    std::error_code ec;
    const fs::path dir = fs::read_symlink("/proc/self/exe", ec).parent_path();
    if (ec) return fail("/proc/self/exe", "cannot find the program's folder (" + ec.message() + "), so not " +
                                              std::string(kModulesLibraryName) + " either; set OPENRAD_CLI_MODULES");
    tried = {dir / ".." / "lib" / "openrad" / kModulesLibraryName, dir / kModulesLibraryName};
  }
  const fs::path* found = nullptr;
  for (const fs::path& p : tried) {
    std::error_code ec;
    if (fs::is_regular_file(p, ec)) {
      found = &p;
      break;
    }
  }
  if (!found) {
    std::string where;
    for (const fs::path& p : tried) where += (where.empty() ? "" : ", ") + p.lexically_normal().string();
    return fail(tried.back().lexically_normal().string(),
                "AI commands library not found (looked for " + where +
                    "); the module commands need it, set OPENRAD_CLI_MODULES to its path");
  }
  const std::string file = found->lexically_normal().string();
  // RTLD_NOW: an unresolved symbol fails here, with a message, not later in the middle of a command.
  void* library = ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char* why = ::dlerror();
    return fail(file, std::string("cannot load the AI commands library: ") + (why ? why : "unknown dlopen error"));
  }
  // Never closed: the command line runs inside it until the process ends.
  const auto version = reinterpret_cast<const char* (*)()>(::dlsym(library, kModulesVersionSymbol));
  const auto entry = reinterpret_cast<ModulesEntry>(::dlsym(library, kModulesEntrySymbol));
  if (!version || !entry)
    return fail(file, std::string("not an OpenRad AI commands library (no ") +
                          (version ? kModulesEntrySymbol : kModulesVersionSymbol) + ")");
  if (std::strcmp(version(), kModulesVersion) != 0)
    return fail(file, std::string("AI commands library of OpenRad ") + version() + ", this program is " +
                          kModulesVersion + " (rebuild or reinstall both)");
  return entry(argc, argv);
}

}  // namespace openrad::cli
