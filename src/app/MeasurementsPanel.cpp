#include "openrad/app/MeasurementsPanel.h"

#include "openrad/report/Report.h"

#include <QHeaderView>
#include <QLabel>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <array>

namespace openrad::app {
namespace {

constexpr int kIdRole = Qt::UserRole + 1;
constexpr int kEditedRole = Qt::UserRole + 2;

/// The group a measurement is shown under: its "group" attribute (set by its module's rule), else "Other".
QString groupOf(const core::Measurement& m) {
  const std::string g = m.attribute("group");
  return g.empty() ? QStringLiteral("Other") : QString::fromStdString(g);
}

}  // namespace


MeasurementsPanel::MeasurementsPanel(QWidget* parent) : QWidget(parent) {
  auto* layout = new QVBoxLayout(this);
  layout->setContentsMargins(4, 4, 4, 4);
  m_summary = new QLabel(this);
  m_summary->setWordWrap(true);
  layout->addWidget(m_summary);
  m_tree = new QTreeWidget(this);
  m_tree->setColumnCount(3);
  m_tree->setHeaderLabels({tr("Measurement"), tr("Value"), tr("Source")});
  m_tree->setRootIsDecorated(true);
  m_tree->setUniformRowHeights(true);
  m_tree->header()->setSectionResizeMode(0, QHeaderView::Stretch);
  // Value and source columns are sized once per rebuild (ResizeToContents re-measures on every change).
  m_tree->header()->setSectionResizeMode(1, QHeaderView::Interactive);
  m_tree->header()->setSectionResizeMode(2, QHeaderView::Interactive);
  m_tree->header()->setStretchLastSection(false);
  layout->addWidget(m_tree, 1);
  connect(m_tree, &QTreeWidget::itemActivated, this, [this](QTreeWidgetItem* item) {
    const QString id = item->data(0, kIdRole).toString();
    if (!id.isEmpty()) Q_EMIT measurementActivated(id);
  });
  setAnnotations(nullptr, 0.0);
}

void MeasurementsPanel::setAnnotations(const core::SeriesAnnotations* annotations, double lowConfidence) {
  m_tree->setUpdatesEnabled(false);
  if (!annotations || annotations->measurements.empty()) {
    m_tree->clear();
    m_items.clear();
    m_summary->setText(tr("No measurements. Open a study and run a module from the Analysis menu."));
    m_tree->setUpdatesEnabled(true);
    return;
  }
  int edited = 0;
  for (const auto& [id, m] : annotations->measurements) edited += m.edited ? 1 : 0;
  // A landmark edit changes values, not rows: update the rows in place (a rebuild costs several ms).
  bool sameRows = m_items.size() == annotations->measurements.size();
  for (const auto& [id, m] : annotations->measurements)
    if (sameRows && !m_items.count(id)) sameRows = false;
  if (sameRows) {
    for (const auto& [id, m] : annotations->measurements) fillRow(m_items.at(id), m);
  } else {
    rebuild(*annotations);
  }
  int review = 0, editedPoints = 0;
  for (const auto& [name, set] : annotations->landmarkSets)
    for (const auto& p : set.points) {
      if (p.edited) ++editedPoints;
      else if (p.confidence < lowConfidence) ++review;
    }
  QStringList summary;
  summary << tr("%n measurement(s)", nullptr, static_cast<int>(annotations->measurements.size()));
  if (editedPoints > 0) summary << tr("%n landmark(s) corrected by hand, %1 value(s) edited", nullptr, editedPoints).arg(edited);
  if (review > 0) summary << tr("<b>%n landmark(s) to review</b> (low AI confidence, ringed in the viewer)", nullptr, review);
  m_summary->setText(summary.join(QStringLiteral("; ")));
  m_tree->setUpdatesEnabled(true);
}

void MeasurementsPanel::fillRow(QTreeWidgetItem* item, const core::Measurement& m) {
  // Only touch what changed: every setText makes the view re-measure its rows.
  const auto set = [item](int column, const QString& text) {
    if (item->text(column) != text) item->setText(column, text);
  };
  // The column says only who the value is from (a narrow dock keeps room for the names); which model, in its tooltip.
  const QString model = QString::fromStdString(m.provenance.source + " " + m.provenance.modelVersion);
  const QString source = m.edited ? tr("edited") : m.provenance.source == "manual" ? tr("manual") : tr("AI");
  set(0, QString::fromStdString(m.name));
  set(1, QString::fromStdString(report::formatValue(m)));
  set(2, source);
  const QString tip = m.provenance.source == "manual" ? tr("placed by hand")
                      : m.edited                        ? tr("%1, corrected by hand").arg(model)
                                                        : model;
  if (item->toolTip(2) != tip) item->setToolTip(2, tip);
  if (item->data(0, kIdRole).toString().isEmpty()) {
    item->setData(0, kIdRole, QString::fromStdString(m.id));
    item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
    item->setToolTip(0, QString::fromStdString(m.id));
  }
  if (item->data(0, kEditedRole).isValid() && item->data(0, kEditedRole).toBool() == m.edited) return;
  item->setData(0, kEditedRole, m.edited);
  const QBrush brush = m.edited ? QBrush(QColor(255, 190, 60)) : QBrush();
  for (int c = 0; c < 3; ++c) item->setForeground(c, brush);
  QFont f = item->font(2);
  f.setItalic(m.edited);
  item->setFont(2, f);
}

void MeasurementsPanel::rebuild(const core::SeriesAnnotations& annotations) {
  // Keep which groups the user collapsed across rebuilds.
  QStringList collapsed;
  for (int i = 0; i < m_tree->topLevelItemCount(); ++i)
    if (!m_tree->topLevelItem(i)->isExpanded()) collapsed << m_tree->topLevelItem(i)->text(0);
  const bool firstFill = m_tree->topLevelItemCount() == 0;
  m_tree->clear();
  m_items.clear();
  // Groups in the order their first measurement comes (the modules' own order), "Other" last.
  std::map<QString, QTreeWidgetItem*> groups;
  QStringList order;
  const auto measurements = report::orderedMeasurements(annotations);
  for (const core::Measurement* m : measurements)
    if (!order.contains(groupOf(*m))) order << groupOf(*m);
  if (order.removeAll(QStringLiteral("Other")) > 0) order << QStringLiteral("Other");
  for (const QString& title : order) {
    auto* item = new QTreeWidgetItem(QStringList{title});
    QFont bold = item->font(0);
    bold.setBold(true);
    item->setFont(0, bold);
    groups[title] = item;
  }
  std::map<QString, int> sizes;
  for (const core::Measurement* m : measurements) {
    auto* item = new QTreeWidgetItem(groups[groupOf(*m)]);
    fillRow(item, *m);
    m_items[m->id] = item;
    ++sizes[groupOf(*m)];
  }
  for (const QString& title : order) {
    QTreeWidgetItem* item = groups[title];
    m_tree->addTopLevelItem(item);
    // Long per-level lists start collapsed; the user's choice is kept across rebuilds.
    item->setExpanded(firstFill ? sizes[title] <= 8 : !collapsed.contains(title));
  }
  m_tree->resizeColumnToContents(1);
  m_tree->resizeColumnToContents(2);
  m_tree->setColumnWidth(1, m_tree->columnWidth(1) + 16);  // room for a longer value after an edit
}

QString MeasurementsPanel::valueText(const QString& id) const {
  const auto it = m_items.find(id.toStdString());
  return it == m_items.end() ? QString() : it->second->text(1);
}

bool MeasurementsPanel::isMarkedEdited(const QString& id) const {
  const auto it = m_items.find(id.toStdString());
  return it != m_items.end() && it->second->data(0, kEditedRole).toBool();
}

}  // namespace openrad::app
