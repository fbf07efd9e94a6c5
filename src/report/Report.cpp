#include "openrad/report/Report.h"

#include "ReportLayout.h"
#include "openrad/core/AtomicWrite.h"
#include "openrad/core/Errors.h"
#include "openrad/core/ImageStatistics.h"
#include "openrad/io/Nifti.h"
#include "openrad/measure/PixelScale.h"

#include <QBuffer>
#include <QGuiApplication>
#include <QPainter>
#include <QPdfWriter>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <set>
#include <stdexcept>

#ifndef OPENRAD_VERSION_STRING
#define OPENRAD_VERSION_STRING "unknown"
#endif

namespace openrad::report {

namespace {

std::string csvField(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string number(double v, int decimals) {
  if (!std::isfinite(v)) return "";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string joined(const std::vector<std::string>& v, const char* sep) {
  std::string out;
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? sep : "") + v[i];
  return out;
}

std::string attributesText(const core::Measurement& m) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : m.attributes)
    if (k != "order" && k != "group") parts.push_back(k + "=" + v);
  return joined(parts, ";");
}

std::string utcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}


double orderOf(const core::Measurement& m) {
  const std::string o = m.attribute("order");
  if (o.empty()) return 1e9;
  try {
    return std::stod(o);
  } catch (const std::exception&) {
    return 1e9;
  }
}

/// The slice of `image` on `plane`, windowed to its 0.5–99.5 % quantiles, one pixel per voxel.
QImage windowedSlice(const core::Image& image, const OverlayPlane& plane) {
  const auto& g = image.geometry();
  const int cols = static_cast<int>(g.size[static_cast<std::size_t>(plane.u)]);
  const int rows = static_cast<int>(g.size[static_cast<std::size_t>(plane.v)]);
  auto [lo, hi] = core::quantileRange(image, 0.005, 0.995, 500000);
  if (!(hi > lo)) hi = lo + 1.0;
  const double gain = 255.0 / (hi - lo);
  QImage grey(cols, rows, QImage::Format_Grayscale8);
  std::array<std::int64_t, 3> index{0, 0, 0};
  index[static_cast<std::size_t>(plane.axis)] = plane.slice;
  for (int y = 0; y < rows; ++y) {
    uchar* line = grey.scanLine(y);
    index[static_cast<std::size_t>(plane.v)] = plane.flipV ? rows - 1 - y : y;
    for (int x = 0; x < cols; ++x) {
      index[static_cast<std::size_t>(plane.u)] = plane.flipU ? cols - 1 - x : x;
      line[x] = static_cast<uchar>(std::clamp((image.value(index[0], index[1], index[2]) - lo) * gain + 0.5, 0.0, 255.0));
    }
  }
  return grey;
}

/// Displayed width / height of a slice (pixel spacing kept).
double displayAspect(const core::Image& image, const OverlayPlane& plane) {
  const auto& g = image.geometry();
  const auto su = static_cast<std::size_t>(plane.u), sv = static_cast<std::size_t>(plane.v);
  const double sx = g.spacingKnown && g.spacing[plane.u] > 0 ? g.spacing[plane.u] : 1.0;
  const double sy = g.spacingKnown && g.spacing[plane.v] > 0 ? g.spacing[plane.v] : 1.0;
  return (static_cast<double>(g.size[su]) * sx) / (static_cast<double>(g.size[sv]) * sy);
}

const ReportSeries& requireSeries(const ReportInput& in, const KeyImage& key) {
  const ReportSeries* s = in.find(key.seriesUid);
  if (!s || !s->series || !s->series->image || s->series->image->geometry().voxelCount() == 0)
    throw std::invalid_argument("report: key image of series " + key.seriesUid + " has no image");
  return *s;
}

