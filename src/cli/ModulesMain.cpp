// The AI commands library's entry points (openrad-cli-modules.so): the full command line over the built-in modules.
#include "Commands.h"
#include "ModulesLibrary.h"

#include <exception>
#include <iostream>

extern "C" __attribute__((visibility("default"))) const char* openrad_cli_modules_version() {
  return openrad::cli::kModulesVersion;
}

extern "C" __attribute__((visibility("default"))) int openrad_cli_modules_main(int argc, char** argv) {
  // No exception leaves through the C entry point.
  try {
    return openrad::cli::run(argc, argv, openrad::modules::Registry::builtIn());
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
  } catch (...) {
    std::cerr << "error: unknown exception in the AI commands library\n";
  }
  return 2;
}
