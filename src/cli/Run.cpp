#include "Commands.h"

#include "openrad/core/Errors.h"

#include <iostream>

namespace openrad::cli {

int run(int argc, char** argv, const modules::Registry& registry) {
  CLI::App app{"OpenRad command line: inspect studies, generate phantoms, analyse and export, train, evaluate, benchmark."};
  app.require_subcommand(1);
  addInfoCommand(app);
  addPhantomCommand(app);
  addImportCommand(app);
  addModulesCommand(app, registry);
  addAnalyzeCommand(app, registry);
  addTrainCommand(app, registry);
  addEvalCommand(app, registry);
  addBenchCommand(app, registry);
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

}  // namespace openrad::cli
