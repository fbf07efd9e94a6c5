#include "BenchLoad.h"

#include "BenchItkReader.h"
#include "openrad/io/Loader.h"

#include <dcmtk/dcmdata/dcdeftag.h>
#include <dcmtk/dcmdata/dcfilefo.h>
#include <dcmtk/dcmdata/dcuid.h>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <limits>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace openrad::cli {
namespace {

namespace fs = std::filesystem;
constexpr int kSize = 512;
constexpr int kRuns = 3;

// Deterministic noise (xorshift) so that every run writes the same series.
struct Noise {
  std::uint64_t state = 0x9e3779b97f4a7c15ULL;
  int operator()(int amplitude) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return static_cast<int>(state % static_cast<std::uint64_t>(2 * amplitude + 1)) - amplitude;
  }
};

// Anatomy-like axial slice in HU: air, an elliptic trunk (fat rim, soft tissue), two lungs in the
// upper half of the stack, a vertebral body with cortical rim and spinal canal, table, and noise.
void synthesiseSlice(int k, int slices, std::vector<Uint16>& stored, Noise& noise) {
  const double t = static_cast<double>(k) / std::max(1, slices - 1);
  const double ax = 190 + 15 * std::sin(t * 3.1), ay = 140 + 10 * std::cos(t * 2.3);
  const double cx = 256, cy = 250;
  const bool thorax = t < 0.45;
  for (int y = 0; y < kSize; ++y) {
    for (int x = 0; x < kSize; ++x) {
      const double dx = (x - cx) / ax, dy = (y - cy) / ay;
      const double r = std::sqrt(dx * dx + dy * dy);
      int hu = -1000;
      if (r < 1.0) {
        hu = r > 0.93 ? -100 : 40;  // subcutaneous fat, soft tissue
        if (thorax) {
          for (double side : {-1.0, 1.0}) {
            const double lx = (x - (cx + side * 85)) / 70.0, ly = (y - (cy - 20)) / 85.0;
            if (lx * lx + ly * ly < 1.0) hu = -850;
          }
        }
        const double vx = (x - cx) / 38.0, vy = (y - (cy + 75)) / 32.0;
        const double v = std::sqrt(vx * vx + vy * vy);
        if (v < 1.0) hu = v > 0.8 ? 1100 : 280;  // cortical rim, cancellous bone
        const double sx = (x - cx) / 12.0, sy = (y - (cy + 120)) / 10.0;
        if (sx * sx + sy * sy < 1.0) hu = 10;  // spinal canal
      } else if (y > cy + ay + 20 && y < cy + ay + 30 && std::abs(x - cx) < 220) {
        hu = 300;  // table
      }
      hu += noise(hu > -900 ? 18 : 6);
      stored[static_cast<std::size_t>(y * kSize + x)] = static_cast<Uint16>(std::clamp(hu + 1024, 0, 4095));
    }
  }
}

void put(DcmItem& d, const DcmTagKey& tag, const std::string& v) {
  if (d.putAndInsertString(tag, v.c_str()).bad()) throw std::runtime_error("cannot set a DICOM attribute");
}

