// libFuzzer target: the bytes as input.nii through io::loadPath, and also as input.nii.gz when they start with the
// gzip magic (so the inflating path sees streams that inflate to hostile headers).
#include "FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openrad;
  const auto plain = fuzz::scratchDir() / "input.nii";
  fuzz::writeBytes(plain, data, size);
  fuzz::loadChecked(plain.string());
  fuzz::removeFile(plain);
  if (size >= 2 && data[0] == 0x1f && data[1] == 0x8b) {
    const auto gz = fuzz::scratchDir() / "input.nii.gz";
    fuzz::writeBytes(gz, data, size);
    fuzz::loadChecked(gz.string());
    fuzz::removeFile(gz);
  }
  return 0;
}
