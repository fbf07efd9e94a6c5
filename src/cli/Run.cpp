#include "Commands.h"

namespace openrad::cli {

int run(int argc, char** argv, const modules::Registry& registry) {
  CLI::App app;
  describeApp(app);
  addInfoCommand(app);
  addPhantomCommand(app);
  addImportCommand(app);
  addModulesCommand(app, registry);
  addAnalyzeCommand(app, registry);
  addTrainCommand(app, registry);
  addEvalCommand(app, registry);
  addBenchCommand(app, registry);
  return parseAndRun(app, argc, argv);
}

}  // namespace openrad::cli