/// Number of label or box voxels of `moduleId` on each axial slice of a series.
std::vector<double> findingsPerSlice(const ReportSeries& s, const std::string& moduleId) {
  const auto& g = s.series->image->geometry();
  std::vector<double> perSlice(static_cast<std::size_t>(g.size[2]), 0.0);
  for (const auto& [name, map] : s.annotations.labelMaps) {
    if (map.provenance.source != moduleId || !map.labels || map.labels->geometry().size != g.size) continue;
    for (std::int64_t k = 0; k < g.size[2]; ++k)
      for (std::int64_t j = 0; j < g.size[1]; j += 2)
        for (std::int64_t i = 0; i < g.size[0]; i += 2) perSlice[static_cast<std::size_t>(k)] += map.labels->value(i, j, k) != 0;
  }
  for (const auto& b : s.annotations.boxes)
    if (b.provenance.source == moduleId && b.slice >= 0 && b.slice < g.size[2])
      perSlice[static_cast<std::size_t>(b.slice)] += 1e6 * b.score;
  return perSlice;
}

}  // namespace

std::vector<std::string> ReportInput::modules() const {
  std::set<std::string> out;
  for (const auto& s : series)
    for (const auto& m : s.annotations.sources()) out.insert(m);
  for (const auto& m : studyResults.sources()) out.insert(m);
  return {out.begin(), out.end()};
}

const ReportSeries* ReportInput::find(const std::string& uid) const {
  for (const auto& s : series)
    if (s.series && s.series->info.seriesUid == uid) return &s;
  return nullptr;
}

std::string generatorName() { return std::string("OpenRad ") + OPENRAD_VERSION_STRING; }

void ensureGuiApplication() {
  if (QCoreApplication::instance()) {
    if (!qobject_cast<QGuiApplication*>(QCoreApplication::instance()))
      throw std::logic_error("report: a QCoreApplication exists; painting text and PDFs needs a QGuiApplication");
    return;
  }
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  static int argc = 1;
  static char name[] = "openrad";
  static char* argv[] = {name, nullptr};
  // Lives until the process ends (destroying it during static destruction would outlive Qt's own statics).
  new QGuiApplication(argc, argv);
}

void startOffscreenApplication() {
  qputenv("QT_QPA_PLATFORM", "offscreen");
  qInstallMessageHandler([](QtMsgType type, const QMessageLogContext&, const QString& message) {
    if (type == QtDebugMsg || type == QtInfoMsg || message.startsWith(QLatin1String("QStandardPaths:"))) return;
    std::fprintf(stderr, "qt: %s\n", message.toLocal8Bit().constData());
  });
  ensureGuiApplication();
}

std::vector<const core::Measurement*> orderedMeasurements(const core::SeriesAnnotations& annotations) {
  std::vector<const core::Measurement*> out;
  for (const auto& [id, m] : annotations.measurements) out.push_back(&m);
  std::stable_sort(out.begin(), out.end(), [](const core::Measurement* a, const core::Measurement* b) {
    if (a->provenance.source != b->provenance.source) return a->provenance.source < b->provenance.source;
    return orderOf(*a) < orderOf(*b);
  });
  return out;
}

std::string formatValue(const core::Measurement& m) {
  if (m.unit == "deg") return number(m.value, 1) + "\u00B0";
  return number(m.value, 1) + (m.unit.empty() ? "" : " " + m.unit);
}

