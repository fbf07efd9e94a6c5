#include "openrad/measure/SpineMeasurements.h"

#include "openrad/measure/SpineHeights.h"
#include "openrad/measure/SpineLandmarks.h"

namespace openrad::measure {

bool anyInputEdited(const core::LandmarkSet& set, const std::vector<std::string>& inputs) {
  for (const auto& name : inputs)
    if (const core::Landmark* p = set.find(name); p && p->edited) return true;
  return false;
}

namespace {
std::vector<std::string> cornersOf(int vertebra, std::initializer_list<int> which) {
  std::vector<std::string> names;
  for (int c : which) names.push_back(apCornerName(vertebra, c));
  return names;
}

core::Measurement entry(const core::LandmarkSet& set, std::string id, std::string name, double value,
                        const PixelScale& scale, std::vector<std::string> inputs) {
  core::Measurement m;
  m.id = std::move(id);
  m.name = std::move(name);
  m.value = value;
  m.unit = scale.unit();
  m.inputs = std::move(inputs);
  m.provenance = set.provenance;
  m.edited = anyInputEdited(set, m.inputs);
  return m;
}
}  // namespace

std::vector<core::Measurement> spineHeightMeasurements(const core::LandmarkSet& set, const PixelScale& scale) {
  const ApCorners c = apCornersFrom(set);
  std::vector<core::Measurement> out;
  const int last = kApVertebrae - 1;

  auto spinalInputs = cornersOf(0, {TopLeft, TopRight});
  for (auto& n : cornersOf(last, {BottomLeft, BottomRight})) spinalInputs.push_back(n);
  out.push_back(entry(set, "height.spinal", "Spinal height (T1 sup – L5 inf)", spinalHeight(c, scale), scale,
                      spinalInputs));

  auto thoracicInputs = cornersOf(0, {TopLeft, TopRight});
  for (auto& n : cornersOf(11, {BottomLeft, BottomRight})) thoracicInputs.push_back(n);
  out.push_back(entry(set, "height.thoracic", "Thoracic height (T1 sup – T12 inf)", thoracicHeight(c, scale),
                      scale, thoracicInputs));

  const auto bodies = vertebralBodyHeights(c, scale);
  for (int v = 0; v < kApVertebrae; ++v) {
    const auto& h = bodies[static_cast<std::size_t>(v)];
    out.push_back(entry(set, "height.body." + h.level, h.level + " body height", h.value, scale,
                        cornersOf(v, {TopLeft, TopRight, BottomLeft, BottomRight})));
  }
  const auto discs = discHeights(c, scale);
  for (int v = 0; v + 1 < kApVertebrae; ++v) {
    const auto& h = discs[static_cast<std::size_t>(v)];
    auto inputs = cornersOf(v, {BottomLeft, BottomRight});
    for (auto& n : cornersOf(v + 1, {TopLeft, TopRight})) inputs.push_back(n);
    out.push_back(entry(set, "height.disc." + h.level, h.level + " disc height", h.value, scale, inputs));
  }
  return out;
}

}  // namespace openrad::measure
