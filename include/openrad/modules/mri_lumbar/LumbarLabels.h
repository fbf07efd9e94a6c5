#pragma once

// The mri-lumbar module's classes (issue 10): the codes of the real dataset for the bodies (1 = T9 … 10 = S1, as in
// ../shared/data/mri-lumbar-real/labels.json) plus one disc class and the canal (from the phantoms). Pure.

#include <array>
#include <cstdint>
#include <string>

namespace openrad::modules::mri_lumbar {

inline constexpr int kClasses = 13;  ///< background, 10 bodies, disc, canal
inline constexpr std::uint8_t kBackground = 0;
inline constexpr std::uint8_t kT9 = 1, kT12 = 4, kL1 = 5, kL4 = 8, kL5 = 9, kS1 = 10;
inline constexpr std::uint8_t kDisc = 11, kCanal = 12;

/// "T9" … "S1", "disc", "canal", "background".
inline std::string className(int c) {
  static const std::array<const char*, kClasses> names = {"background", "T9", "T10", "T11", "T12", "L1", "L2",
                                                          "L3",         "L4", "L5",  "S1",  "disc", "canal"};
  return c >= 0 && c < kClasses ? names[static_cast<std::size_t>(c)] : "";
}
/// Body class of a level name ("L3" → 7); 0 when not a body of the table.
inline int bodyClass(const std::string& level) {
  for (int c = kT9; c <= kS1; ++c)
    if (className(c) == level) return c;
  return 0;
}
inline bool isBody(int c) { return c >= kT9 && c <= kS1; }

}  // namespace openrad::modules::mri_lumbar
