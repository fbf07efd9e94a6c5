#include "openrad/app/StudyBrowser.h"

#include "openrad/app/SliceRenderer.h"
#include "openrad/app/WindowLevel.h"

#include <QHeaderView>
#include <QPixmap>
#include <QSet>
#include <QStyle>

namespace openrad::app {
namespace {

constexpr int kUidRole = Qt::UserRole + 1;
constexpr int kThumbnail = 48;

QString text(const std::string& s, const QString& fallback = {}) {
  return s.empty() ? fallback : QString::fromStdString(s);
}

QString date(const std::string& yyyymmdd) {
  if (yyyymmdd.size() != 8) return QString::fromStdString(yyyymmdd);
  return QString::fromStdString(yyyymmdd.substr(0, 4) + "-" + yyyymmdd.substr(4, 2) + "-" + yyyymmdd.substr(6, 2));
}

}  // namespace

StudyBrowser::StudyBrowser(QWidget* parent) : QTreeWidget(parent) {
  setColumnCount(3);
  setHeaderLabels({tr("Name"), tr("Modality"), tr("Size")});
  setIconSize(QSize(kThumbnail, kThumbnail));
  setRootIsDecorated(true);
  setUniformRowHeights(false);
  setAlternatingRowColors(true);
  setSelectionMode(QAbstractItemView::SingleSelection);
  header()->setStretchLastSection(false);
  header()->setSectionResizeMode(0, QHeaderView::Stretch);
  for (int c = 1; c < 3; ++c) header()->setSectionResizeMode(c, QHeaderView::ResizeToContents);

  auto activate = [this](QTreeWidgetItem* item) {
    if (m_updating || !item) return;
    const QString uid = item->data(0, kUidRole).toString();
    if (!uid.isEmpty()) Q_EMIT seriesActivated(uid);
  };
  connect(this, &QTreeWidget::itemActivated, this, [activate](QTreeWidgetItem* item, int) { activate(item); });
  connect(this, &QTreeWidget::currentItemChanged, this, [activate](QTreeWidgetItem* item, QTreeWidgetItem*) { activate(item); });
}

void StudyBrowser::setStudies(const core::LoadResult& loaded) {
  m_updating = true;
  const QString current = currentItem() ? currentItem()->data(0, kUidRole).toString() : QString();
  clear();
  QSet<const core::Image*> alive;
  for (const core::Patient& patient : loaded.patients) {
    QString name = text(patient.info.name, tr("(no name)"));
    name.replace('^', ' ');
    auto* patientItem = new QTreeWidgetItem(this);
    patientItem->setText(0, patient.info.id.empty() ? name.simplified()
                                                    : QStringLiteral("%1  [%2]").arg(name.simplified(), text(patient.info.id)));
    QFont bold = patientItem->font(0);
    bold.setBold(true);
    patientItem->setFont(0, bold);
    patientItem->setFirstColumnSpanned(false);
    for (const core::Study& study : patient.studies) {
      auto* studyItem = new QTreeWidgetItem(patientItem);
      QString label = date(study.info.date);
      if (!study.info.description.empty()) label += (label.isEmpty() ? "" : "  ") + text(study.info.description);
      if (label.isEmpty()) label = tr("Study");
      studyItem->setText(0, label);
      studyItem->setToolTip(0, tr("Study UID %1\nAccession %2")
                                   .arg(text(study.info.studyUid), text(study.info.accessionNumber, tr("-"))));
      for (const auto& series : study.series) {
        if (!series || !series->image) continue;
        const core::SeriesInfo& info = series->info;
        const core::Geometry& g = series->image->geometry();
        auto* item = new QTreeWidgetItem(studyItem);
        QString title = info.seriesNumber != 0 ? QStringLiteral("%1: ").arg(info.seriesNumber) : QString();
        title += text(info.description, text(info.viewPosition, tr("(no description)")));
        item->setText(0, title);
        item->setText(1, text(info.modality, tr("OT")));
        item->setText(2, g.is2D() ? QStringLiteral("%1\u00D7%2").arg(g.size[0]).arg(g.size[1])
                                  : QStringLiteral("%1\u00D7%2\u00D7%3").arg(g.size[0]).arg(g.size[1]).arg(g.size[2]));
        item->setData(0, kUidRole, QString::fromStdString(info.seriesUid));
        const core::Image* key = series->image.get();
        auto icon = m_thumbnails.find(key);
        if (icon == m_thumbnails.end())
          icon = m_thumbnails.insert(key, QIcon(QPixmap::fromImage(
                                              renderThumbnail(*series->image, defaultWindowLevel(*series), kThumbnail))));
        item->setIcon(0, *icon);
        alive.insert(key);
        QString tip = tr("%1 (%2)\nSeries UID %3\nSpacing %4 \u00D7 %5 \u00D7 %6 mm%7")
                          .arg(text(info.sourceFormat), QString::fromStdString(core::pixelTypeName(series->image->pixelType())),
                               text(info.seriesUid))
                          .arg(g.spacing.x(), 0, 'g', 4)
                          .arg(g.spacing.y(), 0, 'g', 4)
                          .arg(g.spacing.z(), 0, 'g', 4)
                          .arg(g.spacingKnown ? QString() : tr(" (unknown: px)"));
        for (const std::string& problem : info.problems) tip += "\n\u26A0 " + QString::fromStdString(problem);
        item->setToolTip(0, tip);
        if (!info.problems.empty()) {
          // Missing slices or uneven spacing change every measurement on the volume: shown, not only in the tooltip.
          item->setForeground(0, QColor(220, 160, 40));
          item->setIcon(1, style()->standardIcon(QStyle::SP_MessageBoxWarning));
          item->setToolTip(1, tip);
        }
      }
    }
  }
  // Forget icons of images no longer loaded (their addresses may be reused).
  for (auto it = m_thumbnails.begin(); it != m_thumbnails.end();)
    it = alive.contains(it.key()) ? std::next(it) : m_thumbnails.erase(it);
  expandAll();
  m_updating = false;
  if (!current.isEmpty()) selectSeries(current);
}

void StudyBrowser::selectSeries(const QString& seriesUid) {
  m_updating = true;
  QTreeWidgetItemIterator it(this);
  for (; *it; ++it) {
    if ((*it)->data(0, kUidRole).toString() == seriesUid) {
      setCurrentItem(*it);
      scrollToItem(*it);
      break;
    }
  }
  m_updating = false;
}

int StudyBrowser::seriesCount() const {
  int count = 0;
  QTreeWidgetItemIterator it(const_cast<StudyBrowser*>(this));
  for (; *it; ++it)
    if (!(*it)->data(0, kUidRole).toString().isEmpty()) ++count;
  return count;
}

}  // namespace openrad::app
