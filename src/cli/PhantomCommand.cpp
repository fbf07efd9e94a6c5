#include "DataCommands.h"

#include "openrad/phantom/Phantom.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <map>

namespace openrad::cli {

void addPhantomCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("phantom", "Write synthetic studies with exact ground truth");
  struct Args {
    std::string kind, out;
    int count = 1;
    std::uint64_t seed = 1;
  };
  auto a = std::make_shared<Args>();
  cmd->add_option("KIND", a->kind, "spine-xray | spine-ct | lumbar-mri | head-ct")
      ->required()
      ->check(CLI::IsMember({"spine-xray", "spine-ct", "lumbar-mri", "head-ct"}));
  cmd->add_option("--count", a->count, "Number of studies")->check(CLI::PositiveNumber);
  cmd->add_option("--seed", a->seed, "Random seed (same seed, same bytes)");
  cmd->add_option("--out", a->out, "Output folder")->required();
  cmd->callback([a] {
    static const std::map<std::string, void (*)(const phantom::GenerateOptions&)> generators = {
        {"spine-xray", phantom::generateSpineXray},
        {"spine-ct", phantom::generateSpineCt},
        {"lumbar-mri", phantom::generateLumbarMri},
        {"head-ct", phantom::generateHeadCt}};
    phantom::GenerateOptions o;
    o.count = a->count;
    o.seed = a->seed;
    o.outDir = a->out;
    // A live counter on a terminal; in logs, one line per tenth of the work.
    const bool tty = isatty(STDERR_FILENO) != 0;
    o.progress = [tty](int done, int total) {
      if (tty)
        std::cerr << "\rstudies " << done << "/" << total << std::flush;
      else if (done == total || done % std::max(1, total / 10) == 0)
        std::cerr << "studies " << done << "/" << total << "\n";
    };
    const auto t0 = std::chrono::steady_clock::now();
    generators.at(a->kind)(o);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::cerr << "\n";
    std::cout << "wrote " << a->count << " " << a->kind << " studies to " << a->out << " in " << s << " s\n";
  });
}

}  // namespace openrad::cli
