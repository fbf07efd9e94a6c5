#pragma once

#include "openrad/report/Report.h"

#include <QColor>
#include <QFont>
#include <QRectF>
#include <QString>

#include <functional>
#include <string>
#include <utility>
#include <vector>

class QPainter;

namespace openrad::report {

/// Resolution of the PDF device (layout is in millimetres, painting in device pixels).
inline constexpr int kPdfDpi = 300;

/// "CT #3 'Head'" for key image captions.
std::string describeForCaption(const core::Series& series);
/// Draws `grey` (the slice of `plane`) into `target` with the generic overlays and `layers` on top (clipped).
void drawKeyImage(QPainter& painter, const QRectF& target, const QImage& grey, const ReportSeries& series,
                  const OverlayPlane& plane, const OverlayLayers& layers, const OverlayStyle& style);
/// Display aspect (width / height) of a key image, pixel spacing kept.
double keyImageAspect(const ReportInput& input, const KeyImage& key);

/// Lays out the A4 findings report on a painter that paints into a QPdfWriter (internal to writePdfReport).
class ReportLayout {
public:
  /// Draws key image `key` into `target` (device pixels).
  using DrawImage = std::function<void(QPainter& painter, const QRectF& target, const KeyImage& key)>;
  /// Display aspect (width / height) of a key image.
  using Aspect = std::function<double(const KeyImage& key)>;

  ReportLayout(QPainter& painter, const ReportInput& input, std::string generator, std::string created, QString title);
  /// Title, patient/study header, review banner with every model's note.
  void header();
  /// One module's section: heading, the first key image with the first table beside it, further key images and
  /// tables, notes.
  void section(const SectionContent& content, const DrawImage& drawImage, const Aspect& aspect);
  /// Models and limitations, warnings, identifiers, last footer.
  void closing();

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
  void heading(const QString& text, double x, double width, double size = 10.5);
  void table(const std::vector<Column>& columns, const std::vector<Row>& rows, double x);
  void reportTable(const ReportTable& t, double x, double width);
  void footer();
  void newPage();
  /// Starts a new page when `height` mm do not fit below the cursor.
  void need(double height);
  void bullets(const std::vector<QString>& lines, double x, double width);

  QPainter& m_p;
  const ReportInput& m_in;
  QString m_generator, m_created, m_title;
  int m_page = 1;
  double m_y = 0;  ///< cursor, mm from the top of the page
};

/// "DOE, Jane" from a DICOM person name "DOE^Jane".
QString personName(const std::string& dicomName);
/// "2026-03-15" from "20260315" (other text unchanged).
QString isoDate(const std::string& dicomDate);

}  // namespace openrad::report
