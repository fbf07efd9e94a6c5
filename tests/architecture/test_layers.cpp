// The layer rule, checked: a file that includes a header of a layer (or library) it may not use fails here, and so
// does a file of app/, cli/ or report/ that names a registered module, and a data command of openrad-cli that would
// need its AI commands library.
#include "openrad/modules/Module.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = OPENRAD_SOURCE_DIR;

struct Include {
  std::string file;  ///< relative to the repository
  int line;
  std::string header;
};

std::vector<Include> includesOf(const fs::path& file) {
  static const std::regex include(R"(^\s*#\s*include\s*[<"]([^>"]+)[>"])");
  std::vector<Include> out;
  std::ifstream in(file);
  std::string text;
  int n = 0;
  while (std::getline(in, text)) {
    ++n;
    std::smatch m;
    if (std::regex_search(text, m, include)) out.push_back({fs::relative(file, kRoot).string(), n, m[1].str()});
  }
  return out;
}

std::vector<Include> includesUnder(const std::vector<std::string>& folders) {
  std::vector<Include> out;
  for (const auto& folder : folders) {
    if (!fs::exists(kRoot / folder)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / folder)) {
      const auto ext = entry.path().extension();
      if (!entry.is_regular_file() || (ext != ".h" && ext != ".cpp")) continue;
      const auto found = includesOf(entry.path());
      out.insert(out.end(), found.begin(), found.end());
    }
  }
  return out;
}

/// The ai layer's Torch runtime (openrad_ai_torch): the only ai files that use Torch and OpenMP.
bool isAiTorchRuntimeFile(const std::string& file) {
  const std::string name = fs::path(file).filename().string();
  return name == "TorchSession.cpp" || name == "InferenceThreads.cpp" || name == "TorchBlocks.cpp";
}
bool isAiTorchRuntimeHeader(const std::string& header) {
  return header == "openrad/ai/TorchSession.h" || header == "openrad/ai/InferenceThreads.h" ||
         header == "openrad/ai/TorchBlocks.h";
}

/// Which library a header belongs to ("" for the standard library or the project's own headers).
std::string libraryOf(const std::string& h) {
  if (h.rfind("openrad/", 0) == 0) return "openrad/" + h.substr(8, h.find('/', 8) - 8);
  if (h.rfind("Eigen/", 0) == 0) return "eigen";
  if (h.size() > 1 && h[0] == 'Q' && std::isupper(static_cast<unsigned char>(h[1]))) return "qt";
  if (h.rfind("Qt", 0) == 0) return "qt";
  if (h.rfind("vtk", 0) == 0 || h.rfind("QVTK", 0) == 0) return "vtk";
  if (h.rfind("itk", 0) == 0) return "itk";
  if (h.rfind("dcmtk/", 0) == 0) return "dcmtk";
  if (h.rfind("gdcm", 0) == 0) return "gdcm";
  if (h.rfind("torch/", 0) == 0 || h.rfind("ATen/", 0) == 0 || h.rfind("c10/", 0) == 0) return "torch";
  if (h.rfind("opencv2/", 0) == 0) return "opencv";
  if (h.rfind("openjpeg", 0) == 0) return "openjpeg";
  return "";
}

/// Files of a module that draw (its report section and overlay layer) may use Qt through the report layer.
bool isModuleViewFile(const std::string& file) {
  const std::string name = fs::path(file).filename().string();
  return name.find("Overlay") != std::string::npos || name.find("Section") != std::string::npos ||
         name.find("Module.cpp") != std::string::npos;
}

void expectNone(const std::vector<std::string>& folders, const std::vector<std::string>& forbidden,
                const std::function<bool(const Include&)>& exempt = {}) {
  for (const Include& inc : includesUnder(folders)) {
    const std::string lib = libraryOf(inc.header);
    if (exempt && exempt(inc)) continue;
    for (const auto& f : forbidden)
      EXPECT_NE(lib, f) << inc.file << ":" << inc.line << " includes <" << inc.header << ">, a " << f
                        << " header its layer may not use";
  }
}

}  // namespace

TEST(Layers, CoreUsesOnlyTheStandardLibraryAndEigen) {
  for (const Include& inc : includesUnder({"src/core", "include/openrad/core"})) {
    const std::string lib = libraryOf(inc.header);
    EXPECT_TRUE(lib.empty() || lib == "eigen" || lib == "openrad/core")
        << inc.file << ":" << inc.line << " includes <" << inc.header << ">";
  }
}

TEST(Layers, MeasureUsesCoreAndEigenOnly) {
  for (const Include& inc : includesUnder({"src/measure", "include/openrad/measure"})) {
    const std::string lib = libraryOf(inc.header);
    EXPECT_TRUE(lib.empty() || lib == "eigen" || lib == "openrad/core" || lib == "openrad/measure")
        << inc.file << ":" << inc.line << " includes <" << inc.header << ">";
  }
}

TEST(Layers, QtOnlyInAppReportAndModuleViews) {
  expectNone({"src/core", "src/io", "src/measure", "src/ai", "src/phantom", "src/cli", "src/render", "include/openrad/core",
              "include/openrad/io", "include/openrad/measure", "include/openrad/ai", "include/openrad/phantom",
              "include/openrad/render"},
             {"qt"});
  expectNone({"src/modules"}, {"qt"}, [](const Include& inc) { return isModuleViewFile(inc.file); });
}

TEST(Layers, VtkOnlyInRenderAndApp) {
  expectNone({"src/core", "src/io", "src/measure", "src/ai", "src/phantom", "src/cli", "src/report", "src/modules",
              "include/openrad/core", "include/openrad/io", "include/openrad/measure", "include/openrad/ai",
              "include/openrad/report", "include/openrad/modules"},
             {"vtk"});
}

