#pragma once

#include "openrad/core/Annotations.h"

#include <QWidget>

#include <map>
#include <string>

class QLabel;
class QTreeWidget;
class QTreeWidgetItem;

namespace openrad::app {

/// The measurements of the shown series, grouped by the "group" their rules give them ("Other" last),
/// with their source (AI model and version, or "edited" when a hand-moved landmark feeds them) and the
/// number of landmarks awaiting review (low AI confidence, not yet edited).
class MeasurementsPanel : public QWidget {
  Q_OBJECT

public:
  explicit MeasurementsPanel(QWidget* parent = nullptr);

  /// Shows the annotations of a series (nullptr or empty: a hint how to get measurements).
  void setAnnotations(const core::SeriesAnnotations* annotations, double lowConfidence);
  /// The value column text of a measurement id ("" when not shown), e.g. "23.4°".
  QString valueText(const QString& id) const;
  /// True when the row of a measurement id is marked edited.
  bool isMarkedEdited(const QString& id) const;
  /// The tree (for tests).
  QTreeWidget* tree() const { return m_tree; }

Q_SIGNALS:
  /// The user picked a measurement row.
  void measurementActivated(const QString& id);

private:
  void rebuild(const core::SeriesAnnotations& annotations);
  void fillRow(QTreeWidgetItem* item, const core::Measurement& measurement);

  QTreeWidget* m_tree = nullptr;
  std::map<std::string, QTreeWidgetItem*> m_items;  ///< measurement id → its row
  QLabel* m_summary = nullptr;
};

}  // namespace openrad::app
