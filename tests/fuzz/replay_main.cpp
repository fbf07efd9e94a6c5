// openrad-mutation-campaign: runs a DICOM mutation campaign (see MutationCampaign.h) and prints its figures.
// Exit status 1 when any mutant crashed, hung, let an exception escape or failed without naming the file.
#include "MutationCampaign.h"

#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>

int main(int argc, char** argv) {
  CLI::App app("DICOM mutation campaign through io::loadPath, one child process per mutant");
  openrad::fuzz::CampaignOptions o;
  std::vector<std::string> seedFolders;
  app.add_option("--seeds", seedFolders, "Folders (or files) of seed DICOM files")->required();
  app.add_option("--count", o.count, "Mutants");
  app.add_option("--seed", o.seed, "Random seed (same seed, same mutants)");
  app.add_option("--timeout", o.timeoutSeconds, "Seconds per mutant before it counts as a hang");
  app.add_option("--parallel", o.parallel, "Children at once");
  app.add_option("--work", o.workDir, "Scratch folder")->required();
  app.add_option("--keep", o.keepDir, "Copy failing mutants here");
  app.add_option("--exec", o.command,
                 "Run this program on each mutant instead of io::loadPath (the mutant's path is appended), e.g. "
                 "--exec build/src/cli/openrad-cli info");
  CLI11_PARSE(app, argc, argv);
  for (const auto& f : seedFolders) {
    if (std::filesystem::is_directory(f)) {
      for (auto& file : openrad::fuzz::dicomFilesUnder(f)) o.seeds.push_back(file);
    } else {
      o.seeds.push_back(f);
    }
  }
  if (o.seeds.empty()) {
    std::fprintf(stderr, "error: no seed DICOM files found\n");
    return 2;
  }
  const auto r = openrad::fuzz::runCampaign(o, true);
  std::printf("mutants %d (seed %llu, %zu seed files): loaded %d, refused with a message naming the file %d\n", r.files,
              static_cast<unsigned long long>(o.seed), o.seeds.size(), r.loaded, r.refused);
  std::printf("crashes %d, hangs %d, escaped exceptions %d, silent failures %d\n", r.crashes, r.hangs, r.exceptions, r.silent);
  for (const auto& f : r.failures) std::printf("  %s\n", f.c_str());
  return r.clean() ? 0 : 1;
}
