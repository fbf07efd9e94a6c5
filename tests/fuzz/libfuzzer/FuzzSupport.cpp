#include "FuzzSupport.h"

#include "openrad/core/Document.h"
#include "openrad/core/Image.h"
#include "openrad/io/DicomWriter.h"
#include "openrad/io/IoError.h"
#include "openrad/io/Loader.h"
#include "openrad/io/SessionStore.h"

#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <system_error>

#include <cerrno>
#include <csignal>

#include <pthread.h>
#include <unistd.h>

// From the sanitizer runtime when there is one (build-fuzz, build-asan); null in a plain build.
extern "C" void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

namespace openrad::fuzz {
namespace fs = std::filesystem;

namespace {

// io runs GDCM in a forked child (src/io/Isolation.cpp) whose death the parent turns into a load issue. Under
// libFuzzer that child inherits libFuzzer's and ASan's crash handlers: a decoder abort there would be reported (and
// written out as a crash-* input) as if the workstation had crashed. In the child, deadly signals get their default
// action back, as in the real program, and a sanitizer report in it is marked as contained. Such a child leaves an
// input behind only through a sanitizer report or libFuzzer's malloc limit; scripts/libfuzzer-campaign.sh counts
// those as "contained" (the parent, the workstation, survived).
void childDeath() {
  static const char kMessage[] = "openrad-fuzz: the report above is from an isolated decoder child (contained)\n";
  (void)!::write(2, kMessage, sizeof kMessage - 1);
}

void inForkedChild() {
  for (int sig : {SIGABRT, SIGSEGV, SIGBUS, SIGFPE, SIGILL}) std::signal(sig, SIG_DFL);
  if (__sanitizer_set_death_callback) __sanitizer_set_death_callback(childDeath);
}

const bool kAtForkRegistered = ::pthread_atfork(nullptr, nullptr, inForkedChild) == 0;

[[noreturn]] void harnessFault(const std::string& what) {
  std::fprintf(stderr, "fuzz harness fault: %s\n", what.c_str());
  std::abort();
}

struct Scratch {
  fs::path path;
  Scratch() {
    std::error_code ec;
    fs::path base = "/dev/shm";
    if (!fs::is_directory(base, ec)) {
      const char* tmp = std::getenv("TMPDIR");
      base = tmp && *tmp ? tmp : "/tmp";
    }
    // A process that died on a finding could not remove its folder: remove those of processes that are gone.
    const std::string prefix = "openrad-fuzz-";
    for (const auto& e : fs::directory_iterator(base, ec)) {
      const std::string name = e.path().filename().string();
      if (name.rfind(prefix, 0) != 0) continue;
      const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
      std::error_code removeError;
      if (pid > 0 && ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), removeError);
    }
    std::string pattern = (base / (prefix + std::to_string(::getpid()) + "-XXXXXX")).string();
    if (!::mkdtemp(pattern.data())) harnessFault("cannot create a scratch folder under " + base.string());
    path = pattern;
  }
  ~Scratch() {
    // Only our own folder, and only from the process that made it (a forked decoder child exits with _exit).
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};

}  // namespace

const fs::path& scratchDir() {
  static const Scratch scratch;
  return scratch.path;
}

void writeBytes(const fs::path& file, const std::uint8_t* data, std::size_t size) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (size > 0) out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) harnessFault("cannot write " + file.string());
}

void removeFile(const fs::path& file) {
  std::error_code ec;
  fs::remove(file, ec);
  if (ec) harnessFault("cannot remove " + file.string() + ": " + ec.message());
}

