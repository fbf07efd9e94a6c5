// openrad-cli: the data commands run here, without LibTorch, Qt or the modules; every other command runs in the AI
// commands library, loaded only then.
#include "DataCommands.h"

#include "openrad/ai/ThreadPolicy.h"

int main(int argc, char** argv) {
  // Before LibTorch's libgomp is loaded (with the AI commands library), so that it reads the policy: no re-exec.
  openrad::ai::applyThreadPolicy(argc, argv);
  if (openrad::cli::isDataCommand(argc, argv)) return openrad::cli::runDataCommands(argc, argv);
  return openrad::cli::runModuleCommands(argc, argv);
}
