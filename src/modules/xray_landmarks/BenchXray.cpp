#include "Hooks.h"
#include "openrad/core/ImageStatistics.h"

#include <CLI/CLI.hpp>

#include "openrad/ai/ModelError.h"
#include "openrad/ai/ModelRoot.h"
#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
#include "openrad/io/Loader.h"
#include "openrad/phantom/Phantom.h"

#include <algorithm>
#include <cstdlib>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <vector>

#include <csignal>
#include <memory>
#include <thread>

#include <sys/wait.h>
#include <unistd.h>

namespace openrad::modules::xray_landmarks {
namespace {

/// A child process that keeps one core busy while resumed (the competing load of a shared workstation). It starts
/// paused, so quiet and busy runs can alternate film by film and a drift of the shared machine hits both alike.
class BusyProcess {
public:
  BusyProcess() {
    m_pid = ::fork();
    if (m_pid == 0) {
      volatile unsigned long spin = 0;
      for (;;) spin = spin + 1;
    }
    pause();
  }
  ~BusyProcess() {
    if (m_pid > 0) {
      ::kill(m_pid, SIGKILL);
      ::waitpid(m_pid, nullptr, 0);
    }
  }
  bool running() const { return m_pid > 0; }
  void pause() {
    if (m_pid > 0) ::kill(m_pid, SIGSTOP);
  }
  void resume() {
    if (m_pid > 0) ::kill(m_pid, SIGCONT);
  }

private:
  pid_t m_pid = -1;
};

/// The busy/quiet ratio a perfectly parallel analysis reaches when the scheduler shares the cores fairly among its
/// `threads` and one busy thread: the CPU it gets falls from min(threads, cores) to threads * cores / (threads + 1).
double fairShareBound(int threads, unsigned cores) {
  if (cores == 0) return 1.0;
  const double quiet = std::min<double>(threads, cores);
  const double busy = std::min<double>(threads, static_cast<double>(threads) * cores / (threads + 1));
  return quiet / busy;
}

}  // namespace

int runXrayLandmarkBench(int images, int threads, std::uint64_t seed, const std::string& models) {
  namespace fs = std::filesystem;
  using Clock = std::chrono::steady_clock;
  const std::string root = models.empty() ? ai::defaultModelsRoot() : models;
  ai::RunContext context;
  context.threads = threads;
  std::unique_ptr<ai::AiModule> module;
  try {
    module = ai::loadXrayLandmarkModule(root + "/" + ai::kXrayLandmarksId, context);
  } catch (const ai::ModelError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  }
  const fs::path dir = fs::temp_directory_path() / ("openrad-bench-xray-" + std::to_string(::getpid()));
  phantom::GenerateOptions o;
  o.count = images;
  o.seed = seed;
  o.outDir = dir.string();
  phantom::generateSpineXray(o);

  std::vector<double> load, run, busy;
  int refused = 0;
  const auto analyse = [&](const std::shared_ptr<const core::Series>& film) {
    const auto t0 = Clock::now();
    try {
      module->run(module->inputFor(film), context);
    } catch (const ai::Refused&) {
      ++refused;  // timed all the same: a refusal runs the whole network first
    }
    return std::chrono::duration<double>(Clock::now() - t0).count();
  };
  // Each film is analysed quiet and then beside another process that keeps one core busy: OpenMP workers that
  // spin-wait for a descheduled peer would slow the analysis many times (the thread policy makes them sleep).
  BusyProcess other;
  for (int i = 0; i < images; ++i) {
    char name[32];
    std::snprintf(name, sizeof name, "spine_xray_%05d", i);
    const fs::path ap = dir / name / "ap";
    io::LoadOptions lo;
    lo.threads = threads;
    const auto t0 = Clock::now();
    const core::LoadResult loaded = io::loadPath(ap.string(), lo);
    load.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    const auto series = loaded.allSeries();
    if (series.empty()) continue;
    const double quiet = analyse(series.front());
    if (i == 0) continue;  // the first run warms up
    run.push_back(quiet);
    if (!other.running()) continue;
    other.resume();
    busy.push_back(analyse(series.front()));
    other.pause();
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (run.empty()) {
    std::fprintf(stderr, "error: no radiograph could be analysed\n");
    return 1;
  }
  const double l = core::median(load), r = core::median(run);
  std::printf("xray-landmarks %s: %zu AP radiographs (phantom seed %llu, %d runs refused), %d thread(s)\n",
              module->info().version.c_str(), run.size(), static_cast<unsigned long long>(seed), refused, threads);
  std::printf("  open the radiograph (io::loadPath, peer)  median %7.3f s\n", l);
  std::printf("  analyse (module run, all passes)          median %7.3f s   max %7.3f s\n", r,
              *std::max_element(run.begin(), run.end()));
  std::printf("  ratio analyse / open                      %7.2f\n", l > 0 ? r / l : 0.0);
  std::printf("  ratio analyse / 1 s target                %7.2f %s\n", r, r < 1.0 ? "(met)" : "(MISSED)");
  if (!busy.empty()) {
    // Paired: each film's busy time over its own quiet time, so a drift of the shared machine cancels out.
    std::vector<double> ratios;
    for (std::size_t i = 0; i < busy.size(); ++i) ratios.push_back(busy[i] / run[i]);
    const double ratio = core::median(ratios);
    std::printf("  analyse beside one busy process           median %7.3f s\n", core::median(busy));
    std::printf("  ratio busy / quiet (median of pairs)      %7.2f   target 1.5 %s (OMP_WAIT_POLICY=%s)\n", ratio,
                ratio <= 1.5 ? "(met)" : "(MISSED)", std::getenv("OMP_WAIT_POLICY") ? std::getenv("OMP_WAIT_POLICY") : "unset");
    std::printf("  (fair share: %d worker thread(s) beside one busy thread on %u core(s) bound it at %.2f)\n", threads,
                std::thread::hardware_concurrency(), fairShareBound(threads, std::thread::hardware_concurrency()));
  }
  return 0;
}

std::function<int()> setupBench(CLI::App& command) {
  struct Args {
    int images = 20;
    int threads = 2;
    std::uint64_t seed = 4711;
    std::string models;
  };
  auto x = std::make_shared<Args>();
  command.add_option("--images", x->images, "Phantom radiographs to time (the first is a warm-up)")->check(CLI::Range(2, 10000));
  command.add_option("--threads", x->threads, "CPU threads")->check(CLI::PositiveNumber);
  command.add_option("--seed", x->seed, "Phantom seed");
  command.add_option("--models", x->models, "Models root (default: the shipped models)");
  return [x] { return runXrayLandmarkBench(x->images, x->threads, x->seed, x->models); };
}

}  // namespace openrad::modules::xray_landmarks
