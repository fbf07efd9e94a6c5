#include "PixelConvert.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <type_traits>
#include <vector>

#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define OPENRAD_VECTOR_CLONES __attribute__((noinline, target_clones("avx2", "default")))
#else
#define OPENRAD_VECTOR_CLONES
#endif

namespace openrad::io::detail {
namespace {

bool isInteger(double v) { return std::abs(v - std::round(v)) < 1e-9 && std::abs(v) < 1e9; }

template <class S> inline std::int64_t storedInt(S raw, const Conversion& c) {
  std::int64_t v = static_cast<std::int64_t>(raw);
  if (c.maskBits > 0) {
    using U = std::make_unsigned_t<S>;
    std::uint64_t bits = static_cast<std::uint64_t>(static_cast<U>(raw)) >> c.shift;
    bits &= (std::uint64_t{1} << c.maskBits) - 1;
    v = static_cast<std::int64_t>(bits);
    if (c.signExtend && (bits & (std::uint64_t{1} << (c.maskBits - 1))))
      v -= static_cast<std::int64_t>(std::uint64_t{1} << c.maskBits);
  }
  return v;
}

// Integer in, integer out, integer rescale: the hot path of every CT/MR load. The simple loops are
// kept branch-free so that the compiler vectorises them (this file is built with -O3).
template <class S, class T>
OPENRAD_VECTOR_CLONES bool convertIntegers(const S* __restrict src, T* __restrict dst, std::int64_t n, const Conversion& c) {
  constexpr std::int64_t tMin = std::numeric_limits<T>::min(), tMax = std::numeric_limits<T>::max();
  const bool plain = c.maskBits == 0 && !c.invert;
  const auto slope = static_cast<std::int32_t>(std::lround(c.slope));
  const auto intercept = static_cast<std::int32_t>(std::lround(c.intercept));
  if (plain && sizeof(S) <= 2 && slope == 1) {
    if (!c.mayOverflow) {
      for (std::int64_t i = 0; i < n; ++i) dst[i] = static_cast<T>(static_cast<std::int32_t>(src[i]) + intercept);
      return true;
    }
    std::int32_t lo = std::numeric_limits<std::int32_t>::max(), hi = std::numeric_limits<std::int32_t>::min();
    for (std::int64_t i = 0; i < n; ++i) {
      const std::int32_t x = static_cast<std::int32_t>(src[i]) + intercept;
      lo = std::min(lo, x);
      hi = std::max(hi, x);
      dst[i] = static_cast<T>(x);
    }
    return lo >= tMin && hi <= tMax;
  }
  const auto inv = static_cast<std::int64_t>(std::llround(c.invertSum));
  std::int64_t lo = std::numeric_limits<std::int64_t>::max(), hi = std::numeric_limits<std::int64_t>::min();
  for (std::int64_t i = 0; i < n; ++i) {
    std::int64_t v = storedInt(src[i], c);
    if (c.invert) v = inv - v;
    const std::int64_t x = v * slope + intercept;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    dst[i] = static_cast<T>(std::clamp(x, tMin, tMax));
  }
  return lo >= tMin && hi <= tMax;
}

template <class S> inline double storedReal(S raw, const Conversion& c) {
  if constexpr (std::is_integral_v<S>)
    return static_cast<double>(storedInt(raw, c));
  else
    return static_cast<double>(raw);
}

template <class T> inline bool store(double x, T* dst) {
  if constexpr (std::is_integral_v<T>) {
    double r = std::nearbyint(x);
    bool ok = true;
    if (!(r >= static_cast<double>(std::numeric_limits<T>::min()) &&
          r <= static_cast<double>(std::numeric_limits<T>::max()))) {
      ok = false;
      r = std::isnan(r) ? 0.0
                        : std::clamp(r, static_cast<double>(std::numeric_limits<T>::min()),
                                     static_cast<double>(std::numeric_limits<T>::max()));
    }
    *dst = static_cast<T>(r);
    return ok;
  } else {
    *dst = static_cast<T>(x);
    return true;
  }
}

template <class S, class T>
bool convertGeneral(const S* __restrict src, T* __restrict dst, std::int64_t n, const Conversion& c) {
  bool ok = true;
  for (std::int64_t i = 0; i < n; ++i) {
    double v = storedReal(src[i], c);
    if (c.invert) v = c.invertSum - v;
    ok &= store(v * c.slope + c.intercept, dst + i);
  }
  return ok;
}

template <class S, class T>
bool convertColour(const S* src, T* dst, const RawFrame& f, const Conversion& c) {
  const std::int64_t n = f.pixels;
  bool ok = true;
  for (std::int64_t i = 0; i < n; ++i) {
    double a, b, d;
    if (f.planar) {
      a = storedReal(src[i], c), b = storedReal(src[n + i], c), d = storedReal(src[2 * n + i], c);
    } else {
      a = storedReal(src[3 * i], c), b = storedReal(src[3 * i + 1], c), d = storedReal(src[3 * i + 2], c);
    }
    const double grey = f.ybr ? a : 0.299 * a + 0.587 * b + 0.114 * d;
    ok &= store(grey, dst + i);
  }
  return ok;
}

template <class S, class T> bool convertTyped(const RawFrame& f, const Conversion& c, T* dst) {
  const S* src = static_cast<const S*>(f.data);
  if (f.samples == 3) return convertColour(src, dst, f, c);
  if constexpr (std::is_integral_v<S> && std::is_integral_v<T>) {
    if (isInteger(c.slope) && isInteger(c.intercept) && std::abs(c.slope) < 32768 && std::abs(c.intercept) < 1e8)
      return convertIntegers(src, dst, f.pixels, c);
  }
  return convertGeneral(src, dst, f.pixels, c);
}

template <class T> bool convertTo(const RawFrame& f, const Conversion& c, T* dst) {
  switch (f.type) {
    case SampleType::UInt8: return convertTyped<std::uint8_t>(f, c, dst);
    case SampleType::Int8: return convertTyped<std::int8_t>(f, c, dst);
    case SampleType::UInt16: return convertTyped<std::uint16_t>(f, c, dst);
    case SampleType::Int16: return convertTyped<std::int16_t>(f, c, dst);
    case SampleType::UInt32: return convertTyped<std::uint32_t>(f, c, dst);
    case SampleType::Int32: return convertTyped<std::int32_t>(f, c, dst);
    case SampleType::Float32: return convertTyped<float>(f, c, dst);
    case SampleType::Float64: return convertTyped<double>(f, c, dst);
  }
  return false;
}

// One pointer for reading and writing: the compiler sees a zero dependence distance and vectorises.
// Kept out of line: inlined into the type switch below, GCC 12 stops vectorising these loops. An AVX2
// clone (picked at load time when the CPU has it) doubles the vector width over the x86-64 baseline.
template <class S, class T>
OPENRAD_VECTOR_CLONES bool inPlace(void* data, std::int64_t n, std::int32_t slope, std::int32_t intercept, bool check) {
  static_assert(sizeof(S) == sizeof(T));
  S* p = static_cast<S*>(data);
  if (!check) {
    for (std::int64_t i = 0; i < n; ++i) p[i] = static_cast<S>(static_cast<T>(static_cast<std::int32_t>(p[i]) * slope + intercept));
    return true;
  }
  std::int32_t lo = std::numeric_limits<std::int32_t>::max(), hi = std::numeric_limits<std::int32_t>::min();
  for (std::int64_t i = 0; i < n; ++i) {
    const std::int32_t x = static_cast<std::int32_t>(p[i]) * slope + intercept;
    lo = std::min(lo, x);
    hi = std::max(hi, x);
    p[i] = static_cast<S>(static_cast<T>(x));
  }
  return lo >= std::numeric_limits<T>::min() && hi <= std::numeric_limits<T>::max();
}

}  // namespace

std::optional<bool> convertInPlace(void* data, std::int64_t pixels, SampleType stored, const Conversion& c,
                                   core::PixelType out) {
  if (c.maskBits != 0 || c.invert || !isInteger(c.slope) || !isInteger(c.intercept) || std::abs(c.slope) > 16 ||
      std::abs(c.intercept) > 1e6)
    return std::nullopt;
  const auto m = static_cast<std::int32_t>(std::lround(c.slope)), b = static_cast<std::int32_t>(std::lround(c.intercept));
  const bool identity = m == 1 && b == 0;
  switch (stored) {
    case SampleType::UInt16:
      if (out == core::PixelType::UInt16) return identity ? true : inPlace<std::uint16_t, std::uint16_t>(data, pixels, m, b, c.mayOverflow);
      if (out == core::PixelType::Int16) return inPlace<std::uint16_t, std::int16_t>(data, pixels, m, b, c.mayOverflow);
      break;
    case SampleType::Int16:
      if (out == core::PixelType::Int16) return identity ? true : inPlace<std::int16_t, std::int16_t>(data, pixels, m, b, c.mayOverflow);
      if (out == core::PixelType::UInt16) return inPlace<std::int16_t, std::uint16_t>(data, pixels, m, b, c.mayOverflow);
      break;
    case SampleType::UInt8:
      if (out == core::PixelType::UInt8) return identity ? true : inPlace<std::uint8_t, std::uint8_t>(data, pixels, m, b, c.mayOverflow);
      break;
    default: break;
  }
  return std::nullopt;
}

bool isBlankImage(const core::Image& image) {
  const std::size_t bpp = core::bytesPerPixel(image.pixelType());
  const auto* p = static_cast<const unsigned char*>(image.data());
  for (std::size_t i = bpp; i < image.byteSize(); i += bpp)
    if (std::memcmp(p, p + i, bpp) != 0) return false;
  return true;
}

int sampleBytes(SampleType type) {
  switch (type) {
    case SampleType::UInt8:
    case SampleType::Int8: return 1;
    case SampleType::UInt16:
    case SampleType::Int16: return 2;
    case SampleType::UInt32:
    case SampleType::Int32:
    case SampleType::Float32: return 4;
    case SampleType::Float64: return 8;
  }
  return 1;
}

bool convertFrame(const RawFrame& frame, const Conversion& conversion, void* out, core::PixelType outType) {
  switch (outType) {
    case core::PixelType::UInt8: return convertTo(frame, conversion, static_cast<std::uint8_t*>(out));
    case core::PixelType::Int16: return convertTo(frame, conversion, static_cast<std::int16_t*>(out));
    case core::PixelType::UInt16: return convertTo(frame, conversion, static_cast<std::uint16_t*>(out));
    case core::PixelType::Float32: return convertTo(frame, conversion, static_cast<float*>(out));
  }
  return false;
}

core::LoadResult singleSeriesResult(std::shared_ptr<core::Series> series) {
  core::Study study;
  study.info.studyUid = series->info.studyUid;
  study.info.description = series->info.description;
  study.series.push_back(std::move(series));
  core::Patient patient;
  patient.studies.push_back(std::move(study));
  core::LoadResult result;
  result.patients.push_back(std::move(patient));
  return result;
}

}  // namespace openrad::io::detail
