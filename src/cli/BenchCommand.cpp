#include "DataCommands.h"

#include "BenchDecode.h"
#include "BenchLoad.h"

#include "openrad/phantom/SpineXray.h"

#include <cstdio>
#include <thread>

#include <filesystem>

namespace openrad::cli {

CLI::App* addDataBenchCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("bench", "Speed and memory benchmarks that print ratios against peers");
  cmd->require_subcommand(1);
  auto* load = cmd->add_subcommand("load", "DICOM series load: raw read vs OpenRad vs ITK vs dcm2niix");
  struct Args {
    std::string dir = (std::filesystem::temp_directory_path() / "openrad-bench").string();
    int slices = 300;
    bool keep = false;
  };
  auto a = std::make_shared<Args>();
  load->add_option("--dir", a->dir, "Scratch folder for the generated series");
  load->add_option("--slices", a->slices, "Slices of 512x512 16-bit CT")->check(CLI::PositiveNumber);
  load->add_flag("--keep", a->keep, "Keep the generated series");
  load->callback([a] { exitCode() = runLoadBench(a->dir, a->slices, a->keep); });

  auto* decode = cmd->add_subcommand("decode", "Compressed DICOM: decoders in child processes vs in the process (target 1.5x)");
  struct DecodeArgs {
    std::string path;
    int runs = 5;
  };
  auto d = std::make_shared<DecodeArgs>();
  d->path = std::string(OPENRAD_SHARED_DATA_DIR) + "/ct-real/totalsegmentator/example_ct_dicom";
  decode->add_option("path", d->path, "File or folder of compressed DICOM (default: the real 20-slice J2K CT)");
  decode->add_option("--runs", d->runs, "Paired runs")->check(CLI::PositiveNumber);
  decode->callback([d] { exitCode() = runDecodeBench(d->path, d->runs); });

  auto* ph = cmd->add_subcommand("phantom", "AP+lateral DRR pairs per second (target: 1000 pairs < 600 s on 2 cores)");
  auto pairs = std::make_shared<int>(100);
  auto threads = std::make_shared<int>(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
  ph->add_option("--pairs", *pairs, "Radiograph pairs to render in memory")->check(CLI::PositiveNumber);
  ph->add_option("--threads", *threads, "Render threads")->check(CLI::PositiveNumber);
  ph->callback([pairs, threads] {
    // Single-thread run first: the ratio shows how well rendering scales over the cores.
    const int single = std::max(1, *pairs / 4);
    const double t1 = phantom::benchSpineXray(single, 1) / single;
    const double tn = phantom::benchSpineXray(*pairs, *threads) / *pairs;
    const double projected = tn * 1000.0;
    std::printf("DRR AP+lateral pairs: %d on %d thread(s)\n", *pairs, *threads);
    std::printf("  per pair, 1 thread : %8.3f s\n", t1);
    std::printf("  per pair, %d threads: %8.3f s   (speed-up %.2fx)\n", *threads, tn, t1 / tn);
    std::printf("  1000 pairs projected: %8.1f s   target 600 s   ratio %.2f %s\n", projected, projected / 600.0,
                projected <= 600.0 ? "(met)" : "(MISSED)");
  });

  return cmd;
}

}  // namespace openrad::cli
