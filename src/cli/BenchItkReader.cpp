#include "BenchItkReader.h"

#include <itkGDCMImageIO.h>
#include <itkGDCMImageIOFactory.h>
#include <itkGDCMSeriesFileNames.h>
#include <itkImage.h>
#include <itkImageSeriesReader.h>

#include <mutex>
#include <stdexcept>

namespace openrad::cli {

std::int64_t readSeriesWithItk(const std::string& folder, double& checksum) {
  static std::once_flag once;
  std::call_once(once, [] { itk::GDCMImageIOFactory::RegisterOneFactory(); });
  using ImageType = itk::Image<short, 3>;
  try {
    auto names = itk::GDCMSeriesFileNames::New();
    names->SetUseSeriesDetails(true);
    names->SetDirectory(folder);
    const auto& uids = names->GetSeriesUIDs();
    if (uids.empty()) throw std::runtime_error("ITK found no DICOM series in " + folder);
    auto reader = itk::ImageSeriesReader<ImageType>::New();
    reader->SetImageIO(itk::GDCMImageIO::New());
    reader->SetFileNames(names->GetFileNames(uids.front()));
    reader->Update();
    ImageType::Pointer image = reader->GetOutput();
    const auto size = image->GetLargestPossibleRegion().GetSize();
    const short* p = image->GetBufferPointer();
    const std::int64_t n = static_cast<std::int64_t>(size[0] * size[1] * size[2]);
    checksum = 0;
    for (std::int64_t i = 0; i < n; i += 4099) checksum += p[i];
    return n;
  } catch (const itk::ExceptionObject& e) {
    throw std::runtime_error(std::string("ITK: ") + e.GetDescription());
  }
}

}  // namespace openrad::cli
