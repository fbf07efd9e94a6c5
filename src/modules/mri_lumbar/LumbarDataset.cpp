#include "openrad/modules/mri_lumbar/LumbarDataset.h"

#include "openrad/core/Csv.h"
#include "openrad/io/IoError.h"
#include "openrad/io/Loader.h"
#include "openrad/io/Nifti.h"
#include "openrad/modules/mri_lumbar/LumbarLabels.h"
#include "openrad/phantom/LumbarMri.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace openrad::modules::mri_lumbar {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> splitList(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string item;
  while (std::getline(ss, item, ','))
    if (!item.empty()) out.push_back(item);
  return out;
}

std::vector<LumbarCaseRef> listReal(const fs::path& root, const std::string& split) {
  const fs::path manifest = root / "manifest.csv";
  std::ifstream in(manifest);
  if (!in) throw io::IoError(manifest.string(), "cannot open the dataset manifest");
  std::string line;
  if (!std::getline(in, line)) throw io::IoError(manifest.string(), "empty manifest");
  const std::vector<std::string> header = core::csvFields(line);
  const auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw io::IoError(manifest.string(), "manifest has no '" + name + "' column");
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t cId = column("case_id"), cContrast = column("contrast"), cLevels = column("levels_present"),
                    cSplit = column("split"), cImage = column("image_file"), cLabel = column("label_file"),
                    cGroup = column("patient_group");
  const std::vector<std::string> wanted = splitList(split);
  std::vector<LumbarCaseRef> out;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    const std::vector<std::string> cells = core::csvFields(line);
    if (cells.size() < header.size()) throw io::IoError(manifest.string(), "short row: " + line);
    if (cells[cImage].empty() || cells[cLabel].empty()) continue;  // a row stored elsewhere (held out)
    if (!wanted.empty() && std::find(wanted.begin(), wanted.end(), cells[cSplit]) == wanted.end()) continue;
    LumbarCaseRef r;
    r.id = cells[cId];
    r.split = cells[cSplit];
    r.source = "real";
    r.contrast = cells[cContrast];
    r.group = cells[cGroup];
    r.imagePath = (root / cells[cImage]).string();
    r.labelPath = (root / cells[cLabel]).string();
    r.annotated = levelRangeMask(cells[cLevels]);
    if (r.annotated == 0)
      throw io::IoError(manifest.string(), "case " + r.id + ": unreadable levels_present '" + cells[cLevels] + "'");
    if (!fs::is_regular_file(r.imagePath)) throw io::IoError(r.imagePath, "listed in the manifest but missing");
    if (!fs::is_regular_file(r.labelPath)) throw io::IoError(r.labelPath, "listed in the manifest but missing");
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<LumbarCaseRef> listPhantoms(const fs::path& root) {
  std::vector<fs::path> folders;
  for (const auto& e : fs::directory_iterator(root))
    if (e.is_directory() && fs::is_regular_file(e.path() / "labels.nii.gz")) folders.push_back(e.path());
  std::sort(folders.begin(), folders.end());
  std::uint32_t annotated = 0;
  for (int c = kL1; c <= kCanal; ++c) annotated |= 1u << c;
  std::vector<LumbarCaseRef> out;
  for (const auto& f : folders)
    for (const char* contrast : {"t1", "t2"}) {
      if (!fs::is_directory(f / contrast)) continue;
      LumbarCaseRef r;
      r.id = f.filename().string() + "_" + contrast;
      r.split = "phantom";
      r.source = "phantom";
      r.contrast = contrast[1] == '1' ? "T1" : "T2";
      r.group = f.filename().string();
      r.imagePath = (f / contrast).string();
      r.labelPath = (f / "labels.nii.gz").string();
      r.annotated = annotated;
      out.push_back(std::move(r));
    }
  return out;
}

}  // namespace

std::uint32_t levelRangeMask(const std::string& range) {
  const auto dash = range.find('-');
  if (dash == std::string::npos) return 0;
  const int a = bodyClass(range.substr(0, dash)), b = bodyClass(range.substr(dash + 1));
  if (a == 0 || b == 0 || a > b) return 0;
  std::uint32_t m = 0;
  for (int c = a; c <= b; ++c) m |= 1u << c;
  return m;
}

std::uint8_t fromPhantomLabel(int v) {
  if (v >= phantom::kMriL1 && v <= phantom::kMriS1) return static_cast<std::uint8_t>(kL1 + v - phantom::kMriL1);
  if ((v >= phantom::kMriDiscL1L2 && v <= phantom::kMriDiscL5S1) || v == phantom::kMriHerniation) return kDisc;
  if (v == phantom::kMriCanal) return kCanal;
  return kBackground;
}

std::vector<LumbarCaseRef> listLumbarDataset(const std::string& dir, const std::string& split) {
  const fs::path root(dir);
  if (!fs::is_directory(root)) throw io::IoError(dir, "dataset folder not found");
  if (fs::is_regular_file(root / "manifest.csv") && fs::is_directory(root / "nifti")) return listReal(root, split);
  std::vector<LumbarCaseRef> out = listPhantoms(root);
  if (out.empty())
    throw io::IoError(dir, "neither a real lumbar MRI folder (manifest.csv + nifti/) nor lumbar-mri phantom output "
                           "(lumbar_mri_*/labels.nii.gz)");
  return out;
}

LumbarCase loadLumbarCase(const LumbarCaseRef& ref) {
  LumbarCase c;
  c.ref = ref;
  if (ref.source == "real") {
    c.image = io::readNifti(ref.imagePath);
  } else {
    const core::LoadResult loaded = io::loadPath(ref.imagePath);
    for (const auto& p : loaded.patients)
      for (const auto& s : p.studies)
        for (const auto& series : s.series)
          if (!c.image && series->image) c.image = series->image;
    if (!c.image) throw io::IoError(ref.imagePath, "no image series in the phantom folder");
  }
  std::shared_ptr<core::Image> labels = io::readNifti(ref.labelPath);
  if (!labels->geometry().sameGrid(c.image->geometry(), 1e-3))
    throw io::IoError(ref.labelPath, "label map is not on the image's grid");
  auto out = std::make_shared<core::Image>(labels->geometry(), core::PixelType::UInt8);
  std::uint8_t* dst = out->as<std::uint8_t>();
  const auto& g = labels->geometry();
  std::int64_t n = 0;
  for (std::int64_t k = 0; k < g.size[2]; ++k)
    for (std::int64_t j = 0; j < g.size[1]; ++j)
      for (std::int64_t i = 0; i < g.size[0]; ++i, ++n) {
        const int v = static_cast<int>(labels->value(i, j, k));
        if (ref.source == "real") {
          if (v < 0 || v > kS1) throw io::IoError(ref.labelPath, "label value " + std::to_string(v) + " is not in labels.json");
          dst[n] = static_cast<std::uint8_t>(v);
        } else {
          dst[n] = fromPhantomLabel(v);
        }
      }
  c.labels = out;
  return c;
}

}  // namespace openrad::modules::mri_lumbar