void writeSeries(const fs::path& folder, int slices) {
  fs::create_directories(folder);
  char uid[100];
  const std::string study = dcmGenerateUniqueIdentifier(uid, SITE_STUDY_UID_ROOT);
  const std::string series = dcmGenerateUniqueIdentifier(uid, SITE_SERIES_UID_ROOT);
  const std::string frame = dcmGenerateUniqueIdentifier(uid);
  std::vector<Uint16> stored(static_cast<std::size_t>(kSize * kSize));
  Noise noise;
  for (int k = 0; k < slices; ++k) {
    synthesiseSlice(k, slices, stored, noise);
    DcmFileFormat file;
    DcmDataset& d = *file.getDataset();
    put(d, DCM_SpecificCharacterSet, "ISO_IR 100");
    put(d, DCM_ImageType, "ORIGINAL\\PRIMARY\\AXIAL");
    put(d, DCM_SOPClassUID, UID_CTImageStorage);
    put(d, DCM_SOPInstanceUID, dcmGenerateUniqueIdentifier(uid, SITE_INSTANCE_UID_ROOT));
    put(d, DCM_StudyDate, "20240315");
    put(d, DCM_StudyTime, "101500");
    put(d, DCM_AccessionNumber, "BENCH0001");
    put(d, DCM_Modality, "CT");
    put(d, DCM_Manufacturer, "OpenRad");
    put(d, DCM_StudyDescription, "CT LUMBAR SPINE");
    put(d, DCM_SeriesDescription, "Bench 1.0 B30f");
    put(d, DCM_PatientName, "Bench^Phantom");
    put(d, DCM_PatientID, "BENCH-001");
    put(d, DCM_PatientBirthDate, "19700101");
    put(d, DCM_PatientSex, "O");
    put(d, DCM_BodyPartExamined, "LSPINE");
    put(d, DCM_SliceThickness, "1");
    put(d, DCM_KVP, "120");
    put(d, DCM_ConvolutionKernel, "B30f");
    put(d, DCM_PatientPosition, "HFS");
    put(d, DCM_StudyInstanceUID, study);
    put(d, DCM_SeriesInstanceUID, series);
    put(d, DCM_StudyID, "1");
    put(d, DCM_SeriesNumber, "2");
    put(d, DCM_AcquisitionNumber, "1");
    put(d, DCM_InstanceNumber, std::to_string(k + 1));
    std::ostringstream ipp;
    ipp << "-179.6484375\\-179.6484375\\" << (-50.0 - k * 1.0);
    put(d, DCM_ImagePositionPatient, ipp.str());
    put(d, DCM_ImageOrientationPatient, "1\\0\\0\\0\\1\\0");
    put(d, DCM_FrameOfReferenceUID, frame);
    put(d, DCM_SliceLocation, std::to_string(-50.0 - k * 1.0));
    d.putAndInsertUint16(DCM_SamplesPerPixel, 1);
    put(d, DCM_PhotometricInterpretation, "MONOCHROME2");
    d.putAndInsertUint16(DCM_Rows, kSize);
    d.putAndInsertUint16(DCM_Columns, kSize);
    put(d, DCM_PixelSpacing, "0.703125\\0.703125");
    d.putAndInsertUint16(DCM_BitsAllocated, 16);
    d.putAndInsertUint16(DCM_BitsStored, 12);
    d.putAndInsertUint16(DCM_HighBit, 11);
    d.putAndInsertUint16(DCM_PixelRepresentation, 0);
    put(d, DCM_WindowCenter, "40\\400");
    put(d, DCM_WindowWidth, "400\\1800");
    put(d, DCM_RescaleIntercept, "-1024");
    put(d, DCM_RescaleSlope, "1");
    put(d, DCM_RescaleType, "HU");
    d.putAndInsertUint16Array(DCM_PixelData, stored.data(), static_cast<unsigned long>(stored.size()));
    char name[32];
    std::snprintf(name, sizeof name, "IM%06d.dcm", k + 1);
    const OFCondition status = file.saveFile((folder / name).string().c_str(), EXS_LittleEndianExplicit);
    if (status.bad()) throw std::runtime_error(std::string("cannot write the bench series: ") + status.text());
  }
}

struct Measurement {
  double seconds = std::numeric_limits<double>::quiet_NaN();
  long peakRssKiB = 0;
  std::string error;
};

