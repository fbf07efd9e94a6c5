#include "DataCommands.h"

#include "openrad/io/Loader.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <iomanip>
#include <iostream>
#include <sstream>

namespace openrad::cli {

int& exitCode() {
  static int code = 0;
  return code;
}

namespace {

std::string sizeText(const core::Geometry& g) {
  std::ostringstream s;
  s << g.size[0] << "x" << g.size[1];
  if (!g.is2D()) s << "x" << g.size[2];
  return s.str();
}

std::string spacingText(const core::Geometry& g) {
  if (!g.spacingKnown) return "unknown (px)";
  char buf[64];
  if (g.is2D())
    std::snprintf(buf, sizeof buf, "%.3g x %.3g mm", g.spacing[0], g.spacing[1]);
  else
    std::snprintf(buf, sizeof buf, "%.3g x %.3g x %.3g mm", g.spacing[0], g.spacing[1], g.spacing[2]);
  return buf;
}

nlohmann::ordered_json toJson(const core::LoadResult& r) {
  nlohmann::ordered_json j;
  j["patients"] = nlohmann::ordered_json::array();
  for (const auto& p : r.patients) {
    nlohmann::ordered_json jp{{"id", p.info.id}, {"name", p.info.name}, {"birthDate", p.info.birthDate}, {"sex", p.info.sex}};
    jp["studies"] = nlohmann::ordered_json::array();
    for (const auto& st : p.studies) {
      nlohmann::ordered_json js{{"studyUid", st.info.studyUid}, {"date", st.info.date},
                                {"description", st.info.description}, {"accession", st.info.accessionNumber}};
      js["series"] = nlohmann::ordered_json::array();
      for (const auto& s : st.series) {
        const auto& g = s->image->geometry();
        nlohmann::ordered_json jse{{"seriesUid", s->info.seriesUid},
                                   {"seriesNumber", s->info.seriesNumber},
                                   {"modality", s->info.modality},
                                   {"description", s->info.description},
                                   {"format", s->info.sourceFormat},
                                   {"size", g.size},
                                   {"slices", g.size[2]},
                                   {"spacingKnown", g.spacingKnown},
                                   {"spacing", {g.spacing[0], g.spacing[1], g.spacing[2]}},
                                   {"spacingSource", s->info.pixelSpacingSource},
                                   {"origin", {g.origin[0], g.origin[1], g.origin[2]}},
                                   {"pixelType", core::pixelTypeName(s->image->pixelType())},
                                   {"units", s->info.units},
                                   {"files", s->info.files.size()},
                                   {"problems", s->info.problems}};
        js["series"].push_back(std::move(jse));
      }
      jp["studies"].push_back(std::move(js));
    }
    j["patients"].push_back(std::move(jp));
  }
  j["issues"] = nlohmann::ordered_json::array();
  for (const auto& i : r.issues)
    j["issues"].push_back({{"severity", i.severity == core::LoadIssue::Severity::Error ? "error" : "warning"},
                           {"file", i.file},
                           {"message", i.message}});
  return j;
}

void printTable(const core::LoadResult& r, std::ostream& out) {
  for (const auto& p : r.patients) {
    out << "Patient " << (p.info.name.empty() ? "(no name)" : p.info.name) << "  ID " << p.info.id;
    if (!p.info.birthDate.empty()) out << "  born " << p.info.birthDate;
    if (!p.info.sex.empty()) out << "  sex " << p.info.sex;
    out << "\n";
    for (const auto& st : p.studies) {
      out << "  Study " << (st.info.date.empty() ? "(no date)" : st.info.date) << "  "
          << (st.info.description.empty() ? "(no description)" : st.info.description) << "  UID " << st.info.studyUid << "\n";
      out << "    " << std::left << std::setw(5) << "#" << std::setw(6) << "Mod" << std::setw(16) << "Size"
          << std::setw(8) << "Slices" << std::setw(26) << "Spacing" << std::setw(8) << "Type" << "Description\n";
      for (const auto& s : st.series) {
        const auto& g = s->image->geometry();
        out << "    " << std::left << std::setw(5) << s->info.seriesNumber << std::setw(6) << s->info.modality
            << std::setw(16) << sizeText(g) << std::setw(8) << g.size[2] << std::setw(26) << spacingText(g)
            << std::setw(8) << core::pixelTypeName(s->image->pixelType()) << s->info.description << "\n";
        for (const auto& problem : s->info.problems) out << "          ! " << problem << "\n";
      }
    }
  }
  if (!r.issues.empty()) {
    out << r.issues.size() << " file(s) with problems:\n";
    for (const auto& i : r.issues)
      out << "  " << (i.severity == core::LoadIssue::Severity::Error ? "error" : "warning") << ": " << i.file << ": "
          << i.message << "\n";
  }
}

}  // namespace

void addInfoCommand(CLI::App& app) {
  auto* cmd = app.add_subcommand("info", "List patients, studies and series found under a file or folder");
  auto path = std::make_shared<std::string>();
  auto json = std::make_shared<bool>(false);
  cmd->add_option("PATH", *path, "DICOM file/folder/DICOMDIR, NIfTI, or PNG/JPEG/TIFF radiograph")->required();
  cmd->add_flag("--json", *json, "Machine-readable output");
  cmd->callback([path, json] {
    const core::LoadResult result = io::loadPath(*path);
    if (*json)
      std::cout << toJson(result).dump(2) << "\n";
    else
      printTable(result, std::cout);
    if (result.allSeries().empty()) {
      std::cerr << "error: " << *path << ": no loadable image found\n";
      exitCode() = 1;
    }
  });
}

}  // namespace openrad::cli
