// libFuzzer target: the bytes as a radiograph (PNG, JPEG or TIFF, by the magic at their start; PNG otherwise)
// through io::loadPath, which hands them to OpenCV's decoders.
#include "FuzzSupport.h"

#include <cstring>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openrad;
  const char* ext = ".png";
  if (size >= 2 && data[0] == 0xff && data[1] == 0xd8) ext = ".jpg";
  if (size >= 4 && (std::memcmp(data, "II*\0", 4) == 0 || std::memcmp(data, "MM\0*", 4) == 0)) ext = ".tif";
  const auto file = fuzz::scratchDir() / (std::string("input") + ext);
  fuzz::writeBytes(file, data, size);
  fuzz::loadChecked(file.string());
  fuzz::removeFile(file);
  return 0;
}
