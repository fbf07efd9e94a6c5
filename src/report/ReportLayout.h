#pragma once

#include "openrad/report/SpineReport.h"

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QString>

#include <functional>
#include <string>
#include <vector>

class QPainter;

namespace openrad::report {

/// Resolution of the PDF device (layout is in millimetres, painting in device pixels).
inline constexpr int kPdfDpi = 300;

/// Lays out the A4 AP spine report on a painter that paints into a QPdfWriter (internal to writePdfReport).
class ReportLayout {
public:
  /// Draws the radiograph with its overlay into `target` (device pixels).
  using DrawImage = std::function<void(QPainter& painter, const QRectF& target)>;

  ReportLayout(QPainter& painter, const ReportInput& input, std::string generator, std::string created);
  /// Title, patient/study header, review notice, key image, Cobb angles, spinal heights, corrections.
  void pageOne(const DrawImage& drawImage);
  /// Body and disc heights per level, other values, hand corrections in detail, model, warnings, identifiers
  /// (continues on further pages when needed).
  void pageTwo();

  struct Column {
    QString title;
    double width;  ///< mm
    int align;     ///< Qt::Alignment flags
  };
  struct Row {
    std::vector<QString> cells;
    bool highlight = false;  ///< corrected by hand: drawn in the highlight colour
  };

private:
  double px(double mm) const;
  QFont font(double points, bool bold = false) const;
  /// Draws wrapped text in [x, x + width] from y (mm); returns its height in mm.
  double paragraph(const QString& text, const QFont& font, const QColor& color, double x, double y, double width,
                   int align = 0);
  /// Height in mm of `text` wrapped to `width` mm.
  double paragraphHeight(const QString& text, const QFont& font, double width) const;
  void heading(const QString& text, double x, double width);
  void table(const std::vector<Column>& columns, const std::vector<Row>& rows, double x);
  void footer();
  void newPage();
  /// Starts a new page when `height` mm do not fit below the cursor.
  void need(double height);
  void bullets(const std::vector<QString>& lines, double x, double width);

  QPainter& m_p;
  const ReportInput& m_in;
  QString m_generator, m_created;
  int m_page = 1;
  double m_y = 0;  ///< cursor, mm from the top of the page
};

/// "DOE, Jane" from a DICOM person name "DOE^Jane".
QString personName(const std::string& dicomName);
/// "2026-03-15" from "20260315" (other text unchanged).
QString isoDate(const std::string& dicomDate);

}  // namespace openrad::report