TEST(Layers, TorchOnlyInAiAndModulesAiParts) {
  expectNone({"src/core", "src/io", "src/measure", "src/phantom", "src/cli", "src/report", "src/render", "src/app",
              "include/openrad/core", "include/openrad/io", "include/openrad/measure", "include/openrad/report",
              "include/openrad/app", "include/openrad/modules"},
             {"torch"});
  expectNone({"src/modules"}, {"torch"}, [](const Include& inc) { return !isModuleViewFile(inc.file); });
  // Torch reaches no public header but the session's and the shared network blocks, which only the modules' ai parts
  // include.
  for (const Include& inc : includesUnder({"include/openrad/ai"}))
    if (libraryOf(inc.header) == "torch") {
      const std::string name = fs::path(inc.file).filename().string();
      EXPECT_TRUE(name == "TorchSession.h" || name == "TorchBlocks.h") << inc.file;
    }
  // In the ai layer only the Torch runtime (openrad_ai_torch) uses Torch: the rest links into programs without it.
  for (const Include& inc : includesUnder({"src/ai"})) {
    if (isAiTorchRuntimeFile(inc.file)) continue;
    EXPECT_NE(libraryOf(inc.header), "torch") << inc.file << ":" << inc.line << " includes <" << inc.header
                                              << ">: Torch belongs in the ai layer's Torch runtime only";
    EXPECT_TRUE(inc.header != "omp.h" && !isAiTorchRuntimeHeader(inc.header))
        << inc.file << ":" << inc.line << " includes <" << inc.header << ">, part of the ai layer's Torch runtime";
  }
}

TEST(Layers, DataCommandsOfTheCommandLineNeedNoModule) {
  // openrad-cli runs info, phantom, import and bench load/phantom without its AI commands library: their files (and
  // the local headers they include) name no module, report, Qt, Torch or Torch runtime header.
  std::ifstream cmake(kRoot / "src/cli/CMakeLists.txt");
  const std::string text((std::istreambuf_iterator<char>(cmake)), std::istreambuf_iterator<char>());
  std::smatch m;
  ASSERT_TRUE(std::regex_search(text, m, std::regex(R"(set\(OPENRAD_CLI_DATA_SOURCES([^)]*)\))")))
      << "src/cli/CMakeLists.txt lists no OPENRAD_CLI_DATA_SOURCES";
  std::vector<std::string> pending{"main.cpp"};
  {
    std::istringstream names(m[1].str());
    for (std::string name; names >> name;) pending.push_back(name);
  }
  ASSERT_GT(pending.size(), 3u);
  std::set<std::string> seen;
  while (!pending.empty()) {
    const std::string name = pending.back();
    pending.pop_back();
    if (!seen.insert(name).second) continue;
    const fs::path file = kRoot / "src/cli" / name;
    ASSERT_TRUE(fs::is_regular_file(file)) << file;
    for (const Include& inc : includesOf(file)) {
      if (fs::is_regular_file(kRoot / "src/cli" / inc.header)) pending.push_back(inc.header);
      const std::string lib = libraryOf(inc.header);
      EXPECT_TRUE(lib != "openrad/modules" && lib != "openrad/report" && lib != "qt" && lib != "torch" &&
                  inc.header != "Commands.h" && !isAiTorchRuntimeHeader(inc.header))
          << inc.file << ":" << inc.line << " includes <" << inc.header
          << ">: a data command of openrad-cli would then need its AI commands library";
    }
  }
  EXPECT_TRUE(seen.count("DataCommands.h")) << "the data commands no longer go through DataCommands.h";
}

TEST(Layers, ItkAndDcmtkOnlyInIo) {
  // Two exceptions: the load benchmark's peers (ITK's reader, a DCMTK writer for its test series), and the rigid
  // registration of follow-up head CTs, which is ITK computation rather than I/O and sits alone in one translation
  // unit behind an Eigen-free interface (ITK 5.2's bundled Eigen clashes with the system one).
  expectNone({"src/core", "src/measure", "src/ai", "src/phantom", "src/cli", "src/report", "src/render", "src/app",
              "src/modules", "include"},
             {"itk", "dcmtk", "gdcm"},
             [](const Include& inc) {
               return inc.file.rfind("src/cli/Bench", 0) == 0 || inc.file == "src/modules/ct_hemorrhage/ItkRigid.cpp";
             });
}

TEST(Layers, AppCliAndReportNeverNameAModule) {
  std::vector<std::string> names;
  const openrad::modules::Registry registry = openrad::modules::Registry::builtIn();
  for (const auto& m : registry.modules()) {
    names.push_back(m.id);
    std::string folder = m.id;
    std::replace(folder.begin(), folder.end(), '-', '_');
    names.push_back(folder);
  }
  names.push_back("threshold-test");
  // Names only the AP module's outputs carry.
  names.insert(names.end(), {"ap-corners", "Cobb", "cobb."});
  for (const std::string folder : {"src/app", "src/cli", "src/report", "include/openrad/app", "include/openrad/report"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / folder)) {
      if (!entry.is_regular_file()) continue;
      std::ifstream in(entry.path());
      std::string text;
      int n = 0;
      while (std::getline(in, text)) {
        ++n;
        for (const auto& name : names)
          EXPECT_EQ(text.find(name), std::string::npos)
              << fs::relative(entry.path(), kRoot).string() << ":" << n << " names module output '" << name << "'";
      }
    }
  }
}
