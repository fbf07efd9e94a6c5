#include "DataCommands.h"

#include "openrad/core/Errors.h"

#include <cstring>
#include <iostream>

namespace openrad::cli {

void describeApp(CLI::App& app) {
  app.description("OpenRad command line: inspect studies, generate phantoms, analyse and export, train, evaluate, benchmark.");
  app.require_subcommand(1);
}

int parseAndRun(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const core::IoError& e) {
    std::cerr << "error: " << e.file() << ": " << e.reason() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return exitCode();
}

bool isDataCommand(int argc, char** argv) {
  // The command is the first argument (the top level has no options but --help, which lists every command).
  if (argc < 2) return false;
  const auto is = [&](int i, const char* name) { return i < argc && std::strcmp(argv[i], name) == 0; };
  if (is(1, "info") || is(1, "phantom") || is(1, "import")) return true;
  return is(1, "bench") && (is(2, "load") || is(2, "phantom") || is(2, "decode"));
}

int runDataCommands(int argc, char** argv) {
  CLI::App app;
  describeApp(app);
  addInfoCommand(app);
  addPhantomCommand(app);
  addImportCommand(app);
  addDataBenchCommand(app);
  return parseAndRun(app, argc, argv);
}

}  // namespace openrad::cli
