#include "AiCommands.h"
#include "Commands.h"

#include "openrad/io/IoError.h"

#include <iostream>

int main(int argc, char** argv) {
  CLI::App app{"OpenRad command line: inspect studies, generate phantoms, analyse and export, benchmark."};
  app.require_subcommand(1);
  openrad::cli::addInfoCommand(app);
  openrad::cli::addPhantomCommand(app);
  openrad::cli::addImportCommand(app);
  openrad::cli::addBenchCommand(app);
  openrad::cli::addTrainCommand(app);
  openrad::cli::addEvalCommand(app);
  openrad::cli::addAnalyzeCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const openrad::io::IoError& e) {
    std::cerr << "error: " << e.file() << ": " << e.reason() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 2;
  }
  return openrad::cli::exitCode();
}
