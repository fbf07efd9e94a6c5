// openrad-cli with the test-only threshold module registered: the command line itself names no module.
#include "Commands.h"
#include "ThresholdModule.h"

int main(int argc, char** argv) {
  static const openrad::modules::Registry registry = openrad::test::registryWithThreshold();
  return openrad::cli::run(argc, argv, registry);
}