// Runs `work` once to warm up and then kRuns times in a forked child; the parent gets the best time
// through a pipe and the child's peak RSS (self and its own children, e.g. dcm2niix) from wait4.
Measurement measureInChild(const std::function<void()>& work, int runs = kRuns) {
  Measurement m;
  int fds[2];
  if (::pipe(fds) != 0) {
    m.error = "pipe failed";
    return m;
  }
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    m.error = "fork failed";
    return m;
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::string message;
    double best = std::numeric_limits<double>::infinity();
    try {
      if (runs > 0) work();  // warm-up: page cache, lazy symbol binding, allocator
      for (int r = 0; r < std::max(1, runs); ++r) {
        const auto t0 = std::chrono::steady_clock::now();
        work();
        best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
      }
      char buf[64];
      std::snprintf(buf, sizeof buf, "%.9f", best);
      message = std::string("OK ") + buf;
    } catch (const std::exception& e) {
      message = std::string("ERR ") + e.what();
    }
    const char* p = message.c_str();
    std::size_t left = message.size();
    while (left > 0) {
      const ssize_t w = ::write(fds[1], p, left);
      if (w <= 0) break;
      p += w;
      left -= static_cast<std::size_t>(w);
    }
    ::close(fds[1]);
    ::_exit(message.rfind("OK", 0) == 0 ? 0 : 1);
  }
  ::close(fds[1]);
  std::string reply;
  char buf[512];
  ssize_t got;
  while ((got = ::read(fds[0], buf, sizeof buf)) > 0) reply.append(buf, static_cast<std::size_t>(got));
  ::close(fds[0]);
  int status = 0;
  struct rusage usage {};
  ::wait4(pid, &status, 0, &usage);
  m.peakRssKiB = usage.ru_maxrss;
  if (reply.rfind("OK ", 0) == 0)
    m.seconds = std::strtod(reply.c_str() + 3, nullptr);
  else
    m.error = reply.empty() ? "child died (status " + std::to_string(status) + ")" : reply.substr(4);
  return m;
}

std::vector<fs::path> seriesFiles(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder))
    if (e.is_regular_file()) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

// Reads every file into one buffer. With `hugePages` the buffer gets the same transparent-huge-page
// advice OpenRad gives its volumes, so the baseline is not slowed by 4 KiB page faults alone.
void rawRead(const fs::path& folder, bool hugePages) {
  const auto files = seriesFiles(folder);
  std::size_t total = 0;
  for (const auto& f : files) total += fs::file_size(f);
  std::unique_ptr<char[]> buffer(new char[total]);
  if (hugePages) {
    constexpr std::uintptr_t huge = std::uintptr_t{2} << 20;
    const auto begin = reinterpret_cast<std::uintptr_t>(buffer.get());
    const std::uintptr_t start = (begin + huge - 1) & ~(huge - 1), end = (begin + total) & ~(huge - 1);
    if (end > start) ::madvise(reinterpret_cast<void*>(start), end - start, MADV_HUGEPAGE);
  }
  std::size_t at = 0;
  for (const auto& f : files) {
    const int fd = ::open(f.c_str(), O_RDONLY);
    if (fd < 0) throw std::runtime_error("cannot open " + f.string());
    ssize_t got;
    while ((got = ::read(fd, buffer.get() + at, total - at)) > 0) at += static_cast<std::size_t>(got);
    ::close(fd);
  }
  if (at != total) throw std::runtime_error("short read");
  volatile char sink = buffer[total / 2];
  (void)sink;
}

void openradLoad(const fs::path& folder, int slices) {
  const auto result = io::loadPath(folder.string());
  const auto series = result.allSeries();
  if (series.size() != 1 || series.front()->image->geometry().size[2] != slices || !result.issues.empty())
    throw std::runtime_error("OpenRad did not load the series as one volume of " + std::to_string(slices) + " slices");
}

void itkLoad(const fs::path& folder, int slices) {
  double checksum = 0;
  const std::int64_t voxels = readSeriesWithItk(folder.string(), checksum);
  if (voxels != std::int64_t{kSize} * kSize * slices) throw std::runtime_error("ITK read a different voxel count");
}

void dcm2niixLoad(const fs::path& folder, const fs::path& out) {
  std::error_code ec;
  fs::remove_all(out, ec);
  fs::create_directories(out);
  const std::string cmd = "/usr/bin/dcm2niix -z n -b n -f bench -o '" + out.string() + "' '" + folder.string() + "' > /dev/null 2>&1";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("dcm2niix failed");
  if (!fs::exists(out / "bench.nii")) throw std::runtime_error("dcm2niix wrote no bench.nii");
}

std::string ratio(double num, double den) {
  if (!(den > 0) || std::isnan(num)) return "n/a";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", num / den);
  return buf;
}

}  // namespace

