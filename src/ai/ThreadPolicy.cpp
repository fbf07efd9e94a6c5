#include "openrad/ai/ThreadPolicy.h"

#include <cstdlib>
#include <cstring>

#include <link.h>
#include <unistd.h>

namespace openrad::ai {

bool openMpLoaded() {
  bool found = false;
  dl_iterate_phdr(
      [](dl_phdr_info* info, std::size_t, void* data) {
        const char* name = info->dlpi_name ? std::strrchr(info->dlpi_name, '/') : nullptr;
        name = name ? name + 1 : info->dlpi_name;
        if (name && std::strncmp(name, "libgomp.so", 10) == 0) *static_cast<bool*>(data) = true;
        return 0;
      },
      &found);
  return found;
}

void applyThreadPolicy(int argc, char** argv) {
  (void)argc;
  if (std::getenv("OMP_WAIT_POLICY")) return;  // already in force (or the user's choice)
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
  // libgomp reads its environment in its constructor: one loaded later (dlopen) sees the variable.
  if (!openMpLoaded()) return;
  // It was loaded before main(): only a fresh image sees the variable.
  ::execv("/proc/self/exe", argv);
  // exec failed (no /proc): carry on with the policy unset for this process, set for its children.
}

}  // namespace openrad::ai
