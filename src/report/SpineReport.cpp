#include "openrad/report/SpineReport.h"

#include "ReportLayout.h"
#include "openrad/core/ImageStatistics.h"
#include "openrad/io/IoError.h"
#include "openrad/measure/PixelScale.h"
#include "openrad/measure/SpineLandmarks.h"
#include "openrad/report/SpineOverlay.h"

#include <QGuiApplication>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>

#ifndef OPENRAD_VERSION_STRING
#define OPENRAD_VERSION_STRING "unknown"
#endif

namespace openrad::report {

namespace {

// ---------------------------------------------------------------------------------------------- files

/// Writes through QSaveFile: a temporary file in the target's folder, renamed over `path` on success.
template <class Write>
void saveAtomically(const std::string& path, Write&& write) {
  QSaveFile file(QString::fromStdString(path));
  if (!file.open(QIODevice::WriteOnly)) throw io::IoError(path, "cannot create: " + file.errorString().toStdString());
  write(file);
  if (!file.commit()) throw io::IoError(path, "cannot write: " + file.errorString().toStdString());
}

void saveText(const std::string& path, const std::string& text) {
  saveAtomically(path, [&](QIODevice& f) { f.write(text.data(), static_cast<qint64>(text.size())); });
}

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

std::string utcNow() {
  const std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

const core::LandmarkSet* landmarkSetOf(const ReportInput& in) {
  const auto it = in.annotations.landmarkSets.find(in.landmarkSet);
  return it == in.annotations.landmarkSets.end() ? nullptr : &it->second;
}

/// Rank of a measurement id in the clinical order (see orderedMeasurements).
int rankOf(const std::string& id) {
  static const char* const head[] = {"cobb.proximal_thoracic", "cobb.main_thoracic", "cobb.thoracolumbar",
                                     "cobb.max", "height.spinal", "height.thoracic"};
  for (int i = 0; i < 6; ++i)
    if (id == head[i]) return i;
  const auto levelRank = [](const std::string& level) {
    for (int v = 0; v < measure::kApVertebrae; ++v)
      if (level == measure::apVertebraName(v)) return v;
    return 99;
  };
  static const std::string body = "height.body.", disc = "height.disc.";
  if (id.compare(0, body.size(), body) == 0) return 100 + levelRank(id.substr(body.size()));
  if (id.compare(0, disc.size(), disc) == 0) return 200 + levelRank(id.substr(disc.size(), id.find('-') - disc.size()));
  return 1000;
}

std::string vertebraOf(const std::string& cornerName) { return cornerName.substr(0, cornerName.find('.')); }

// ------------------------------------------------------------------------------------------- image

/// The radiograph windowed to its 0.5–99.5 % quantiles (of at most 500 000 sampled pixels) as 8-bit grey,
/// one pixel per image pixel.
QImage windowedGrey(const core::Image& image) {
  const auto& g = image.geometry();
  const int cols = static_cast<int>(g.size[0]), rows = static_cast<int>(g.size[1]);
  auto [lo, hi] = core::quantileRange(image, 0.005, 0.995, 500000);
  if (!(hi > lo)) hi = lo + 1.0;
  const double gain = 255.0 / (hi - lo);
  QImage grey(cols, rows, QImage::Format_Grayscale8);
  for (int j = 0; j < rows; ++j) {
    uchar* line = grey.scanLine(j);
    for (int i = 0; i < cols; ++i)
      line[i] = static_cast<uchar>(std::clamp((image.value(i, j, 0) - lo) * gain + 0.5, 0.0, 255.0));
  }
  return grey;
}

/// Displayed width / height of the image in the patient plane (pixel spacing kept).
double displayAspect(const core::Image& image) {
  const auto& g = image.geometry();
  const double sx = g.spacingKnown && g.spacing[0] > 0 ? g.spacing[0] : 1.0;
  const double sy = g.spacingKnown && g.spacing[1] > 0 ? g.spacing[1] : 1.0;
  return (static_cast<double>(g.size[0]) * sx) / (static_cast<double>(g.size[1]) * sy);
}

void requireImage(const ReportInput& in) {
  if (!in.image || !in.image->geometry().is2D() || in.image->geometry().voxelCount() == 0)
    throw std::invalid_argument("report: the input needs a 2D radiograph image");
}

/// Overlay style for an image drawn `heightPx` device pixels tall on a device of `dpi` (sizes relative to the
/// image, as in a 1000-row view at 96 dpi with the default style).
OverlayStyle styleFor(double heightPx, double dpi) {
  OverlayStyle s;
  const double k = std::max(0.6, heightPx / 1000.0);
  s.handleRadius *= k;
  s.lineWidth *= k;
  s.fontPointSize *= k * 96.0 / dpi;
  return s;
}

/// Draws `grey` into `target` with the overlay of `in` on top (clipped to the target).
void drawKeyImage(QPainter& p, const QRectF& target, const QImage& grey, const ReportInput& in,
                  const OverlayStyle& style) {
  p.save();
  p.setRenderHint(QPainter::SmoothPixmapTransform, true);
  p.drawImage(target, grey);
  p.setClipRect(target);
  if (const core::LandmarkSet* set = landmarkSetOf(in)) {
    const auto& g = in.image->geometry();
    const double sx = target.width() / static_cast<double>(g.size[0]);
    const double sy = target.height() / static_cast<double>(g.size[1]);
    const QPointF origin = target.topLeft();
    const ToDevice toDevice = [origin, sx, sy](const Eigen::Vector3d& index) {
      return QPointF(origin.x() + (index.x() + 0.5) * sx, origin.y() + (index.y() + 0.5) * sy);
    };
    paintSpineOverlay(p, toDevice, *set, in.annotations.measurements, style);
  }
  p.restore();
}

}  // namespace

// ------------------------------------------------------------------------------------------- public

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

std::vector<const core::Measurement*> orderedMeasurements(const core::SeriesAnnotations& annotations) {
  std::vector<const core::Measurement*> out;
  for (const auto& [id, m] : annotations.measurements) out.push_back(&m);
  std::stable_sort(out.begin(), out.end(),
                   [](const core::Measurement* a, const core::Measurement* b) { return rankOf(a->id) < rankOf(b->id); });
  return out;
}

std::string formatValue(const core::Measurement& m) {
  if (m.unit == "deg") return number(m.value, 1) + "\u00B0";
  return number(m.value, 1) + (m.unit.empty() ? "" : " " + m.unit);
}

std::string endVertebrae(const core::Measurement& m) {
  if (m.inputs.size() < 8) return {};
  const std::string upper = vertebraOf(m.inputs[0]), lower = vertebraOf(m.inputs[4]);
  return upper == lower ? std::string() : upper + "\u2013" + lower;
}

void writeMeasurementsCsv(const ReportInput& in, const std::string& path) {
  std::string out = "id,name,value,unit,edited,source,model_version,inputs\n";
  for (const core::Measurement* m : orderedMeasurements(in.annotations))
    out += csvField(m->id) + ',' + csvField(m->name) + ',' + number(m->value, 4) + ',' + csvField(m->unit) + ',' +
           (m->edited ? "yes" : "no") + ',' + csvField(m->provenance.source) + ',' +
           csvField(m->provenance.modelVersion) + ',' + csvField(joined(m->inputs, ";")) + '\n';
  saveText(path, out);
}

void writeLandmarksCsv(const ReportInput& in, const std::string& path) {
  std::string out = "name,x_px,y_px,confidence,edited\n";
  if (const core::LandmarkSet* set = landmarkSetOf(in))
    for (const auto& p : set->points)
      out += csvField(p.name) + ',' + number(p.position.x(), 3) + ',' + number(p.position.y(), 3) + ',' +
             number(p.confidence, 4) + ',' + (p.edited ? "yes" : "no") + '\n';
  saveText(path, out);
}

void writeFindingsJson(const ReportInput& in, const std::string& path) {
  using Json = nlohmann::ordered_json;
  Json j;
  j["format"] = "openrad-findings";
  j["formatVersion"] = 1;
  j["generator"] = generatorName();
  j["created"] = utcNow();
  j["patient"] = {{"patientId", in.patient.id},
                  {"name", in.patient.name},
                  {"birthDate", in.patient.birthDate},
                  {"sex", in.patient.sex}};
  j["study"] = {{"studyInstanceUid", in.study.studyUid},   {"studyId", in.study.studyId},
                {"accessionNumber", in.study.accessionNumber}, {"description", in.study.description},
                {"date", in.study.date},                    {"time", in.study.time}};
  j["series"] = {{"seriesInstanceUid", in.series.seriesUid}, {"seriesNumber", in.series.seriesNumber},
                 {"modality", in.series.modality},           {"viewPosition", in.series.viewPosition},
                 {"description", in.series.description},     {"date", in.series.date},
                 {"sopInstanceUids", in.series.sopInstanceUids}};
  if (in.image) {
    const auto& g = in.image->geometry();
    const measure::PixelScale scale = measure::pixelScale(g, in.series);
    j["image"] = {{"columns", g.size[0]},
                  {"rows", g.size[1]},
                  {"spacingKnown", g.spacingKnown},
                  {"pixelSpacingMm", {g.spacing[0], g.spacing[1]}},
                  {"pixelSpacingSource", in.series.pixelSpacingSource},
                  {"magnification", scale.magnification},
                  {"lengthUnit", scale.unit()}};
  }
  j["model"] = {{"note", in.modelNote}};
  Json ms = Json::array();
  std::vector<std::string> editedMeasurements;
  for (const core::Measurement* m : orderedMeasurements(in.annotations)) {
    ms.push_back({{"id", m->id},
                  {"name", m->name},
                  {"value", m->value},
                  {"unit", m->unit},
                  {"edited", m->edited},
                  {"provenance", {{"source", m->provenance.source}, {"modelVersion", m->provenance.modelVersion}}},
                  {"inputs", m->inputs}});
    if (m->edited) editedMeasurements.push_back(m->id);
  }
  j["measurements"] = std::move(ms);
  std::vector<std::string> editedLandmarks;
  if (const core::LandmarkSet* set = landmarkSetOf(in)) {
    Json pts = Json::array();
    for (const auto& p : set->points) {
      pts.push_back({{"name", p.name},
                     {"x", p.position.x()},
                     {"y", p.position.y()},
                     {"confidence", p.confidence},
                     {"edited", p.edited}});
      if (p.edited) editedLandmarks.push_back(p.name);
    }
    j["landmarks"] = {{"set", set->name},
                      {"provenance", {{"source", set->provenance.source}, {"modelVersion", set->provenance.modelVersion}}},
                      {"coordinates", "continuous pixel index (column, row); (0, 0) = centre of the top-left pixel"},
                      {"points", std::move(pts)}};
  }
  j["correctedByHand"] = {{"landmarks", editedLandmarks}, {"measurements", editedMeasurements}};
  j["warnings"] = in.warnings;
  saveText(path, j.dump(2) + "\n");
}

QImage renderKeyImage(const ReportInput& in, int maxHeight) {
  requireImage(in);
  ensureGuiApplication();
  const QImage grey = windowedGrey(*in.image);
  const int height = std::max(16, maxHeight);
  const int width = std::max(1, static_cast<int>(std::lround(height * displayAspect(*in.image))));
  QImage out(width, height, QImage::Format_RGB32);
  QPainter p(&out);
  drawKeyImage(p, QRectF(0, 0, width, height), grey.scaled(width, height, Qt::IgnoreAspectRatio, Qt::SmoothTransformation),
               in, styleFor(height, out.logicalDpiY()));
  p.end();
  return out;
}

void writeKeyImagePng(const ReportInput& in, const std::string& path, int maxHeight) {
  const QImage image = renderKeyImage(in, maxHeight);
  saveAtomically(path, [&](QIODevice& f) {
    if (!image.save(&f, "PNG")) throw io::IoError(path, "cannot encode PNG");
  });
}

void writePdfReport(const ReportInput& in, const std::string& path) {
  requireImage(in);
  ensureGuiApplication();
  const QImage grey = windowedGrey(*in.image);
  saveAtomically(path, [&](QIODevice& f) {
    QPdfWriter pdf(&f);
    pdf.setResolution(kPdfDpi);
    pdf.setPageSize(QPageSize(QPageSize::A4));
    pdf.setPageMargins(QMarginsF(0, 0, 0, 0), QPageLayout::Millimeter);
    pdf.setTitle(QStringLiteral("AP spine radiograph \u2014 AI landmark analysis"));
    pdf.setCreator(QString::fromStdString(generatorName()));
    QPainter p;
    if (!p.begin(&pdf)) throw io::IoError(path, "cannot start the PDF");
    ReportLayout layout(p, in, generatorName(), utcNow());
    layout.pageOne([&](QPainter& painter, const QRectF& target) {
      // Embed at most ~300 dpi of the radiograph; the overlay stays vector.
      const int rows = std::min(grey.height(), static_cast<int>(std::lround(target.height())));
      const QImage embedded = rows < grey.height() ? grey.scaledToHeight(rows, Qt::SmoothTransformation) : grey;
      drawKeyImage(painter, target, embedded, in, styleFor(target.height(), kPdfDpi));
    });
    layout.pageTwo();
    if (!p.end()) throw io::IoError(path, "cannot finish the PDF");
  });
}

}  // namespace openrad::report
