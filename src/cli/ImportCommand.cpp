#include "DataCommands.h"

#include "openrad/phantom/AasceImport.h"

#include <iostream>

namespace openrad::cli {

void addImportCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("import", "Convert external labelled datasets into OpenRad's dataset folder format");
  cmd->require_subcommand(1);
  auto* aasce = cmd->add_subcommand("aasce", "AASCE 2019-style spine radiographs + landmarks.csv (+ angles.csv)");
  auto o = std::make_shared<phantom::AasceImportOptions>();
  auto link = std::make_shared<bool>(false);
  aasce->add_option("--images", o->imagesDir, "Folder of the radiographs")->required()->check(CLI::ExistingDirectory);
  aasce->add_option("--landmarks", o->landmarksCsv, "landmarks.csv: 68 x then 68 y per row, normalised 0..1")
      ->required()
      ->check(CLI::ExistingFile);
  aasce->add_option("--filenames", o->filenamesCsv, "filenames.csv: image file name per row")->required()->check(CLI::ExistingFile);
  aasce->add_option("--angles", o->anglesCsv, "angles.csv: PT, MT, TL/L curve angles per row (optional)")
      ->check(CLI::ExistingFile);
  aasce->add_option("--out", o->outDir, "OpenRad dataset folder to write")->required();
  aasce->add_flag("--link", *link, "Reference the images by path instead of copying them");
  aasce->callback([o, link] {
    o->copyImages = !*link;
    const phantom::AasceImportReport report = phantom::importAasce(*o);
    std::cout << "imported " << report.imported << " radiographs into " << o->outDir << "\n";
    for (const auto& p : report.problems) std::cerr << "skipped: " << p << "\n";
    if (report.imported == 0) {
      std::cerr << "error: nothing could be imported\n";
      exitCode() = 1;
    }
  });
}

}  // namespace openrad::cli