int runLoadBench(const std::string& workDir, int slices, bool keep) {
  const fs::path root = fs::path(workDir) / ("run-" + std::to_string(::getpid()));
  const fs::path series = root / "series";
  const fs::path niiOut = root / "dcm2niix-out";
  try {
    std::printf("Writing %d slices of %dx%d 16-bit CT to %s ...\n", slices, kSize, kSize, series.c_str());
    const auto t0 = std::chrono::steady_clock::now();
    writeSeries(series, slices);
    std::printf("  written in %.1f s\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench load: %s\n", e.what());
    return 2;
  }
  const double voxelBytes = 2.0 * kSize * kSize * slices;

  struct Row {
    std::string name;
    Measurement m;
  };
  std::vector<Row> rows;
  rows.push_back({"process baseline", measureInChild([] {}, 0)});
  rows.push_back({"raw read", measureInChild([&] { rawRead(series, false); })});
  rows.push_back({"raw read (THP)", measureInChild([&] { rawRead(series, true); })});
  rows.push_back({"OpenRad loadPath", measureInChild([&] { openradLoad(series, slices); })});
  rows.push_back({"ITK GDCM series", measureInChild([&] { itkLoad(series, slices); })});
  if (fs::exists("/usr/bin/dcm2niix"))
    rows.push_back({"dcm2niix -z n", measureInChild([&] { dcm2niixLoad(series, niiOut); })});
  else
    rows.push_back({"dcm2niix -z n", Measurement{std::numeric_limits<double>::quiet_NaN(), 0, "/usr/bin/dcm2niix not found"}});

  std::printf("\n%d slices, %.1f MB of voxels, best of %d runs after a warm-up, one child process each\n", slices,
              voxelBytes / 1e6, kRuns);
  std::printf("%-18s %10s %14s\n", "contender", "time [s]", "peak RSS [MB]");
  bool ok = true;
  for (const auto& r : rows) {
    if (!r.m.error.empty()) {
      std::printf("%-18s %10s %14.1f  error: %s\n", r.name.c_str(), "-", r.m.peakRssKiB / 1024.0, r.m.error.c_str());
      ok = false;
      continue;
    }
    if (r.name == "process baseline")
      std::printf("%-18s %10s %14.1f\n", r.name.c_str(), "-", r.m.peakRssKiB / 1024.0);
    else
      std::printf("%-18s %10.3f %14.1f\n", r.name.c_str(), r.m.seconds, r.m.peakRssKiB / 1024.0);
  }
  const auto& raw = rows[1].m;
  const auto& rawThp = rows[2].m;
  const auto& ours = rows[3].m;
  const auto& itk = rows[4].m;
  const auto& niix = rows[5].m;
  auto target = [](const std::string& value, double limit) {
    if (value == "n/a") return std::string("n/a");
    return std::string(std::strtod(value.c_str(), nullptr) <= limit ? "met" : "MISSED");
  };
  const std::string rNiix = ratio(ours.seconds, niix.seconds), rItk = ratio(ours.seconds, itk.seconds),
                    rRaw = ratio(ours.seconds, raw.seconds), rRawThp = ratio(ours.seconds, rawThp.seconds), rRss = ratio(ours.peakRssKiB * 1024.0, voxelBytes);
  std::printf("\nratio                         value   target\n");
  std::printf("OpenRad / dcm2niix time       %5s   <= 1.0   %s\n", rNiix.c_str(), target(rNiix, 1.0).c_str());
  std::printf("OpenRad / ITK time            %5s   <= 0.5   %s\n", rItk.c_str(), target(rItk, 0.5).c_str());
  std::printf("OpenRad / raw read time       %5s   <= 2.0   %s\n", rRaw.c_str(), target(rRaw, 2.0).c_str());
  // Stricter: the raw read given the same huge-page advice OpenRad uses for its volumes.
  std::printf("OpenRad / raw read (THP) time %5s   <= 2.0   %s\n", rRawThp.c_str(), target(rRawThp, 2.0).c_str());
  std::printf("OpenRad peak RSS / voxels     %5s   <= 1.5   %s\n", rRss.c_str(), target(rRss, 1.5).c_str());

  if (!keep) {
    std::error_code ec;
    fs::remove_all(root, ec);
  } else {
    std::printf("\nseries kept in %s\n", series.c_str());
  }
  return ok ? 0 : 1;
}

}  // namespace openrad::cli
