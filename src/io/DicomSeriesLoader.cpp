#include "DicomSeriesLoader.h"
#include "DicomDecoders.h"
#include "DicomHeader.h"
#include "SeriesPlanner.h"

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#ifdef __linux__
#include <sys/mman.h>
#endif

// The DICOM loader: header reader (DicomHeader) -> series planner (SeriesPlanner) -> decoders (DicomDecoders) ->
// one volume per series. Each stage reports what it refuses as an issue naming the file; the others go on.

namespace openrad::io::detail {
namespace {

// A volume is written once, page by page, by the decoding threads: with 4 KiB pages the page faults
// cost about as much as the copy itself (measured: ~30% of a 157 MB CT load). Transparent huge pages
// (only enabled on request on most distributions) cut the fault count 512-fold.
void adviseHugePages(core::Image& image) {
#ifdef __linux__
  constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
  if (image.byteSize() < 4 * huge) return;
  const auto begin = reinterpret_cast<std::uintptr_t>(image.data());
  const std::uintptr_t start = (begin + huge - 1) & ~(huge - 1);
  const std::uintptr_t end = (begin + image.byteSize()) & ~(huge - 1);
  if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
#else
  (void)image;
#endif
}

/// A planned volume while it is decoded.
struct Volume {
  SeriesPlan plan;
  std::shared_ptr<core::Image> image;
  std::atomic<bool> overflow{false};
  std::atomic<int> failed{0};
};

class DicomLoader {
 public:
  DicomLoader(const std::vector<std::string>& files, const LoadContext& context) : m_files(files), m_context(context) {}

  core::LoadResult run() {
    registerDicomCodecs();
    parseAll();
    planAll();
    decodeAll();
    return assemble();
  }

 private:
  using Sev = core::LoadIssue::Severity;

  void issue(Sev severity, const std::string& file, const std::string& message) {
    std::lock_guard<std::mutex> lock(m_mutex);
    m_result.issues.push_back(core::LoadIssue{severity, file, message});
  }

  void parseAll() {
    m_parsed.resize(m_files.size());
    std::vector<std::optional<core::LoadIssue>> issues(m_files.size());
    const std::uint64_t ceiling = maxImageBytes(m_context.options());
    parallelFor(m_files.size(), m_context.sub(0.0, 0.3), "Reading headers", [&](std::size_t i) {
      try {
        m_parsed[i] = readDicomHeader(m_files[i], issues[i], ceiling);
      } catch (const std::bad_alloc&) {
        m_parsed[i].reset();
        issues[i] = core::LoadIssue{Sev::Error, m_files[i], "not enough memory to read the file's header"};
      } catch (const std::exception& e) {
        m_parsed[i].reset();
        issues[i] = core::LoadIssue{Sev::Error, m_files[i], std::string("unreadable DICOM file: ") + e.what()};
      }
    });
    for (auto& i : issues)
      if (i) m_result.issues.push_back(std::move(*i));
  }

  void planAll() {
    std::vector<const ImageHeader*> headers(m_parsed.size(), nullptr);
    for (std::size_t i = 0; i < m_parsed.size(); ++i)
      if (m_parsed[i]) headers[i] = &m_parsed[i]->header;
    PlanResult planned = planSeries(headers);
    for (auto& i : planned.issues) m_result.issues.push_back(std::move(i));
    for (int f : planned.droppedFiles) m_parsed[static_cast<std::size_t>(f)]->close();
    for (auto& p : planned.plans) {
      auto volume = std::make_unique<Volume>();
      volume->plan = std::move(p);
      m_volumes.push_back(std::move(volume));
    }
  }

  struct Task {
    Volume* volume;
    int file;
    FrameSlots frames;
  };

  std::vector<Task> buildTasks(const std::vector<Volume*>& volumes) {
    std::vector<Task> tasks;
    for (Volume* volume : volumes) {
      const SeriesPlan* plan = &volume->plan;
      // One task per file; multi-frame files read with pread are cut into chunks of frames so that a
      // single enhanced CT/MR file still decodes on every thread.
      constexpr std::size_t kFramesPerChunk = 16;
      std::map<int, std::size_t> byFile;
      for (std::size_t k = 0; k < plan->slices.size(); ++k) {
        const auto& s = plan->slices[k];
        auto it = byFile.find(s.file);
        if (it == byFile.end() || (m_parsed[static_cast<std::size_t>(s.file)]->directCandidate &&
                                   tasks[it->second].frames.size() >= kFramesPerChunk)) {
          it = byFile.insert_or_assign(s.file, tasks.size()).first;
          tasks.push_back(Task{volume, s.file, {}});
        }
        tasks[it->second].frames.emplace_back(s.frame, static_cast<std::int64_t>(k));
      }
    }
    return tasks;
  }

