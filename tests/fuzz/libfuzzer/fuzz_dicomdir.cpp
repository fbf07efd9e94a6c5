// libFuzzer target: the bytes as a DICOMDIR, loaded alone through io::loadPath (so its records are followed), in a
// folder that also holds one small valid DICOM file, IM000001, that a well-formed record can reference.
#include "FuzzSupport.h"

#include <filesystem>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openrad;
  static const std::filesystem::path folder = [] {
    const auto f = fuzz::scratchDir() / "media";
    std::filesystem::create_directories(f);
    fuzz::writeSmallDicom(f / "IM000001");
    return f;
  }();
  const auto file = folder / "DICOMDIR";
  fuzz::writeBytes(file, data, size);
  fuzz::loadChecked(file.string());
  fuzz::removeFile(file);
  return 0;
}
