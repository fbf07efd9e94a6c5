#include "openrad/io/SessionStore.h"

#include "openrad/core/AtomicWrite.h"
#include "openrad/io/Nifti.h"

#include <nlohmann/json.hpp>

#include <cctype>
#include <filesystem>
#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <set>
#include <sstream>

namespace fs = std::filesystem;
using nlohmann::json;

namespace openrad::io {
namespace {

constexpr const char* kSessionFile = "session.json";
constexpr const char* kLabelFolder = "labelmaps";

json toJson(const core::Provenance& p) { return {{"source", p.source}, {"modelVersion", p.modelVersion}}; }
core::Provenance provenanceFrom(const json& j) {
  core::Provenance p;
  p.source = j.value("source", "manual");
  p.modelVersion = j.value("modelVersion", "");
  return p;
}
json toJson(const Eigen::Vector3d& v) { return json::array({v[0], v[1], v[2]}); }
/// A JSON number as an int, refused (not converted: that is undefined behaviour) when it is not a whole number in
/// range. A session file is untrusted input like any other.
int intFrom(const json& j) {
  if (j.is_number_unsigned()) {
    const auto v = j.get<std::uint64_t>();
    if (v <= static_cast<std::uint64_t>(std::numeric_limits<int>::max())) return static_cast<int>(v);
  } else if (j.is_number_integer()) {
    const auto v = j.get<std::int64_t>();
    if (v >= std::numeric_limits<int>::min() && v <= std::numeric_limits<int>::max()) return static_cast<int>(v);
  } else if (j.is_number_float()) {
    const double v = j.get<double>();
    if (std::isfinite(v) && v == std::floor(v) && v >= std::numeric_limits<int>::min() &&
        v <= std::numeric_limits<int>::max())
      return static_cast<int>(v);
  }
  throw std::out_of_range("not a whole number in range: " + j.dump().substr(0, 40));
}

Eigen::Vector3d vec3From(const json& j) { return {j.at(0).get<double>(), j.at(1).get<double>(), j.at(2).get<double>()}; }

std::string safeName(const std::string& s) {
  std::string out;
  for (char c : s) out.push_back(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' ? c : '_');
  return out.substr(0, 80);
}

}  // namespace

SessionStore::SessionStore(std::string folder) : m_folder(std::move(folder)) {}

std::string SessionStore::defaultFolderFor(const std::string& studyPath) {
  fs::path p = fs::absolute(studyPath).lexically_normal();
  if (p.has_filename() == false) p = p.parent_path();
  return p.string() + ".openrad-session";
}

void SessionStore::save(const std::map<std::string, core::SeriesAnnotations>& annotations) {
  std::error_code ec;
  fs::create_directories(fs::path(m_folder) / kLabelFolder, ec);
  if (ec) throw IoError(m_folder, "cannot create session folder: " + ec.message());

  json root;
  root["format"] = "openrad-session";
  root["version"] = 1;
  json& seriesJson = root["series"] = json::object();
  std::set<std::string> referenced;
  std::map<std::shared_ptr<const core::Image>, std::string> stillWritten;

  for (const auto& [uid, a] : annotations) {
    if (a.empty() || (!m_seriesFilter.empty() && !m_seriesFilter.count(uid))) continue;
    json s;
    for (const auto& [name, set] : a.landmarkSets) {
      json pts = json::array();
      for (const auto& l : set.points)
        pts.push_back({{"name", l.name}, {"position", toJson(l.position)}, {"confidence", l.confidence}, {"edited", l.edited}});
      s["landmarkSets"].push_back({{"name", name}, {"provenance", toJson(set.provenance)}, {"points", pts}});
    }
    for (const auto& [name, map] : a.labelMaps) {
      if (!map.labels) continue;
      std::string file;
      if (auto it = m_writtenMaps.find(map.labels); it != m_writtenMaps.end()) {
        file = it->second;
      } else {
        // A fresh name per content: the session.json that refers to it is only replaced after it exists.
        file = std::string(kLabelFolder) + "/" + safeName(uid) + "-" + safeName(name) + "-" +
               std::to_string(++m_fileCounter) + ".nii.gz";
        const std::string full = (fs::path(m_folder) / file).string();
        const std::string tmp = core::uniqueTempPath(full) + ".nii.gz";  // the writer goes by the extension
        try {
          writeNifti(*map.labels, tmp);
          core::commitTempFile(tmp, full);
        } catch (const IoError& e) {
          fs::remove(tmp, ec);
          throw IoError(full, "cannot store label map: " + e.reason());
        } catch (...) {
          fs::remove(tmp, ec);
          throw;
        }
      }
      stillWritten[map.labels] = file;
      referenced.insert(file);
      json table = json::array();
      for (const auto& l : map.table)
        table.push_back({{"value", l.value}, {"name", l.name}, {"color", {l.color[0], l.color[1], l.color[2]}}});
      s["labelMaps"].push_back({{"name", name},
                                {"file", file},
                                {"table", table},
                                {"provenance", toJson(map.provenance)},
                                {"edited", map.edited}});
    }
    for (const auto& b : a.boxes)
      s["boxes"].push_back({{"label", b.label}, {"slice", b.slice}, {"min", {b.min[0], b.min[1]}},
                            {"max", {b.max[0], b.max[1]}}, {"score", b.score}, {"provenance", toJson(b.provenance)},
                            {"edited", b.edited}, {"review", b.review}, {"attributes", b.attributes}});
    for (const auto& [id, m] : a.measurements)
      s["measurements"].push_back({{"id", id}, {"name", m.name}, {"value", m.value}, {"unit", m.unit},
                                   {"inputs", m.inputs}, {"provenance", toJson(m.provenance)}, {"edited", m.edited},
                                   {"attributes", m.attributes}});
    for (const auto& [id, t] : a.tables)
      s["tables"].push_back({{"id", id}, {"title", t.title}, {"columns", t.columns}, {"rows", t.rows},
                             {"provenance", toJson(t.provenance)}});
    for (const auto& [name, mesh] : a.meshes) {
      json vertices = json::array(), triangles = json::array();
      for (const auto& v : mesh.vertices) vertices.push_back({v.x(), v.y(), v.z()});
      for (const auto& t : mesh.triangles) triangles.push_back({t[0], t[1], t[2]});
      s["meshes"].push_back({{"name", name}, {"vertices", vertices}, {"triangles", triangles},
                             {"color", {mesh.color[0], mesh.color[1], mesh.color[2]}}, {"provenance", toJson(mesh.provenance)}});
    }
    if (!a.warnings.empty()) s["warnings"] = a.warnings;
    seriesJson[uid] = std::move(s);
  }
  // Series of this session that are not open now keep what was saved for them (and their label files).
  for (const auto& [uid, text] : m_carried) {
    if (seriesJson.contains(uid) || m_seriesFilter.count(uid)) continue;  // open now: the document decides
    json s = json::parse(text);
    for (const auto& jm : s.value("labelMaps", json::array())) referenced.insert(jm.value("file", std::string()));
    seriesJson[uid] = std::move(s);
  }
  const std::string sessionPath = (fs::path(m_folder) / kSessionFile).string();
  try {
    core::writeFileAtomically(sessionPath, root.dump(1));
  } catch (const IoError& e) {
    throw IoError(e.file(), "cannot write session: " + e.reason());
  }
  m_writtenMaps = std::move(stillWritten);

  // Only now that session.json no longer names them may old label files go.
  for (const auto& entry : fs::directory_iterator(fs::path(m_folder) / kLabelFolder, ec)) {
    const std::string rel = std::string(kLabelFolder) + "/" + entry.path().filename().string();
    if (!referenced.count(rel)) fs::remove(entry.path(), ec);
  }
}

std::map<std::string, core::SeriesAnnotations> SessionStore::load() const {
  std::map<std::string, core::SeriesAnnotations> out;
  const std::string path = (fs::path(m_folder) / kSessionFile).string();
  if (!fs::exists(path)) return out;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw IoError(path, "cannot open session file");
  json root;
  try {
    root = json::parse(in);
    if (root.value("format", "") != "openrad-session") throw IoError(path, "not an OpenRad session file");
    const int version = root.contains("version") ? intFrom(root.at("version")) : 0;
    if (version > 1) throw IoError(path, "session written by a newer OpenRad (version " + std::to_string(version) + ")");
    m_carried.clear();
    for (const auto& [uid, s] : root.at("series").items()) {
      if (!m_seriesFilter.empty() && !m_seriesFilter.count(uid)) {
        m_carried[uid] = s.dump();  // not asked for now: kept as it is on the next save
        continue;
      }
      core::SeriesAnnotations a;
      for (const auto& js : s.value("landmarkSets", json::array())) {
        core::LandmarkSet set;
        set.name = js.at("name").get<std::string>();
        set.provenance = provenanceFrom(js.value("provenance", json::object()));
        for (const auto& jp : js.at("points")) {
          core::Landmark l;
          l.name = jp.at("name").get<std::string>();
          l.position = vec3From(jp.at("position"));
          l.confidence = jp.value("confidence", 1.0);
          l.edited = jp.value("edited", false);
          set.points.push_back(std::move(l));
        }
        a.landmarkSets[set.name] = std::move(set);
      }
      for (const auto& jm : s.value("labelMaps", json::array())) {
        core::LabelMap map;
        map.name = jm.at("name").get<std::string>();
        map.provenance = provenanceFrom(jm.value("provenance", json::object()));
        // The file must be one of this session's own label files: never an absolute path or one leading out.
        const std::string file = jm.at("file").get<std::string>();
        const fs::path relative(file);
        bool confined = !file.empty() && relative.is_relative();
        for (const auto& part : relative) confined = confined && part != ".." && part != ".";
        if (!confined)
          throw IoError(path, "label map \"" + map.name + "\" names file \"" + file + "\" outside the session folder");
        map.labels = readNifti((fs::path(m_folder) / relative).string());
        for (const auto& jl : jm.value("table", json::array())) {
          core::LabelInfo li;
          li.value = intFrom(jl.at("value"));
          li.name = jl.at("name").get<std::string>();
          for (int c = 0; c < 3; ++c) li.color[c] = jl.at("color").at(c).get<std::uint8_t>();
          map.table.push_back(std::move(li));
        }
        map.edited = jm.value("edited", false);
        a.labelMaps[map.name] = std::move(map);
      }
      for (const auto& jb : s.value("boxes", json::array())) {
        core::Box b;
        b.label = jb.at("label").get<std::string>();
        b.slice = intFrom(jb.at("slice"));
        b.min = {jb.at("min").at(0).get<double>(), jb.at("min").at(1).get<double>()};
        b.max = {jb.at("max").at(0).get<double>(), jb.at("max").at(1).get<double>()};
        b.score = jb.value("score", 1.0);
        b.provenance = provenanceFrom(jb.value("provenance", json::object()));
        b.edited = jb.value("edited", false);
        b.review = jb.value("review", std::string());
        b.attributes = jb.value("attributes", std::map<std::string, std::string>{});
        a.boxes.push_back(std::move(b));
      }
      for (const auto& jm : s.value("measurements", json::array())) {
        core::Measurement m;
        m.id = jm.at("id").get<std::string>();
        m.name = jm.value("name", m.id);
        m.value = jm.at("value").get<double>();
        m.unit = jm.value("unit", "");
        m.inputs = jm.value("inputs", std::vector<std::string>{});
        m.provenance = provenanceFrom(jm.value("provenance", json::object()));
        m.edited = jm.value("edited", false);
        m.attributes = jm.value("attributes", std::map<std::string, std::string>{});
        a.measurements[m.id] = std::move(m);
      }
      for (const auto& jt : s.value("tables", json::array())) {
        core::ResultTable t;
        t.id = jt.at("id").get<std::string>();
        t.title = jt.value("title", t.id);
        t.columns = jt.value("columns", std::vector<std::string>{});
        t.rows = jt.value("rows", std::vector<std::vector<std::string>>{});
        t.provenance = provenanceFrom(jt.value("provenance", json::object()));
        a.tables[t.id] = std::move(t);
      }
      for (const auto& jm : s.value("meshes", json::array())) {
        core::Mesh mesh;
        mesh.name = jm.at("name").get<std::string>();
        for (const auto& v : jm.value("vertices", json::array()))
          mesh.vertices.emplace_back(v.at(0).get<float>(), v.at(1).get<float>(), v.at(2).get<float>());
        for (const auto& t : jm.value("triangles", json::array()))
          mesh.triangles.push_back({intFrom(t.at(0)), intFrom(t.at(1)), intFrom(t.at(2))});
        for (int c = 0; c < 3; ++c) mesh.color[c] = jm.at("color").at(c).get<std::uint8_t>();
        mesh.provenance = provenanceFrom(jm.value("provenance", json::object()));
        a.meshes[mesh.name] = std::move(mesh);
      }
      a.warnings = s.value("warnings", std::map<std::string, std::vector<std::string>>{});
      out[uid] = std::move(a);
    }
  } catch (const json::exception& e) {
    throw IoError(path, std::string("corrupt session file: ") + e.what());
  } catch (const IoError&) {
    throw;
  } catch (const std::out_of_range& e) {
    throw IoError(path, std::string("corrupt session file: ") + e.what());
  }
  return out;
}

int SessionStore::attach(core::Document& document) {
  return document.addObserver([this, &document](const core::ChangeSet&) { save(document); });
}

}  // namespace openrad::io
