// libFuzzer target: the series planner (io::detail::planSeries) on synthetic headers decoded from the bytes — up to 24
// files of up to 4 frames, with sizes, orientations, positions (huge values included), spacings, rescales, UIDs and
// patients chosen by the input. The header reader bounds what reaches the planner, but the planner must not trust it:
// every plan it returns must describe slices that exist, on a grid that matches them.
#include "SeriesPlanner.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

using openrad::io::detail::FrameHeader;
using openrad::io::detail::ImageHeader;

/// Reads the input as a stream of small choices; past its end every choice is 0.
class Choices {
public:
  Choices(const std::uint8_t* data, std::size_t size) : m_data(data), m_size(size) {}
  std::uint8_t byte() { return m_at < m_size ? m_data[m_at++] : 0; }
  int pick(int n) { return byte() % n; }
  /// A coordinate: mostly a few millimetres, sometimes one of the extremes a finite header can hold.
  double coordinate() {
    static const double kExtremes[] = {0.0, -0.0, 1e-300, 1e300, -1e300, 1.7e308, -1.7e308, 4e-5, 1e-3};
    const int kind = pick(8);
    if (kind == 0) return kExtremes[pick(static_cast<int>(sizeof kExtremes / sizeof kExtremes[0]))];
    const auto raw = static_cast<std::int16_t>(byte() | byte() << 8);
    return raw / 8.0;
  }
  /// A unit-ish direction: an axis, an oblique one, or something degenerate.
  Eigen::Vector3d direction() {
    switch (pick(6)) {
      case 0: return Eigen::Vector3d::UnitX();
      case 1: return Eigen::Vector3d::UnitY();
      case 2: return -Eigen::Vector3d::UnitZ();
      case 3: return Eigen::Vector3d(1, 1, 0).normalized();
      case 4: return Eigen::Vector3d(coordinate(), coordinate(), coordinate());
      default: return Eigen::Vector3d(0, std::cos(byte() / 40.0), std::sin(byte() / 40.0));
    }
  }

private:
  const std::uint8_t* m_data;
  std::size_t m_size, m_at = 0;
};

[[noreturn]] void fail(const std::string& what) {
  std::fprintf(stderr, "planSeries broke its contract: %s\n", what.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Choices in(data, size);
  const int files = 1 + in.pick(24);
  std::vector<ImageHeader> headers(static_cast<std::size_t>(files));
  std::vector<bool> present(headers.size());
  for (int i = 0; i < files; ++i) {
    ImageHeader& h = headers[static_cast<std::size_t>(i)];
    present[static_cast<std::size_t>(i)] = in.pick(8) != 0;  // some files did not parse
    h.path = "/fuzz/" + std::to_string(i) + ".dcm";
    h.patient.id = "P" + std::to_string(in.pick(2));
    h.study.studyUid = in.pick(4) ? "1.2.3" : "";
    h.seriesUid = in.pick(5) ? "1.2.3." + std::to_string(in.pick(3)) : "";
    h.sopInstanceUid = in.pick(3) ? h.path : "";
    h.instanceNumber = in.pick(5);
    static const char* const kModalities[] = {"CT", "MR", "DX", "OT"};
    h.modality = kModalities[in.pick(4)];
    h.rows = in.pick(10) ? 1 + in.pick(8) : in.pick(3) - 1;  // sometimes 0 or -1
    h.cols = in.pick(10) ? 1 + in.pick(8) : in.pick(3) - 1;
    h.samples = in.pick(6) ? 1 : 3;
    static const int kBits[] = {8, 16, 32, 1, 12};
    h.bitsAllocated = kBits[in.pick(5)];
    h.bitsStored = std::max(1, h.bitsAllocated - in.pick(5));
    h.highBit = h.bitsStored - 1;
    h.isSigned = in.pick(2);
    static const char* const kPhotometric[] = {"MONOCHROME2", "MONOCHROME1", "RGB", "PALETTE COLOR"};
    h.photometric = kPhotometric[in.pick(4)];
    h.hasModalityLut = in.pick(8) == 0;
    h.spacingBetweenSlices = in.pick(3) ? 0.0 : in.coordinate();
    h.gantryTilt = in.pick(4) ? 0.0 : in.coordinate();
    h.framePositionsDerived = in.pick(4) == 0;
    h.frames = 1 + in.pick(4);
    // Usually one frame header per frame; sometimes not (the planner must refuse, not index past the list).
    const int frameHeaders = in.pick(8) ? h.frames : in.pick(6);
    const bool stack = in.pick(3) != 0;  // a regular stack along z, or free positions
    for (int k = 0; k < frameHeaders; ++k) {
      FrameHeader f;
      f.hasIpp = in.pick(6) != 0;
      f.hasIop = in.pick(6) != 0;
      f.hasSpacing = in.pick(5) != 0;
      f.row = in.pick(4) ? Eigen::Vector3d::UnitX() : in.direction();
      f.col = in.pick(4) ? Eigen::Vector3d::UnitY() : in.direction();
      f.ipp = stack ? Eigen::Vector3d(0, 0, 2.5 * (i * h.frames + k) + (in.pick(6) ? 0.0 : in.coordinate()))
                    : Eigen::Vector3d(in.coordinate(), in.coordinate(), in.coordinate());
      f.rowSpacing = in.pick(4) ? 0.8 : std::abs(in.coordinate());
      f.colSpacing = in.pick(4) ? 0.8 : std::abs(in.coordinate());
      f.thickness = in.pick(3) ? 2.5 : in.coordinate();
      f.slope = in.pick(4) ? 1.0 : in.coordinate();
      f.intercept = in.pick(3) ? -1024.0 : in.coordinate();
      if (in.pick(4) == 0) f.windowCenter = in.coordinate();
      f.order = in.pick(4);
      h.frameHeaders.push_back(f);
    }
  }
  std::vector<const ImageHeader*> pointers;
  for (std::size_t i = 0; i < headers.size(); ++i) pointers.push_back(present[i] ? &headers[i] : nullptr);

  const auto result = openrad::io::detail::planSeries(pointers);

  for (int f : result.droppedFiles)
    if (f < 0 || f >= files || !present[static_cast<std::size_t>(f)]) fail("dropped a file that is not an input");
  for (const auto& issue : result.issues)
    if (issue.file.empty() || issue.message.empty()) fail("an issue without a file or a message");
  for (const auto& plan : result.plans) {
    if (plan.slices.empty()) fail("a plan without slices");
    const auto& g = plan.geometry;
    if (g.size[2] != static_cast<std::int64_t>(plan.slices.size())) fail("slice count differs from the grid depth");
    for (const auto& s : plan.slices) {
      if (s.file < 0 || s.file >= files || !present[static_cast<std::size_t>(s.file)]) fail("a slice of no input file");
      const ImageHeader& h = headers[static_cast<std::size_t>(s.file)];
      if (s.frame < 0 || s.frame >= h.frames || s.frame >= static_cast<int>(h.frameHeaders.size()))
        fail("a slice of a frame the file does not have");
      if (h.cols != g.size[0] || h.rows != g.size[1]) fail("a slice whose size differs from the plan's grid");
    }
    if (g.size[0] <= 0 || g.size[1] <= 0) fail("an empty grid");
    if (plan.info.seriesUid.empty() || plan.study.studyUid.empty()) fail("a plan without series or study UID");
  }
  return 0;
}
