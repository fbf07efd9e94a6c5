#include "openrad/ai/ModelRoot.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <vector>

namespace openrad::ai {

namespace fs = std::filesystem;

namespace {
bool holdsModel(const fs::path& dir) {
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec))
    if (fs::is_regular_file(it->path() / "manifest.json", ec)) return true;
  return false;
}
}  // namespace

std::string defaultModelsRoot() {
  if (const char* env = std::getenv("OPENRAD_MODELS"); env && *env) return env;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    const fs::path dir = exe.parent_path();
    candidates = {dir / ".." / "share" / "openrad" / "models", dir / ".." / "models", dir / ".." / ".." / "models"};
  }
#ifdef OPENRAD_SOURCE_MODELS_DIR
  candidates.emplace_back(OPENRAD_SOURCE_MODELS_DIR);
#endif
  for (const auto& c : candidates)
    if (holdsModel(c)) return fs::weakly_canonical(c, ec).string();
  return {};
}

}  // namespace openrad::ai