SectionContent defaultSection(const ReportInput& in, const std::string& moduleId) {
  SectionContent c;
  c.title = moduleId + " findings";
  std::vector<std::string> edited;
  for (const ReportSeries& s : in.series) {
    if (!s.series || !s.series->image) continue;
    const auto sources = s.annotations.sources();
    if (std::find(sources.begin(), sources.end(), moduleId) == sources.end()) continue;
    KeyImage key;
    key.seriesUid = s.series->info.seriesUid;
    const auto& g = s.series->image->geometry();
    if (!g.is2D()) {
      const auto perSlice = findingsPerSlice(s, moduleId);
      const auto best = std::max_element(perSlice.begin(), perSlice.end());
      key.plane.slice = best != perSlice.end() && *best > 0 ? static_cast<int>(best - perSlice.begin())
                                                            : static_cast<int>(g.size[2] / 2);
    }
    key.caption = describeForCaption(*s.series) + (g.is2D() ? "" : ", slice " + std::to_string(key.plane.slice + 1));
    c.keyImages.push_back(key);

    ReportTable t;
    t.title = "Measurements \u2014 " + describeForCaption(*s.series);
    t.columns = {{"Measurement", 0.55, 0}, {"Value", 0.25, 1}, {"Corrected by hand", 0.2, 2}};
    for (const core::Measurement* m : orderedMeasurements(s.annotations)) {
      if (m->provenance.source != moduleId) continue;
      t.rows.push_back({m->name, formatValue(*m), m->edited ? "yes" : ""});
      t.highlight.push_back(m->edited);
    }
    if (!t.rows.empty()) c.tables.push_back(std::move(t));
    for (const auto& [name, set] : s.annotations.landmarkSets)
      if (set.provenance.source == moduleId)
        for (const auto& p : set.points)
          if (p.edited) edited.push_back(p.name);
    for (const auto& [name, map] : s.annotations.labelMaps)
      if (map.provenance.source == moduleId && map.edited) edited.push_back("label map " + name);
    for (const auto& b : s.annotations.boxes)
      if (b.provenance.source == moduleId && b.edited) edited.push_back("box " + b.label);
  }
  for (const auto& [id, table] : in.studyResults.tables) {
    if (table.provenance.source != moduleId) continue;
    ReportTable t;
    t.title = table.title;
    for (const auto& col : table.columns) t.columns.push_back({col, 1.0, 0});
    t.rows = table.rows;
    t.highlight.assign(t.rows.size(), false);
    c.tables.push_back(std::move(t));
  }
  c.notes.push_back(edited.empty() ? "Nothing was corrected by hand: every finding is as the AI placed it."
                                   : "Corrected by hand (" + std::to_string(edited.size()) + "): " + joined(edited, ", ") + ".");
  return c;
}

std::string describeForCaption(const core::Series& s) {
  std::string out = s.info.modality + " #" + std::to_string(s.info.seriesNumber);
  if (!s.info.viewPosition.empty()) out += " " + s.info.viewPosition;
  if (!s.info.description.empty()) out += " '" + s.info.description + "'";
  return out;
}

SectionContent sectionFor(const ReportInput& in, const std::string& moduleId, const Presentations& presentations) {
  auto it = presentations.find(moduleId);
  if (it != presentations.end() && it->second.section) return it->second.section(in, moduleId);
  return defaultSection(in, moduleId);
}

OverlayLayers layersFor(const core::SeriesAnnotations& annotations, const Presentations& presentations) {
  OverlayLayers out;
  for (const auto& id : annotations.sources()) {
    auto it = presentations.find(id);
    if (it != presentations.end() && it->second.layer) out.push_back(it->second.layer);
  }
  return out;
}

void writeMeasurementsCsv(const ReportInput& in, const std::string& path) {
  std::string out = "series,id,name,value,unit,edited,source,model_version,inputs,attributes\n";
  for (const ReportSeries& s : in.series)
    for (const core::Measurement* m : orderedMeasurements(s.annotations))
      out += csvField(s.series->info.seriesUid) + ',' + csvField(m->id) + ',' + csvField(m->name) + ',' +
             number(m->value, 4) + ',' + csvField(m->unit) + ',' + (m->edited ? "yes" : "no") + ',' +
             csvField(m->provenance.source) + ',' + csvField(m->provenance.modelVersion) + ',' +
             csvField(joined(m->inputs, ";")) + ',' + csvField(attributesText(*m)) + '\n';
  core::writeFileAtomically(path, out);
}

void writeLandmarksCsv(const ReportInput& in, const std::string& path) {
  std::string out = "series,set,name,x_px,y_px,z_px,confidence,edited,source\n";
  for (const ReportSeries& s : in.series)
    for (const auto& [name, set] : s.annotations.landmarkSets)
      for (const auto& p : set.points)
        out += csvField(s.series->info.seriesUid) + ',' + csvField(name) + ',' + csvField(p.name) + ',' +
               number(p.position.x(), 3) + ',' + number(p.position.y(), 3) + ',' + number(p.position.z(), 3) + ',' +
               number(p.confidence, 4) + ',' + (p.edited ? "yes" : "no") + ',' + csvField(set.provenance.source) + '\n';
  core::writeFileAtomically(path, out);
}

