#include "ReportLayout.h"

#include "openrad/measure/PixelScale.h"
#include "openrad/report/SpineOverlay.h"

#include <QFontMetricsF>
#include <QPagedPaintDevice>
#include <QPainter>

#include <algorithm>
#include <cstdio>

namespace openrad::report {

namespace {

// A4 portrait, millimetres.
constexpr double kPageW = 210.0, kPageH = 297.0;
constexpr double kLeft = 16.0, kRight = kPageW - 16.0, kTop = 14.0;
constexpr double kContentW = kRight - kLeft;
constexpr double kBottom = kPageH - 20.0;  ///< last line of content; the footer lies below
constexpr double kRowH = 5.6;              ///< table row

const QColor kInk(26, 26, 26), kMuted(95, 107, 122), kAccent(31, 78, 121), kRule(200, 208, 218);
const QColor kHeaderFill(233, 238, 244), kZebra(246, 248, 250), kHighlight(160, 82, 0);
const QColor kNoticeFill(255, 246, 229), kNoticeBorder(227, 163, 59);

QString q(const std::string& s) { return QString::fromStdString(s); }

QString orDash(const std::string& s) { return s.empty() ? QStringLiteral("\u2014") : q(s); }

QString sexText(const std::string& s) {
  if (s == "M") return QStringLiteral("male");
  if (s == "F") return QStringLiteral("female");
  if (s == "O") return QStringLiteral("other");
  return orDash(s);
}

QString timeText(const std::string& t) {
  if (t.size() >= 4) return q(t.substr(0, 2) + ":" + t.substr(2, 2));
  return {};
}

const core::Measurement* find(const ReportInput& in, const std::string& id) {
  const auto it = in.annotations.measurements.find(id);
  return it == in.annotations.measurements.end() ? nullptr : &it->second;
}

const core::LandmarkSet* landmarks(const ReportInput& in) {
  const auto it = in.annotations.landmarkSets.find(in.landmarkSet);
  return it == in.annotations.landmarkSets.end() ? nullptr : &it->second;
}

/// "1 corner", "3 corners".
QString counted(std::size_t n, const char* noun) {
  return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(noun)).arg(n == 1 ? "" : "s");
}

QString yes(bool edited) { return edited ? QStringLiteral("yes") : QString(); }

/// Short list "a, b, c and 4 more".
QString listed(const std::vector<std::string>& names, std::size_t max = 12) {
  QStringList parts;
  for (std::size_t i = 0; i < names.size() && i < max; ++i) parts << q(names[i]);
  QString out = parts.join(QStringLiteral(", "));
  if (names.size() > max) out += QStringLiteral(" and %1 more").arg(names.size() - max);
  return out;
}

std::vector<std::string> editedCorners(const ReportInput& in) {
  std::vector<std::string> out;
  if (const auto* set = landmarks(in))
    for (const auto& p : set->points)
      if (p.edited) out.push_back(p.name);
  return out;
}

std::vector<std::string> lowConfidenceCorners(const ReportInput& in, double threshold) {
  std::vector<std::string> out;
  if (const auto* set = landmarks(in))
    for (const auto& p : set->points)
      if (!p.edited && p.confidence < threshold) out.push_back(p.name);
  return out;
}

QString scaleText(const ReportInput& in) {
  if (!in.image) return {};
  const auto& g = in.image->geometry();
  const measure::PixelScale s = measure::pixelScale(g, in.series);
  char buf[256];
  if (!s.known) return QStringLiteral("Pixel spacing unknown: lengths are in pixels (px).");
  if (s.magnification != 1.0)
    std::snprintf(buf, sizeof buf,
                  "Lengths in mm at the spine: detector spacing %.3f mm (%s) divided by the magnification %.3f "
                  "(SID/SOD) = %.3f mm per pixel.",
                  g.spacing[0], in.series.pixelSpacingSource.c_str(), s.magnification, s.mmPerPixelX);
  else
    std::snprintf(buf, sizeof buf, "Lengths in mm: pixel spacing %.3f \u00D7 %.3f mm (%s).", g.spacing[0], g.spacing[1],
                  in.series.pixelSpacingSource.empty() ? "image" : in.series.pixelSpacingSource.c_str());
  return QString::fromUtf8(buf);
}

QString modelName(const ReportInput& in) {
  if (const auto* set = landmarks(in)) {
    const auto& pv = set->provenance;
    if (!pv.source.empty()) return q(pv.source + (pv.modelVersion.empty() ? "" : " " + pv.modelVersion));
  }
  return QStringLiteral("AI module");
}

}  // namespace

