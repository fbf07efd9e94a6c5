#pragma once

// Private helpers shared by the lumbar MRI and head CT study writers.

#include "openrad/core/Image.h"
#include "openrad/io/IoError.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

namespace openrad::phantom::detail {

/// YYYYMMDD plus `days` (proleptic Gregorian, days >= 0).
inline std::string addDays(const std::string& yyyymmdd, int days) {
  int y = std::stoi(yyyymmdd.substr(0, 4)), m = std::stoi(yyyymmdd.substr(4, 2)), d = std::stoi(yyyymmdd.substr(6, 2));
  auto leap = [](int yy) { return (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0; };
  auto monthDays = [&](int yy, int mm) {
    static const int md[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return mm == 2 && leap(yy) ? 29 : md[mm - 1];
  };
  for (int i = 0; i < days; ++i) {
    if (++d > monthDays(y, m)) {
      d = 1;
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d%02d%02d", y, m, d);
  return buf;
}

/// Window (centre, width) covering the 0.5..99.5 percentiles of an integer image.
inline std::pair<double, double> autoWindow(const core::Image& image) {
  const auto n = image.geometry().voxelCount();
  std::vector<double> v;
  v.reserve(static_cast<std::size_t>(n / 7 + 1));
  const auto& g = image.geometry();
  std::int64_t idx = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i, ++idx)
        if (idx % 7 == 0) v.push_back(image.value(i, j, k));
  std::sort(v.begin(), v.end());
  const double lo = v[v.size() / 200], hi = v[v.size() - 1 - v.size() / 200];
  return {std::round(0.5 * (lo + hi)), std::max(1.0, std::round(hi - lo))};
}

/// The grid of an image as JSON (size, spacing, origin, direction columns), LPS mm.
inline nlohmann::ordered_json gridJson(const core::Geometry& g) {
  nlohmann::ordered_json j;
  j["size"] = {g.size[0], g.size[1], g.size[2]};
  j["spacing"] = {g.spacing[0], g.spacing[1], g.spacing[2]};
  j["origin"] = {g.origin[0], g.origin[1], g.origin[2]};
  j["direction"] = {g.direction(0, 0), g.direction(1, 0), g.direction(2, 0), g.direction(0, 1), g.direction(1, 1),
                    g.direction(2, 1), g.direction(0, 2), g.direction(1, 2), g.direction(2, 2)};
  j["space"] = "LPS";
  return j;
}

/// Writes JSON (2-space indent, trailing newline); throws io::IoError.
inline void writeJson(const nlohmann::ordered_json& j, const std::string& path) {
  std::ofstream out(path, std::ios::binary);
  if (!out) throw io::IoError(path, "cannot open for writing");
  out << j.dump(2) << '\n';
  if (!out) throw io::IoError(path, "write failed");
}

}  // namespace openrad::phantom::detail