void writeFindingsJson(const ReportInput& in, const std::string& path,
                       const std::map<std::string, std::string>& labelFiles) {
  using Json = nlohmann::ordered_json;
  const auto provenance = [](const core::Provenance& p) {
    return Json{{"source", p.source}, {"modelVersion", p.modelVersion}};
  };
  Json j;
  j["format"] = "openrad-findings";
  j["formatVersion"] = 2;
  j["generator"] = generatorName();
  j["created"] = utcNow();
  j["patient"] = {{"patientId", in.patient.id},
                  {"name", in.patient.name},
                  {"birthDate", in.patient.birthDate},
                  {"sex", in.patient.sex}};
  j["study"] = {{"studyInstanceUid", in.study.studyUid},       {"studyId", in.study.studyId},
                {"accessionNumber", in.study.accessionNumber}, {"description", in.study.description},
                {"date", in.study.date},                       {"time", in.study.time}};
  Json modules = Json::object();
  std::vector<std::string> ids = in.modules();
  ids.push_back("manual");
  for (const std::string& id : ids) {
    Json block;
    if (auto it = in.modelNotes.find(id); it != in.modelNotes.end()) block["model"] = {{"note", it->second}};
    Json seriesBlocks = Json::array();
    for (const ReportSeries& s : in.series) {
      const core::SeriesInfo& info = s.series->info;
      Json sb;
      Json ms = Json::array(), sets = Json::array(), boxes = Json::array(), maps = Json::array();
      std::vector<std::string> editedLandmarks, editedMeasurements;
      for (const core::Measurement* m : orderedMeasurements(s.annotations)) {
        if (m->provenance.source != id) continue;
        Json attributes = Json::object();
        for (const auto& [k, v] : m->attributes) attributes[k] = v;
        ms.push_back({{"id", m->id},
                      {"name", m->name},
                      {"value", m->value},
                      {"unit", m->unit},
                      {"edited", m->edited},
                      {"provenance", provenance(m->provenance)},
                      {"attributes", attributes},
                      {"inputs", m->inputs}});
        if (m->edited) editedMeasurements.push_back(m->id);
      }
      for (const auto& [name, set] : s.annotations.landmarkSets) {
        if (set.provenance.source != id) continue;
        Json pts = Json::array();
        for (const auto& p : set.points) {
          pts.push_back({{"name", p.name},
                         {"x", p.position.x()},
                         {"y", p.position.y()},
                         {"z", p.position.z()},
                         {"confidence", p.confidence},
                         {"edited", p.edited}});
          if (p.edited) editedLandmarks.push_back(name + "/" + p.name);
        }
        sets.push_back({{"set", name},
                        {"provenance", provenance(set.provenance)},
                        {"coordinates", "continuous voxel index (column, row, slice); (0, 0, 0) = centre of the first voxel"},
                        {"points", std::move(pts)}});
      }
      for (const auto& b : s.annotations.boxes) {
        if (b.provenance.source != id) continue;
        boxes.push_back({{"label", b.label},
                         {"slice", b.slice},
                         {"min", {b.min.x(), b.min.y()}},
                         {"max", {b.max.x(), b.max.y()}},
                         {"score", b.score},
                         {"edited", b.edited},
                         {"provenance", provenance(b.provenance)}});
      }
      for (const auto& [name, map] : s.annotations.labelMaps) {
        if (map.provenance.source != id) continue;
        Json table = Json::array();
        for (const auto& l : map.table)
          table.push_back({{"value", l.value}, {"name", l.name}, {"color", {l.color[0], l.color[1], l.color[2]}}});
        auto file = labelFiles.find(info.seriesUid + "/" + name);
        maps.push_back({{"name", name},
                        {"file", file == labelFiles.end() ? std::string() : file->second},
                        {"edited", map.edited},
                        {"provenance", provenance(map.provenance)},
                        {"labels", table}});
      }
      auto w = s.annotations.warnings.find(id);
      if (ms.empty() && sets.empty() && boxes.empty() && maps.empty() && w == s.annotations.warnings.end()) continue;
      sb["series"] = {{"seriesInstanceUid", info.seriesUid}, {"seriesNumber", info.seriesNumber},
                      {"modality", info.modality},           {"viewPosition", info.viewPosition},
                      {"description", info.description},     {"date", info.date},
                      {"sopInstanceUids", info.sopInstanceUids}};
      if (s.series->image) {
        const auto& g = s.series->image->geometry();
        const measure::PixelScale scale = measure::pixelScale(g, info);
        sb["image"] = {{"size", {g.size[0], g.size[1], g.size[2]}},
                       {"spacingKnown", g.spacingKnown},
                       {"spacingMm", {g.spacing[0], g.spacing[1], g.spacing[2]}},
                       {"pixelSpacingSource", info.pixelSpacingSource},
                       {"magnification", scale.magnification},
                       {"lengthUnit", scale.unit()}};
      }
      sb["measurements"] = std::move(ms);
      sb["landmarkSets"] = std::move(sets);
      sb["boxes"] = std::move(boxes);
      sb["labelMaps"] = std::move(maps);
      sb["warnings"] = w == s.annotations.warnings.end() ? std::vector<std::string>{} : w->second;
      sb["correctedByHand"] = {{"landmarks", editedLandmarks}, {"measurements", editedMeasurements}};
      seriesBlocks.push_back(std::move(sb));
    }
    Json tables = Json::array();
    for (const auto& [tid, t] : in.studyResults.tables)
      if (t.provenance.source == id)
        tables.push_back({{"id", tid}, {"title", t.title}, {"columns", t.columns}, {"rows", t.rows}});
    if (seriesBlocks.empty() && tables.empty()) continue;
    block["series"] = std::move(seriesBlocks);
    block["tables"] = std::move(tables);
    modules[id] = std::move(block);
  }
  j["modules"] = std::move(modules);
  j["warnings"] = in.warnings;
  core::writeFileAtomically(path, j.dump(2) + "\n");
}

