#include "openrad/core/ConnectedParts.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

using openrad::core::Connectivity;
using openrad::core::connectedParts;

namespace {

constexpr std::array<std::int64_t, 3> kSize{4, 3, 2};

std::int64_t at(std::int64_t x, std::int64_t y, std::int64_t z) { return x + kSize[0] * (y + kSize[1] * z); }

}  // namespace

TEST(ConnectedParts, CornerNeighboursJoinOnlyUnderFullConnectivity) {
  std::vector<std::uint8_t> grid(static_cast<std::size_t>(kSize[0] * kSize[1] * kSize[2]), 0);
  grid[at(0, 0, 0)] = 1;
  grid[at(1, 1, 1)] = 1;  // touches (0,0,0) at a corner only
  grid[at(3, 2, 0)] = 1;  // alone
  std::vector<std::int32_t> part;
  const auto six = connectedParts(grid.data(), kSize, 1, Connectivity::Face6, part);
  EXPECT_EQ(six, (std::vector<std::int64_t>{1, 1, 1}));
  const auto full = connectedParts(grid.data(), kSize, 1, Connectivity::Full26, part);
  EXPECT_EQ(full, (std::vector<std::int64_t>{2, 1}));
  EXPECT_EQ(part[at(0, 0, 0)], 0);
  EXPECT_EQ(part[at(1, 1, 1)], 0);
  EXPECT_EQ(part[at(3, 2, 0)], 1);
  EXPECT_EQ(part[at(2, 2, 0)], -1);
}

TEST(ConnectedParts, FaceNeighboursOfOtherValuesStayApartWhenSameSaysSo) {
  // A row of 1 1 2 2 on one line: inside = non-zero; `same` joins equal values only.
  std::vector<std::uint8_t> grid(static_cast<std::size_t>(kSize[0] * kSize[1] * kSize[2]), 0);
  grid[at(0, 0, 0)] = 1, grid[at(1, 0, 0)] = 1, grid[at(2, 0, 0)] = 2, grid[at(3, 0, 0)] = 2;
  std::vector<std::int32_t> part;
  const auto sizes = connectedParts(
      kSize, Connectivity::Face6, [&](std::int64_t v) { return grid[v] != 0; },
      [&](std::int64_t a, std::int64_t b) { return grid[a] == grid[b]; }, part);
  EXPECT_EQ(sizes, (std::vector<std::int64_t>{2, 2}));
  EXPECT_NE(part[at(1, 0, 0)], part[at(2, 0, 0)]);
  const auto joined = connectedParts(
      kSize, Connectivity::Face6, [&](std::int64_t v) { return grid[v] != 0; }, [](std::int64_t, std::int64_t) { return true; },
      part);
  EXPECT_EQ(joined, (std::vector<std::int64_t>{4}));
}
