#include "ItkFactories.h"

#include <itkGDCMImageIOFactory.h>
#include <itkNiftiImageIOFactory.h>

#include <mutex>

namespace openrad::io::detail {

void registerItkFactories() {
  static std::once_flag once;
  std::call_once(once, [] {
    itk::NiftiImageIOFactory::RegisterOneFactory();
    itk::GDCMImageIOFactory::RegisterOneFactory();
  });
}

}  // namespace openrad::io::detail