  /// Allocates a plan's volume within the loader's memory ceiling; false (with an issue naming the series' first
  /// file) when it would not fit, so the other series still load.
  bool allocate(Volume& v) {
    SeriesPlan& p = v.plan;
    const std::string& file = m_files[static_cast<std::size_t>(p.slices.front().file)];
    const std::uint64_t bytes = static_cast<std::uint64_t>(p.geometry.voxelCount()) * core::bytesPerPixel(p.type);
    const std::uint64_t limit = maxImageBytes(m_context.options());
    if (bytes > limit) {
      issue(Sev::Error, file,
            "series " + p.info.seriesUid + " would need " + gib(bytes) + " GiB, above the loader's limit of " +
                gib(limit) + " GiB (LoadOptions::maxImageBytes); not loaded");
      return false;
    }
    try {
      v.image = core::Image::createUninitialised(p.geometry, p.type);
    } catch (const std::bad_alloc&) {
      issue(Sev::Error, file,
            "not enough memory for series " + p.info.seriesUid + " (" + gib(bytes) + " GiB); not loaded");
      return false;
    }
    adviseHugePages(*v.image);
    return true;
  }

  void decodeAll() {
    std::vector<Volume*> volumes;
    for (auto& v : m_volumes) {
      if (!allocate(*v)) {
        v->failed = static_cast<int>(v->plan.slices.size());
        continue;
      }
      volumes.push_back(v.get());
    }
    runTasks(buildTasks(volumes), m_context.sub(0.3, 0.95));
    // Rare: values that did not fit the integer type chosen from the header; read those again as float.
    std::vector<Volume*> redo;
    for (auto& v : m_volumes)
      if (v->overflow) {
        v->plan.type = core::PixelType::Float32;
        v->plan.mayOverflow = false;
        v->overflow = false;
        v->failed = 0;
        v->image.reset();
        if (!allocate(*v)) {
          v->failed = static_cast<int>(v->plan.slices.size());
          continue;
        }
        redo.push_back(v.get());
      }
    if (!redo.empty()) runTasks(buildTasks(redo), m_context.sub(0.95, 1.0));
    for (auto& f : m_parsed)
      if (f) f->close();
  }

  void runTasks(const std::vector<Task>& tasks, const LoadContext& context) {
    parallelFor(tasks.size(), context, "Decoding", [&](std::size_t i) { runTask(tasks[i]); });
  }

  void runTask(const Task& task) {
    DicomFile& file = *m_parsed[static_cast<std::size_t>(task.file)];
    Volume& volume = *task.volume;
    const SeriesPlan& plan = volume.plan;
    DecodeTarget target;
    target.type = plan.type;
    target.mayOverflow = plan.mayOverflow;
    target.base = static_cast<std::byte*>(volume.image->data());
    target.sliceBytes =
        static_cast<std::size_t>(plan.geometry.size[0] * plan.geometry.size[1]) * core::bytesPerPixel(plan.type);
    target.overflow = &volume.overflow;
    target.isolate = m_context.options().isolateDecoders;
    try {
      decodeFrames(file, task.frames, target);
    } catch (const std::exception& e) {
      for (const auto& [frameNo, k] : task.frames)
        std::memset(target.base + k * target.sliceBytes, 0, target.sliceBytes);
      volume.failed += static_cast<int>(task.frames.size());
      issue(Sev::Error, file.header.path, std::string("pixel data could not be decoded: ") + e.what());
    }
  }

  core::LoadResult assemble() {
    for (auto& volume : m_volumes) {
      SeriesPlan* plan = &volume->plan;
      if (volume->failed >= static_cast<int>(plan->slices.size())) continue;  // nothing decodable: issues say why
      if (volume->failed > 0)
        plan->info.problems.push_back(std::to_string(volume->failed.load()) +
                                      " slice(s) could not be decoded and are shown black");
      if (isBlankImage(*volume->image)) plan->info.problems.push_back(kBlankImageProblem);
      auto series = std::make_shared<core::Series>();
      series->info = std::move(plan->info);
      series->image = std::move(volume->image);
      auto p = std::find_if(m_result.patients.begin(), m_result.patients.end(), [&](const core::Patient& x) {
        return x.info.id == plan->patient.id && x.info.name == plan->patient.name;
      });
      if (p == m_result.patients.end()) {
        m_result.patients.push_back(core::Patient{plan->patient, {}});
        p = std::prev(m_result.patients.end());
      }
      auto s = std::find_if(p->studies.begin(), p->studies.end(),
                            [&](const core::Study& x) { return x.info.studyUid == plan->study.studyUid; });
      if (s == p->studies.end()) {
        p->studies.push_back(core::Study{plan->study, {}});
        s = std::prev(p->studies.end());
      }
      s->series.push_back(std::move(series));
    }
    return std::move(m_result);
  }

  const std::vector<std::string>& m_files;
  const LoadContext& m_context;
  std::vector<std::unique_ptr<DicomFile>> m_parsed;
  std::vector<std::unique_ptr<Volume>> m_volumes;
  core::LoadResult m_result;
  std::mutex m_mutex;
};

}  // namespace

core::LoadResult loadDicomFiles(const std::vector<std::string>& files, const LoadContext& context) {
  DicomLoader loader(files, context);
  return loader.run();
}

}  // namespace openrad::io::detail
