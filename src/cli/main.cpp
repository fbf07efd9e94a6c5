#include "Commands.h"

#include "openrad/ai/ThreadPolicy.h"

int main(int argc, char** argv) {
  openrad::ai::applyThreadPolicy(argc, argv);
  return openrad::cli::run(argc, argv, openrad::modules::Registry::builtIn());
}
