// libFuzzer target: the iterative DICOM structure walk (io::detail::scanDicomStructure) on arbitrary bytes. It may
// refuse a file with StructureError; any other exception, a crash, a leak or a sanitizer report is a finding.
#include "DicomStructure.h"
#include "FuzzSupport.h"

#include <cstdio>
#include <cstdlib>
#include <exception>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace openrad;
  const auto file = fuzz::scratchDir() / "structure.dcm";
  fuzz::writeBytes(file, data, size);
  try {
    const auto scan = io::detail::scanDicomStructure(file.string());
    if (scan.elements < 0 || scan.maxDepth < 0 || scan.fragments < 0) {
      std::fprintf(stderr, "scanDicomStructure returned negative counts\n");
      std::abort();
    }
  } catch (const io::detail::StructureError&) {
    // refused: the expected answer to most inputs
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scanDicomStructure let a non-StructureError escape: %s\n", e.what());
    std::abort();
  }
  fuzz::removeFile(file);
  return 0;
}
