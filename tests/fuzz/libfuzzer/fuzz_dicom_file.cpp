// libFuzzer target: the bytes as one .dcm file through io::loadPath: structure walk, header parse, series planning and
// whichever pixel decoder the transfer syntax selects (native, deflate, JPEG, JPEG-LS, RLE, JPEG 2000 / HTJ2K; GDCM
// in its forked child). The file lives in this process's scratch folder and is removed after each input.
#include "FuzzSupport.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openrad;
  const auto file = fuzz::scratchDir() / "input.dcm";
  fuzz::writeBytes(file, data, size);
  fuzz::loadChecked(file.string());
  fuzz::removeFile(file);
  return 0;
}