core::LoadResult loadChecked(const std::string& path) {
  io::LoadOptions options;
  options.threads = 1;
  // Below libFuzzer's -rss_limit_mb with ASan's overhead: a declared image the loader accepts must fit.
  options.maxImageBytes = 256ull << 20;
  // The codecs run in this process (GDCM excepted), so that a fault of theirs is a finding here instead of being
  // contained by the workstation's child process, and the campaign is not a fork per input.
  options.isolateDecoders = false;
  core::LoadResult result;
  try {
    result = io::loadPath(path, options);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "io::loadPath(\"%s\") let an exception escape: %s\n", path.c_str(), e.what());
    std::abort();
  }
  // OPENRAD_FUZZ_ALLOW_SILENT=1 lets a campaign look past a known silent failure (docs/fuzzing.md).
  static const bool allowSilent = [] {
    const char* env = std::getenv("OPENRAD_FUZZ_ALLOW_SILENT");
    return env && std::string(env) == "1";
  }();
  if (result.allSeries().empty() && !allowSilent) {
    bool named = false;
    for (const auto& issue : result.issues) named = named || !issue.message.empty();
    if (!named) {
      std::fprintf(stderr, "io::loadPath(\"%s\") gave no series and no issue saying why\n", path.c_str());
      std::abort();
    }
  }
  return result;
}

void writeSmallDicom(const fs::path& file, bool jpeg) {
  core::Geometry g;
  g.size = {8, 6, 1};
  g.spacing = {0.5, 0.5, 1.0};
  core::Image image(g, core::PixelType::Int16);
  auto* v = image.as<std::int16_t>();
  for (std::int64_t i = 0; i < g.voxelCount(); ++i) v[i] = static_cast<std::int16_t>(i * 37 % 900 - 100);
  core::PatientInfo patient{"FUZZ-1", "Fuzz^Seed", "19700101", "O"};
  core::StudyInfo study;
  study.date = "20260101";
  study.time = "120000";
  study.studyId = "1";  // StudyTime and StudyID: a DICOMDIR record (the dicomdir seeds) needs them
  core::SeriesInfo series;
  series.modality = "CT";
  io::DicomWriteOptions options;
  options.uidSeed = "openrad-fuzz";
  options.rescaleIntercept = -1024;
  options.jpegLossless = jpeg;
  const fs::path folder = file.parent_path() / (file.filename().string() + ".d");
  const auto written = io::writeDicomSeries(image, patient, study, series, folder.string(), options);
  if (written.files.size() != 1) harnessFault("DICOM writer gave " + std::to_string(written.files.size()) + " files");
  std::error_code ec;
  fs::rename(written.files[0], file, ec);
  if (ec) harnessFault("cannot move the written DICOM file: " + ec.message());
  fs::remove_all(folder, ec);
}

void writeSessionFolder(const fs::path& folder) {
  core::Geometry g;
  g.size = {4, 3, 2};
  auto labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  labels->as<std::uint8_t>()[5] = 1;
  core::SeriesAnnotations a;
  core::LandmarkSet set;
  set.name = "ap";
  set.points.push_back(core::Landmark{"L3.sup.ant", {1.0, 2.0, 0.0}, 0.9, false});
  set.provenance = core::Provenance{"xray-landmarks", "1.0"};
  a.landmarkSets[set.name] = set;
  core::LabelMap map;
  map.name = "vertebrae";
  map.labels = labels;
  map.table.push_back(core::LabelInfo{1, "L3", {255, 0, 0}});
  a.labelMaps[map.name] = map;
  core::Box box;
  box.label = "finding";
  box.max = {3, 2};
  a.boxes.push_back(box);
  core::Measurement m;
  m.id = "cobb.main";
  m.value = 12.5;
  m.unit = "deg";
  m.inputs = {"L3.sup.ant"};
  m.attributes = {{"side", "right"}};
  a.measurements[m.id] = m;
  core::ResultTable t;
  t.id = "table";
  t.columns = {"a", "b"};
  t.rows = {{"1", "2"}};
  a.tables[t.id] = t;
  core::Mesh mesh;
  mesh.name = "mesh";
  mesh.vertices = {{0, 0, 0}, {1, 0, 0}, {0, 1, 0}};
  mesh.triangles = {{0, 1, 2}};
  a.meshes[mesh.name] = mesh;
  a.warnings = {{"xray-landmarks", {"low confidence"}}};
  io::SessionStore store(folder.string());
  store.save(std::map<std::string, core::SeriesAnnotations>{{"1.2.3.4", a}});
}

}  // namespace openrad::fuzz
