#include "ReportLayout.h"


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

ReportLayout::ReportLayout(QPainter& painter, const ReportInput& input, std::string generator, std::string created,
                           QString title)
    : m_p(painter), m_in(input), m_generator(q(generator)), m_created(q(created)), m_title(std::move(title)) {
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

void ReportLayout::heading(const QString& text, double x, double width, double size) {
  need(14.0);
  m_y += paragraph(text, font(size, true), kAccent, x, m_y, width);
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
  const QString running = QStringLiteral("%1 \u00B7 %2 \u00B7 ID %3 \u00B7 %4")
                              .arg(m_title, personName(m_in.patient.name), orDash(m_in.patient.id), isoDate(m_in.study.date));
  m_y += paragraph(running, font(7.5), kMuted, kLeft, m_y, kContentW);
  m_p.setPen(QPen(kAccent, px(0.35)));
  m_p.drawLine(QPointF(px(kLeft), px(m_y + 1.0)), QPointF(px(kRight), px(m_y + 1.0)));
  m_y += 5.0;
}

void ReportLayout::need(double height) {
  if (m_y + height > kBottom) newPage();
}

void ReportLayout::header() {
  m_y = kTop;
  const double titleH = paragraph(m_title, font(16, true), kAccent, kLeft, m_y, kContentW * 0.8);
  paragraph(m_generator, font(7.5), kMuted, kLeft + kContentW * 0.8, m_y + 2.5, kContentW * 0.2, Qt::AlignRight);
  m_y += titleH + 1.5;
  m_p.setPen(QPen(kAccent, px(0.5)));
  m_p.drawLine(QPointF(px(kLeft), px(m_y)), QPointF(px(kRight), px(m_y)));
  m_y += 3.0;

  // Patient and study.
  const auto& pt = m_in.patient;
  const auto& st = m_in.study;
  QString studyDate = isoDate(st.date);
  if (!st.time.empty() && !st.date.empty()) studyDate += QStringLiteral("  ") + timeText(st.time);
  QStringList seriesText;
  for (const ReportSeries& s : m_in.series) {
    const auto& se = s.series->info;
    QString text = QStringLiteral("#%1 %2").arg(se.seriesNumber).arg(q(se.modality));
    if (!se.viewPosition.empty()) text += QStringLiteral(" %1").arg(q(se.viewPosition));
    if (!se.description.empty()) text += QStringLiteral(" \u00B7 ") + q(se.description);
    seriesText << text;
  }
  std::vector<std::pair<QString, QString>> left = {{QStringLiteral("Patient"), personName(pt.name)},
                                                   {QStringLiteral("Patient ID"), orDash(pt.id)},
                                                   {QStringLiteral("Birth date"), isoDate(pt.birthDate)},
                                                   {QStringLiteral("Sex"), sexText(pt.sex)}};
  std::vector<std::pair<QString, QString>> right = {{QStringLiteral("Study date"), studyDate},
                                                    {QStringLiteral("Accession"), orDash(st.accessionNumber)},
                                                    {QStringLiteral("Study"), orDash(st.description)},
                                                    {QStringLiteral("Series"), seriesText.join(QStringLiteral("; "))}};
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

  // Review banner: every model's own note.
  QString notice = QStringLiteral("Review required. ");
  for (const auto& [id, note] : m_in.modelNotes) notice += q(note) + QStringLiteral(" ");
  notice += QStringLiteral("Findings and values are AI output and must be checked by a qualified reader before any "
                           "clinical use.");
  const double pad = 2.2, noticeW = kContentW - 2 * pad;
  const double noticeH = paragraphHeight(notice, font(8), noticeW) + 2 * pad;
  m_p.setPen(QPen(kNoticeBorder, px(0.3)));
  m_p.setBrush(kNoticeFill);
  m_p.drawRect(QRectF(px(kLeft), px(m_y), px(kContentW), px(noticeH)));
  m_p.setBrush(Qt::NoBrush);
  paragraph(notice, font(8), kInk, kLeft + pad, m_y + pad, noticeW);
  m_y += noticeH + 4.0;
}

void ReportLayout::reportTable(const ReportTable& t, double x, double width) {
  if (!t.title.empty()) heading(q(t.title), x, width, 9.5);
  double total = 0;
  for (const auto& c : t.columns) total += c.weight;
  std::vector<Column> columns;
  for (const auto& c : t.columns)
    columns.push_back({q(c.title), width * c.weight / std::max(total, 1e-9),
                       c.align == 1 ? int(Qt::AlignRight) : c.align == 2 ? int(Qt::AlignCenter) : int(Qt::AlignLeft)});
  std::vector<Row> rows;
  for (std::size_t r = 0; r < t.rows.size(); ++r) {
    Row row;
    for (const auto& cell : t.rows[r]) row.cells.push_back(q(cell));
    row.highlight = r < t.highlight.size() && t.highlight[r];
    rows.push_back(std::move(row));
  }
  if (rows.empty())
    m_y += paragraph(QStringLiteral("None."), font(8.5), kInk, x, m_y, width) + 2.0;
  else
    table(columns, rows, x);
  if (!t.footnote.empty()) m_y += paragraph(q(t.footnote), font(6.5), kMuted, x, m_y, width) + 1.0;
  m_y += 3.0;
}

void ReportLayout::section(const SectionContent& content, const DrawImage& drawImage, const Aspect& aspect) {
  need(60.0);
  if (q(content.title) != m_title) heading(q(content.title), kLeft, kContentW, 12.0);  // a one-module report: its title
  std::size_t nextTable = 0;
  for (std::size_t k = 0; k < content.keyImages.size(); ++k) {
    const KeyImage& key = content.keyImages[k];
    const double a = std::max(0.05, aspect(key));
    const bool beside = k == 0 && !content.tables.empty();
    const double maxW = beside ? 84.0 : kContentW;
    const double wanted = beside ? kBottom - m_y - 12.0 : 120.0;
    if (wanted < 60.0 || m_y + std::min(wanted, maxW / a) + 12.0 > kBottom) newPage();
    double imageH = std::min(kBottom - m_y - 12.0, beside ? 250.0 : 120.0);
    double imageW = imageH * a;
    if (imageW > maxW) {
      imageW = maxW;
      imageH = imageW / a;
    }
    const double imageTop = m_y;
    const QRectF target(px(kLeft), px(imageTop), px(imageW), px(imageH));
    m_p.fillRect(target, Qt::black);
    drawImage(m_p, target, key);
    m_p.setPen(QPen(kRule, px(0.25)));
    m_p.drawRect(target);
    const double captionH = paragraph(q(key.caption), font(6.5), kMuted, kLeft, imageTop + imageH + 1.2, imageW);
    const double below = imageTop + imageH + captionH + 4.0;
    if (beside) {
      // The first tables sit in the column beside the image while they fit there.
      const double x = kLeft + imageW + 7.0, w = kRight - x;
      const int page = m_page;
      while (nextTable < content.tables.size() && m_page == page && m_y < below - 20.0) {
        reportTable(content.tables[nextTable++], x, w);
      }
      if (m_page == page) m_y = std::max(m_y, below);
    } else {
      m_y = below;
    }
  }
  for (; nextTable < content.tables.size(); ++nextTable) reportTable(content.tables[nextTable], kLeft, kContentW);
  std::vector<QString> lines;
  for (const auto& n : content.notes) lines.push_back(q(n));
  if (!lines.empty()) bullets(lines, kLeft, kContentW);
  m_y += 4.0;
}

void ReportLayout::closing() {
  const double w = kContentW;
  heading(QStringLiteral("Models and limitations"), kLeft, w);
  std::vector<QString> lines;
  for (const auto& [id, note] : m_in.modelNotes) lines.push_back(q(note));
  lines.push_back(QStringLiteral("Findings must be reviewed by a qualified reader; a model may miss or misplace "
                                 "structures, especially on images unlike its training data."));
  bullets(lines, kLeft, w);
  m_y += 3.0;

  heading(QStringLiteral("Warnings"), kLeft, w);
  lines.clear();
  for (const auto& warning : m_in.warnings) lines.push_back(q(warning));
  for (const ReportSeries& s : m_in.series)
    for (const auto& [module, warnings] : s.annotations.warnings)
      for (const auto& warning : warnings) lines.push_back(q(module + ": " + warning));
  if (lines.empty()) lines.push_back(QStringLiteral("None."));
  bullets(lines, kLeft, w);
  m_y += 3.0;

  heading(QStringLiteral("Identifiers"), kLeft, w);
  lines = {QStringLiteral("Study Instance UID: %1").arg(orDash(m_in.study.studyUid))};
  for (const ReportSeries& s : m_in.series) {
    const auto& info = s.series->info;
    const auto& g = s.series->image->geometry();
    QString size = QStringLiteral("%1 \u00D7 %2").arg(g.size[0]).arg(g.size[1]);
    if (!g.is2D()) size += QStringLiteral(" \u00D7 %1").arg(g.size[2]);
    lines.push_back(QStringLiteral("Series #%1 (%2, %3): Series Instance UID %4")
                        .arg(info.seriesNumber)
                        .arg(size, orDash(info.sourceFormat), orDash(info.seriesUid)));
    if (!info.sopInstanceUids.empty())
      lines.push_back(QStringLiteral("  first SOP Instance UID: %1").arg(q(info.sopInstanceUids.front())));
  }
  bullets(lines, kLeft, w);
  footer();
}

}  // namespace openrad::report
