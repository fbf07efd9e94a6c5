#pragma once

#include "openrad/core/Study.h"

#include <QHash>
#include <QIcon>
#include <QTreeWidget>

namespace openrad::app {

/// The study browser: patient → study → series, with a thumbnail, modality, size and slice count.
class StudyBrowser : public QTreeWidget {
  Q_OBJECT

public:
  explicit StudyBrowser(QWidget* parent = nullptr);

  /// Rebuilds the tree from everything loaded so far.
  void setStudies(const core::LoadResult& loaded);
  /// Selects the row of a series without emitting seriesActivated.
  void selectSeries(const QString& seriesUid);
  /// Number of series rows.
  int seriesCount() const;

Q_SIGNALS:
  /// The user picked a series (click, double-click or Enter).
  void seriesActivated(const QString& seriesUid);

private:
  bool m_updating = false;
  QHash<const core::Image*, QIcon> m_thumbnails;  ///< rebuilt trees reuse the icons of known images
};

}  // namespace openrad::app