QImage renderKeyImage(const ReportInput& in, const KeyImage& key, const OverlayLayers& layers, int maxHeight) {
  const ReportSeries& s = requireSeries(in, key);
  ensureGuiApplication();
  const core::Image& image = *s.series->image;
  const QImage grey = windowedSlice(image, key.plane);
  const int height = std::max(16, maxHeight);
  const int width = std::max(1, static_cast<int>(std::lround(height * displayAspect(image, key.plane))));
  QImage out(width, height, QImage::Format_RGB32);
  out.fill(Qt::black);
  QPainter p(&out);
  drawKeyImage(p, QRectF(0, 0, width, height), grey.scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation),
               s, key.plane, layers, OverlayStyle::forImageHeight(height, out.logicalDpiY()));
  p.end();
  return out;
}

void drawKeyImage(QPainter& p, const QRectF& target, const QImage& grey, const ReportSeries& s, const OverlayPlane& plane,
                  const OverlayLayers& layers, const OverlayStyle& style) {
  p.save();
  p.setRenderHint(QPainter::SmoothPixmapTransform, true);
  p.drawImage(target, grey);
  p.setClipRect(target);
  const auto& g = s.series->image->geometry();
  OverlayContext c;
  c.series = s.series.get();
  c.annotations = &s.annotations;
  c.measurements = &s.annotations.measurements;
  c.plane = plane;
  c.style = style;
  const double cols = static_cast<double>(g.size[static_cast<std::size_t>(plane.u)]);
  const double rows = static_cast<double>(g.size[static_cast<std::size_t>(plane.v)]);
  c.displayToDevice = QTransform(target.width() / cols, 0, 0, target.height() / rows, target.left(), target.top());
  paintOverlays(p, c, layers);
  p.restore();
}

double keyImageAspect(const ReportInput& in, const KeyImage& key) {
  return displayAspect(*requireSeries(in, key).series->image, key.plane);
}

