#include "openrad/modules/Module.h"

// One line per module: its folder under src/modules/ defines <folder>::module().
#define OPENRAD_BUILTIN_MODULES(X) \
  X(xray_landmarks) \
  X(mri_lumbar) \
  X(mri_herniation) \
  X(ct_hemorrhage)

#define OPENRAD_DECLARE_MODULE(folder) \
  namespace folder {                   \
  Module module();                     \
  }
#define OPENRAD_ADD_MODULE(folder) registry.add(folder::module());

namespace openrad::modules {

OPENRAD_BUILTIN_MODULES(OPENRAD_DECLARE_MODULE)

void registerBuiltInModules(Registry& registry) { OPENRAD_BUILTIN_MODULES(OPENRAD_ADD_MODULE) }

}  // namespace openrad::modules