QString personName(const std::string& dicomName) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t caret = dicomName.find('^', start);
    parts.push_back(dicomName.substr(start, caret == std::string::npos ? std::string::npos : caret - start));
    if (caret == std::string::npos) break;
    start = caret + 1;
  }
  QString out = q(parts[0]);
  QString rest;
  for (std::size_t i : {std::size_t{3}, std::size_t{1}, std::size_t{2}})  // prefix, given, middle
    if (i < parts.size() && !parts[i].empty()) rest += (rest.isEmpty() ? "" : " ") + q(parts[i]);
  if (parts.size() > 4 && !parts[4].empty()) rest += (rest.isEmpty() ? "" : " ") + q(parts[4]);
  if (!rest.isEmpty()) out += (out.isEmpty() ? "" : ", ") + rest;
  return out.isEmpty() ? QStringLiteral("(no name)") : out;
}

QString isoDate(const std::string& d) {
  if (d.size() == 8 && std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return q(d.substr(0, 4) + "-" + d.substr(4, 2) + "-" + d.substr(6, 2));
  return orDash(d);
}

ReportLayout::ReportLayout(QPainter& painter, const ReportInput& input, std::string generator, std::string created)
    : m_p(painter), m_in(input), m_generator(q(generator)), m_created(q(created)) {
  m_p.setRenderHint(QPainter::Antialiasing, true);
  m_p.setRenderHint(QPainter::TextAntialiasing, true);
}

double ReportLayout::px(double mm) const { return mm * kPdfDpi / 25.4; }

QFont ReportLayout::font(double points, bool bold) const {
  QFont f(QStringLiteral("DejaVu Sans"));
  f.setPointSizeF(points);
  f.setBold(bold);
  // A (visually nil: 1/64 px) letter spacing makes Qt shape without ligatures, so "fi" stays two letters for
  // pdftotext, search and screen readers (QFont::setFeature only arrives with Qt 6.6).
  f.setLetterSpacing(QFont::AbsoluteSpacing, 0.02);
  return f;
}

double ReportLayout::paragraphHeight(const QString& text, const QFont& f, double width) const {
  const QFontMetricsF fm(f, m_p.device());
  const QRectF r = fm.boundingRect(QRectF(0, 0, px(width), 1e7), Qt::TextWordWrap, text);
  return r.height() * 25.4 / kPdfDpi;
}

double ReportLayout::paragraph(const QString& text, const QFont& f, const QColor& color, double x, double y,
                               double width, int align) {
  const double h = paragraphHeight(text, f, width);
  m_p.setFont(f);
  m_p.setPen(color);
  m_p.drawText(QRectF(px(x), px(y), px(width), px(h) + 2), Qt::TextWordWrap | align, text);
  return h;
}

void ReportLayout::heading(const QString& text, double x, double width) {
  need(14.0);
  m_y += paragraph(text, font(10.5, true), kAccent, x, m_y, width);
  m_p.setPen(QPen(kRule, px(0.25)));
  m_p.drawLine(QPointF(px(x), px(m_y + 0.8)), QPointF(px(x + width), px(m_y + 0.8)));
  m_y += 2.4;
}

void ReportLayout::table(const std::vector<Column>& columns, const std::vector<Row>& rows, double x) {
  double width = 0;
  for (const auto& c : columns) width += c.width;
  const double pad = 1.5;
  const QFont headFont = font(7.5, true), cellFont = font(8), cellBold = font(8, true);
  double headH = 0;
  for (const auto& c : columns) headH = std::max(headH, paragraphHeight(c.title, headFont, c.width - 2 * pad));
  headH += 2.0;
  need(headH + kRowH * std::min<double>(3.0, static_cast<double>(rows.size())));
  const auto drawHeader = [&] {
    m_p.fillRect(QRectF(px(x), px(m_y), px(width), px(headH)), kHeaderFill);
    double cx = x;
    for (const auto& c : columns) {
      m_p.setFont(headFont);
      m_p.setPen(kMuted);
      m_p.drawText(QRectF(px(cx + pad), px(m_y), px(c.width - 2 * pad), px(headH)),
                   c.align | Qt::AlignVCenter | Qt::TextWordWrap, c.title);
      cx += c.width;
    }
    m_y += headH;
  };
  drawHeader();
  for (std::size_t r = 0; r < rows.size(); ++r) {
    if (m_y + kRowH > kBottom) {
      newPage();
      drawHeader();
    }
    if (r % 2 == 1) m_p.fillRect(QRectF(px(x), px(m_y), px(width), px(kRowH)), kZebra);
    double cx = x;
    for (std::size_t k = 0; k < columns.size() && k < rows[r].cells.size(); ++k) {
      const auto& c = columns[k];
      const bool mark = rows[r].highlight && k + 1 == columns.size();
      m_p.setFont(mark ? cellBold : cellFont);
      m_p.setPen(mark ? kHighlight : kInk);
      const QRectF cell(px(cx + pad), px(m_y), px(c.width - 2 * pad), px(kRowH));
      const QFontMetricsF fm(m_p.font(), m_p.device());
      m_p.drawText(cell, c.align | Qt::AlignVCenter, fm.elidedText(rows[r].cells[k], Qt::ElideRight, cell.width()));
      cx += c.width;
    }
    m_y += kRowH;
  }
  m_p.setPen(QPen(kRule, px(0.25)));
  m_p.drawLine(QPointF(px(x), px(m_y)), QPointF(px(x + width), px(m_y)));
  m_y += 2.0;
}

void ReportLayout::bullets(const std::vector<QString>& lines, double x, double width) {
  const QFont f = font(8.5);
  for (const auto& line : lines) {
    const double h = paragraphHeight(line, f, width - 4.0);
    need(h + 1.0);
    paragraph(QStringLiteral("\u2022"), f, kMuted, x, m_y, 4.0);
    m_y += paragraph(line, f, kInk, x + 4.0, m_y, width - 4.0) + 0.8;
  }
}

void ReportLayout::footer() {
  const double y = kPageH - 14.0;
  m_p.setPen(QPen(kRule, px(0.25)));
  m_p.drawLine(QPointF(px(kLeft), px(y)), QPointF(px(kRight), px(y)));
  const QString left = QStringLiteral("Generated %1 UTC by %2 \u2014 AI findings, review required; not for diagnostic use")
                           .arg(m_created.left(19).replace(QLatin1Char('T'), QLatin1Char(' ')), m_generator);
  const QString right = QStringLiteral("Patient ID %1 \u00B7 page %2").arg(orDash(m_in.patient.id)).arg(m_page);
  paragraph(left, font(6.5), kMuted, kLeft, y + 1.2, kContentW * 0.75);
  paragraph(right, font(6.5), kMuted, kLeft + kContentW * 0.75, y + 1.2, kContentW * 0.25, Qt::AlignRight);
}

void ReportLayout::newPage() {
  footer();
  static_cast<QPagedPaintDevice*>(m_p.device())->newPage();
  ++m_page;
  m_y = kTop;
  const QString running = QStringLiteral("AP spine radiograph \u2014 AI landmark analysis \u00B7 %1 \u00B7 ID %2 \u00B7 %3")
                              .arg(personName(m_in.patient.name), orDash(m_in.patient.id), isoDate(m_in.study.date));
  m_y += paragraph(running, font(7.5), kMuted, kLeft, m_y, kContentW);
  m_p.setPen(QPen(kAccent, px(0.35)));
  m_p.drawLine(QPointF(px(kLeft), px(m_y + 1.0)), QPointF(px(kRight), px(m_y + 1.0)));
  m_y += 5.0;
}

void ReportLayout::need(double height) {
  if (m_y + height > kBottom) newPage();
}

void ReportLayout::pageOne(const DrawImage& drawImage) {
  m_y = kTop;
  // Title.
  const double titleH = paragraph(QStringLiteral("AP spine radiograph \u2014 AI landmark analysis"), font(16, true),
                                  kAccent, kLeft, m_y, kContentW * 0.8);
  paragraph(m_generator, font(7.5), kMuted, kLeft + kContentW * 0.8, m_y + 2.5, kContentW * 0.2, Qt::AlignRight);
  m_y += titleH + 1.5;
  m_p.setPen(QPen(kAccent, px(0.5)));
  m_p.drawLine(QPointF(px(kLeft), px(m_y)), QPointF(px(kRight), px(m_y)));
  m_y += 3.0;

  // Patient and study.
  const auto& pt = m_in.patient;
  const auto& st = m_in.study;
  const auto& se = m_in.series;
  QString studyDate = isoDate(st.date);
  if (!st.time.empty() && !st.date.empty()) studyDate += QStringLiteral("  ") + timeText(st.time);
  QString series = QStringLiteral("#%1 %2").arg(se.seriesNumber).arg(q(se.modality));
  if (!se.viewPosition.empty()) series += QStringLiteral(" %1").arg(q(se.viewPosition));
  if (!se.description.empty()) series += QStringLiteral(" \u00B7 ") + q(se.description);
  std::vector<std::pair<QString, QString>> left = {{QStringLiteral("Patient"), personName(pt.name)},
                                                   {QStringLiteral("Patient ID"), orDash(pt.id)},
                                                   {QStringLiteral("Birth date"), isoDate(pt.birthDate)},
                                                   {QStringLiteral("Sex"), sexText(pt.sex)}};
  std::vector<std::pair<QString, QString>> right = {{QStringLiteral("Study date"), studyDate},
                                                    {QStringLiteral("Accession"), orDash(st.accessionNumber)},
                                                    {QStringLiteral("Study"), orDash(st.description)},
                                                    {QStringLiteral("Series"), series}};
  if (!m_in.institution.empty()) right.emplace_back(QStringLiteral("Institution"), q(m_in.institution));
  const double colW = kContentW / 2.0, labelW = 24.0, lineH = 5.0;
  const auto grid = [&](const std::vector<std::pair<QString, QString>>& rows, double x) {
    double y = m_y;
    for (const auto& [label, value] : rows) {
      paragraph(label, font(7.5), kMuted, x, y + 0.5, labelW);
      const QFont vf = font(9, label == QStringLiteral("Patient"));
      const QFontMetricsF fm(vf, m_p.device());
      paragraph(fm.elidedText(value, Qt::ElideRight, px(colW - labelW - 3.0)), vf, kInk, x + labelW, y,
                colW - labelW - 2.0);
      y += lineH;
    }
    return y;
  };
  m_y = std::max(grid(left, kLeft), grid(right, kLeft + colW)) + 1.5;

  // Review notice.
  const QString notice = QStringLiteral("Review required. ") + q(m_in.modelNote) +
                         QStringLiteral(" Landmarks and values are AI output and must be checked by a qualified "
                                        "reader before any clinical use.");
  const double pad = 2.2, noticeW = kContentW - 2 * pad;
  const double noticeH = paragraphHeight(notice, font(8), noticeW) + 2 * pad;
  m_p.setPen(QPen(kNoticeBorder, px(0.3)));
  m_p.setBrush(kNoticeFill);
  m_p.drawRect(QRectF(px(kLeft), px(m_y), px(kContentW), px(noticeH)));
  m_p.setBrush(Qt::NoBrush);
  paragraph(notice, font(8), kInk, kLeft + pad, m_y + pad, noticeW);
  m_y += noticeH + 4.0;

  // Key image, pixel aspect kept (patient-plane proportions).
  const auto& g = m_in.image->geometry();
  const double sx = g.spacingKnown ? g.spacing[0] : 1.0, sy = g.spacingKnown ? g.spacing[1] : 1.0;
  const double aspect = (static_cast<double>(g.size[0]) * sx) / (static_cast<double>(g.size[1]) * sy);
  const QString caption = QStringLiteral(
      "Circles: AI corners \u00B7 squares: corrected by hand \u00B7 orange ring: confidence below 0.3 \u00B7 "
      "coloured lines: endplates (T1 blue \u2192 L5 red) \u00B7 PT/MT/TL: Cobb end-vertebra lines.");
  const double maxImageW = 84.0;
  double imageH = kBottom - m_y - 12.0, imageW = imageH * aspect;
  if (imageW > maxImageW) {
    imageW = maxImageW;
    imageH = imageW / aspect;
  }
  const double imageTop = m_y;
  const QRectF target(px(kLeft), px(imageTop), px(imageW), px(imageH));
  m_p.fillRect(target, Qt::black);
  drawImage(m_p, target);
  m_p.setPen(QPen(kRule, px(0.25)));
  m_p.drawRect(target);
  paragraph(caption, font(6.5), kMuted, kLeft, imageTop + imageH + 1.2, imageW);

  // Right column: Cobb angles, spinal heights, corrections, review.
  const double x = kLeft + imageW + 7.0, w = kRight - x;
  heading(QStringLiteral("Cobb angles"), x, w);
  struct Curve {
    const char* id;
    const char* name;
  };
  static const Curve curves[] = {{"cobb.proximal_thoracic", "Proximal thoracic (PT)"},
                                 {"cobb.main_thoracic", "Main thoracic (MT)"},
                                 {"cobb.thoracolumbar", "Thoracolumbar (TL)"},
                                 {"cobb.max", "Maximal angle"}};
  std::vector<Row> rows;
  for (const auto& c : curves)
    if (const auto* m = find(m_in, c.id))
      rows.push_back({{QString::fromUtf8(c.name), orDash(endVertebrae(*m)), q(formatValue(*m)), yes(m->edited)}, m->edited});
  const std::vector<Column> cobbColumns = {{QStringLiteral("Curve"), w * 0.43, Qt::AlignLeft},
                                           {QStringLiteral("End vertebrae"), w * 0.2, Qt::AlignLeft},
                                           {QStringLiteral("Angle"), w * 0.16, Qt::AlignRight},
                                           {QStringLiteral("Corrected by hand"), w * 0.21, Qt::AlignCenter}};
  if (rows.empty()) {
    m_y += paragraph(QStringLiteral("No Cobb angle was measured."), font(8.5), kInk, x, m_y, w) + 2.0;
  } else {
    table(cobbColumns, rows, x);
    m_y += paragraph(QStringLiteral("AASCE 2019 definition: each vertebra's line joins the midpoints of its left and "
                                    "right edges; end vertebrae are the most tilted pair of each region."),
                     font(6.5), kMuted, x, m_y, w) +
           4.0;
  }

  heading(QStringLiteral("Spinal heights"), x, w);
  rows.clear();
  static const Curve heights[] = {{"height.spinal", "Spinal height, T1\u2013L5"},
                                  {"height.thoracic", "Thoracic height, T1\u2013T12"}};
  for (const auto& h : heights)
    if (const auto* m = find(m_in, h.id))
      rows.push_back({{QString::fromUtf8(h.name), q(formatValue(*m)), yes(m->edited)}, m->edited});
  if (!rows.empty()) {
    table({{QStringLiteral("Measurement"), w * 0.54, Qt::AlignLeft},
           {QStringLiteral("Value"), w * 0.25, Qt::AlignRight},
           {QStringLiteral("Corrected by hand"), w * 0.21, Qt::AlignCenter}},
          rows, x);
  }
  m_y += paragraph(scaleText(m_in) + QStringLiteral(" Body and disc heights per level: page 2."), font(6.5), kMuted, x,
                   m_y, w) +
         4.0;

  heading(QStringLiteral("Corrected by hand"), x, w);
  const std::vector<std::string> corners = editedCorners(m_in);
  const std::size_t total = landmarks(m_in) ? landmarks(m_in)->points.size() : 0;
  if (corners.empty()) {
    m_y += paragraph(QStringLiteral("Nothing: all %1 corners and every value are as placed by %2.")
                         .arg(total)
                         .arg(modelName(m_in)),
                     font(8.5), kInk, x, m_y, w) +
           4.0;
  } else {
    std::vector<std::string> values;
    for (const core::Measurement* m : orderedMeasurements(m_in.annotations))
      if (m->edited) values.push_back(m->name);
    m_y += paragraph(QStringLiteral("%1 of %2 corners moved by hand: %3.").arg(corners.size()).arg(total).arg(listed(corners)),
                     font(8.5), kInk, x, m_y, w) +
           1.5;
    m_y += paragraph(QStringLiteral("%1 recomputed from corrected corners: %2.")
                         .arg(counted(values.size(), "value"))
                         .arg(listed(values, 6)),
                     font(8.5), kInk, x, m_y, w) +
           4.0;
  }

  heading(QStringLiteral("Review"), x, w);
  OverlayStyle defaults;
  const std::vector<std::string> low = lowConfidenceCorners(m_in, defaults.lowConfidence);
  QString review = low.empty() ? QStringLiteral("No corner below confidence %1.").arg(defaults.lowConfidence)
                               : QStringLiteral("%1 below confidence %2 (orange rings): %3.")
                                     .arg(counted(low.size(), "AI corner"))
                                     .arg(defaults.lowConfidence)
                                     .arg(listed(low));
  if (!m_in.warnings.empty())
    review += QStringLiteral(" %1: page 2.").arg(counted(m_in.warnings.size(), "warning"));
  m_y += paragraph(review, font(8.5), kInk, x, m_y, w) + 2.0;
}

void ReportLayout::pageTwo() {
  newPage();
  const double w = kContentW;
  heading(QStringLiteral("Vertebral body and disc heights"), kLeft, w);
  std::vector<Row> bodies, discs;
  for (const core::Measurement* m : orderedMeasurements(m_in.annotations)) {
    if (m->id.rfind("height.body.", 0) == 0)
      bodies.push_back({{q(m->id.substr(12)), q(formatValue(*m)), yes(m->edited)}, m->edited});
    else if (m->id.rfind("height.disc.", 0) == 0)
      discs.push_back({{q(m->id.substr(12)), q(formatValue(*m)), yes(m->edited)}, m->edited});
  }
  const double half = (w - 8.0) / 2.0;
  const double top = m_y;
  table({{QStringLiteral("Vertebra"), half * 0.3, Qt::AlignLeft},
         {QStringLiteral("Body height"), half * 0.35, Qt::AlignRight},
         {QStringLiteral("Corrected by hand"), half * 0.35, Qt::AlignCenter}},
        bodies, kLeft);
  const double afterBodies = m_y;
  m_y = top;
  table({{QStringLiteral("Disc"), half * 0.3, Qt::AlignLeft},
         {QStringLiteral("Disc height"), half * 0.35, Qt::AlignRight},
         {QStringLiteral("Corrected by hand"), half * 0.35, Qt::AlignCenter}},
        discs, kLeft + half + 8.0);
  m_y = std::max(m_y, afterBodies);
  m_y += paragraph(QStringLiteral("Body height: mean of the left (tl\u2013bl) and right (tr\u2013br) side lengths. Disc height: "
                                  "mean of the left and right gaps between adjacent endplate corners. ") +
                       scaleText(m_in),
                   font(6.5), kMuted, kLeft, m_y, w) +
         5.0;

  std::vector<Row> other;
  for (const core::Measurement* m : orderedMeasurements(m_in.annotations))
    if (m->id.rfind("cobb.", 0) != 0 && m->id.rfind("height.", 0) != 0)
      other.push_back({{q(m->name), q(formatValue(*m)), q(m->provenance.source), yes(m->edited)}, m->edited});
  if (!other.empty()) {
    heading(QStringLiteral("Other measurements"), kLeft, w);
    table({{QStringLiteral("Measurement"), w * 0.45, Qt::AlignLeft},
           {QStringLiteral("Value"), w * 0.2, Qt::AlignRight},
           {QStringLiteral("Source"), w * 0.2, Qt::AlignLeft},
           {QStringLiteral("Corrected by hand"), w * 0.15, Qt::AlignCenter}},
          other, kLeft);
    m_y += 3.0;
  }

  heading(QStringLiteral("Corrected by hand"), kLeft, w);
  const std::vector<std::string> corners = editedCorners(m_in);
  std::vector<QString> lines;
  if (corners.empty()) {
    lines.push_back(QStringLiteral("No corner was moved by hand; every value is the AI's."));
  } else {
    lines.push_back(QStringLiteral("Corners moved by hand (%1): %2.").arg(corners.size()).arg(listed(corners, 68)));
    std::vector<std::string> values;
    for (const core::Measurement* m : orderedMeasurements(m_in.annotations))
      if (m->edited) values.push_back(m->name + " " + formatValue(*m));
    lines.push_back(QStringLiteral("Values computed from corrected corners (%1): %2.").arg(values.size()).arg(listed(values, 80)));
  }
  bullets(lines, kLeft, w);
  m_y += 3.0;

  heading(QStringLiteral("Model and limitations"), kLeft, w);
  lines = {QStringLiteral("Landmarks: %1 (68 vertebra corners T1\u2013L5, AASCE order tl, tr, bl, br).").arg(modelName(m_in))};
  if (!m_in.modelNote.empty()) lines.push_back(q(m_in.modelNote));
  lines.push_back(QStringLiteral("Findings must be reviewed by a qualified reader; the model may miss or misplace "
                                 "vertebrae, especially on images unlike its training data."));
  bullets(lines, kLeft, w);
  m_y += 3.0;

  heading(QStringLiteral("Warnings"), kLeft, w);
  lines.clear();
  for (const auto& warning : m_in.warnings) lines.push_back(q(warning));
  if (lines.empty()) lines.push_back(QStringLiteral("None."));
  bullets(lines, kLeft, w);
  m_y += 3.0;

  heading(QStringLiteral("Identifiers"), kLeft, w);
  const auto& g = m_in.image->geometry();
  lines = {QStringLiteral("Study Instance UID: %1").arg(orDash(m_in.study.studyUid)),
           QStringLiteral("Series Instance UID: %1").arg(orDash(m_in.series.seriesUid)),
           QStringLiteral("Image: %1 \u00D7 %2 pixels, %3").arg(g.size[0]).arg(g.size[1]).arg(orDash(m_in.series.sourceFormat))};
  if (!m_in.series.sopInstanceUids.empty())
    lines.push_back(QStringLiteral("SOP Instance UID: %1").arg(q(m_in.series.sopInstanceUids.front())));
  bullets(lines, kLeft, w);
  footer();
}

}  // namespace openrad::report