void writePdfReport(const ReportInput& in, const std::string& path, const Presentations& presentations) {
  if (in.series.empty()) throw std::invalid_argument("report: nothing analysed");
  ensureGuiApplication();
  std::vector<std::pair<std::string, SectionContent>> sections;
  for (const auto& id : in.modules()) sections.emplace_back(id, sectionFor(in, id, presentations));
  QByteArray bytes;
  {
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    QPdfWriter pdf(&buffer);
    pdf.setResolution(kPdfDpi);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter);
    const QString title = sections.size() == 1 ? QString::fromStdString(sections.front().second.title)
                                               : QStringLiteral("AI findings report");
    pdf.setTitle(title);
    pdf.setCreator(QString::fromStdString(generatorName()));
    QPainter p;
    if (!p.begin(&pdf)) throw core::IoError(path, "cannot start the PDF");
    ReportLayout layout(p, in, generatorName(), utcNow(), title);
    layout.header();
    for (const auto& [id, content] : sections) {
      layout.section(content, [&](QPainter& painter, const QRectF& target, const KeyImage& key) {
        const ReportSeries& s = requireSeries(in, key);
        const QImage grey = windowedSlice(*s.series->image, key.plane);
        // Embed at most ~300 dpi of the image; the overlay stays vector.
        const int rows = std::min(grey.height(), static_cast<int>(std::lround(target.height())));
        const QImage embedded = rows < grey.height() ? grey.scaledToHeight(rows, Qt::SmoothTransformation) : grey;
        drawKeyImage(painter, target, embedded, s, key.plane, layersFor(s.annotations, presentations),
                     OverlayStyle::forImageHeight(target.height(), kPdfDpi));
      }, [&](const KeyImage& key) { return keyImageAspect(in, key); });
    }
    layout.closing();
    if (!p.end()) throw core::IoError(path, "cannot finish the PDF");
  }
  core::writeFileAtomically(path, bytes.toStdString());
}

std::vector<std::string> writeFindingsFolder(const ReportInput& in, const std::string& folder,
                                             const Presentations& presentations) {
  namespace fs = std::filesystem;
  std::error_code ec;
  fs::create_directories(folder, ec);
  if (ec || !fs::is_directory(folder))
    throw core::IoError(folder, "cannot create the output folder" + (ec ? ": " + ec.message() : std::string()));
  const auto file = [&](const std::string& name) { return (fs::path(folder) / name).string(); };
  std::vector<std::string> written;
  // Label maps first: findings.json names their files.
  std::map<std::string, std::string> labelFiles;
  for (const ReportSeries& s : in.series)
    for (const auto& [name, map] : s.annotations.labelMaps) {
      if (!map.labels) continue;
      const std::string base = "labels_S" + std::to_string(s.series->info.seriesNumber) + "_" + core::safeFileName(name) + ".nii.gz";
      std::string unique = base;
      for (int k = 2; std::find(written.begin(), written.end(), file(unique)) != written.end(); ++k)
        unique = std::to_string(k) + "_" + base;
      const std::string tmp = core::uniqueTempPath(file(unique)) + ".nii.gz";
      io::writeNifti(*map.labels, tmp);
      core::commitTempFile(tmp, file(unique));
      labelFiles[s.series->info.seriesUid + "/" + name] = unique;
      written.push_back(file(unique));
    }
  writeMeasurementsCsv(in, file("measurements.csv"));
  written.push_back(file("measurements.csv"));
  writeLandmarksCsv(in, file("landmarks.csv"));
  written.push_back(file("landmarks.csv"));
  writeFindingsJson(in, file("findings.json"), labelFiles);
  written.push_back(file("findings.json"));
  int n = 0;
  for (const auto& id : in.modules())
    for (const KeyImage& key : sectionFor(in, id, presentations).keyImages) {
      const ReportSeries& s = requireSeries(in, key);
      const QImage image = renderKeyImage(in, key, layersFor(s.annotations, presentations));
      const std::string name = n == 0 ? "overlay.png" : "overlay_" + std::to_string(n + 1) + ".png";
      QByteArray png;
      QBuffer buffer(&png);
      buffer.open(QIODevice::WriteOnly);
      if (!image.save(&buffer, "PNG")) throw core::IoError(file(name), "cannot encode PNG");
      core::writeFileAtomically(file(name), png.toStdString());
      written.push_back(file(name));
      ++n;
    }
  writePdfReport(in, file("report.pdf"), presentations);
  written.push_back(file("report.pdf"));
  return written;
}

}  // namespace openrad::report
