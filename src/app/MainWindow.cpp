#include "openrad/app/MainWindow.h"

#include "openrad/app/AnalysisRunner.h"
#include "openrad/app/AnnotatedSliceView.h"
#include "openrad/app/DocumentAdapter.h"
#include "openrad/app/MeasurementsPanel.h"
#include "openrad/app/SessionManager.h"
#include "openrad/app/SliceView.h"
#include "openrad/app/StudyBrowser.h"
#include "openrad/app/StudyLoader.h"
#include "openrad/app/VolumeView.h"
#include "openrad/core/Commands.h"
#include "openrad/io/LabelOverlay.h"
#include "openrad/report/Report.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QMimeData>
#include <QOpenGLWidget>
#include <QPainter>
#include <QPixmap>
#include <QProgressBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>

#include <algorithm>
#include <array>
#include <cmath>
#include <optional>

namespace openrad::app {
namespace {

constexpr int kMaxRecent = 10;
const char* const kRecentKey = "recentStudies";

}  // namespace

MainWindow::MainWindow(QWidget* parent) : MainWindow(Options{}, parent) {}

MainWindow::MainWindow(const Options& options, QWidget* parent)
    : QMainWindow(parent),
      m_options(options),
      m_registry(options.registry ? options.registry : std::make_shared<const modules::Registry>(modules::Registry::builtIn())) {
  setWindowTitle(tr("OpenRad"));
  setAcceptDrops(true);
  m_documentAdapter = new DocumentAdapter(m_document, this);
  m_loader = new StudyLoader(this);
  m_analysis = new AnalysisRunner(m_registry, options.modelsRoot, this);
  // Every module's measurement rules run in the Document, after each command and before any observer.
  m_registry->installRules(m_document);
  m_sessions = std::make_unique<SessionManager>(
      m_document,
      (options.sessionsRoot.isEmpty() ? QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) + "/sessions"
                                      : options.sessionsRoot)
          .toStdString(),
      [this](const std::string& message) { statusBar()->showMessage(QString::fromStdString(message), 15000); });
  buildUi();
  buildMenus();
  connect(m_loader, &StudyLoader::finished, this, &MainWindow::onLoadFinished);
  connect(m_loader, &StudyLoader::progress, this, [this](double fraction, const QString& text) {
    m_progress->setValue(static_cast<int>(fraction * 1000.0));
    m_progressLabel->setText(text);
  });
  connect(m_documentAdapter, &DocumentAdapter::undoStateChanged, this, [this] { updateUndoActions(); });
  connect(m_documentAdapter, &DocumentAdapter::changed, m_sliceView, &AnnotatedSliceView::documentChanged);
  connect(m_documentAdapter, &DocumentAdapter::changed, this, [this](const core::ChangeSet& changes) {
    if (changes.reset || changes.seriesUid.empty() || QString::fromStdString(changes.seriesUid) == m_shownSeries) {
      refreshMeasurements();
      if (changes.reset || changes.labelMaps) rebuildLabelMenu();  // a restored session or a new map brings labels
    }
  });
  connect(m_analysis, &AnalysisRunner::finished, this, &MainWindow::onAnalysisFinished);
  connect(m_analysis, &AnalysisRunner::progress, this, [this](double fraction, const QString& text) {
    m_analysisProgress->setValue(static_cast<int>(fraction * 1000.0));
    m_analysisLabel->setText(text);
  });
  updateUndoActions();
}

MainWindow::~MainWindow() {
  // Children are deleted by ~QWidget, after m_document is gone: detach the adapter first.
  delete m_documentAdapter;
  m_documentAdapter = nullptr;
  m_queue.clear();
  m_loader->cancel();
  m_loader->wait();
  m_analysis->cancel();
  m_analysis->wait();
}

void MainWindow::buildUi() {
  m_sliceView = new AnnotatedSliceView(m_document, m_registry->presentations(), this);
  setCentralWidget(m_sliceView);

  m_browser = new StudyBrowser(this);
  m_browserDock = new QDockWidget(tr("Studies"), this);
  m_browserDock->setObjectName("studiesDock");
  m_browserDock->setWidget(m_browser);
  addDockWidget(Qt::LeftDockWidgetArea, m_browserDock);
  connect(m_browser, &StudyBrowser::seriesActivated, this, &MainWindow::showSeries);

  if (m_options.volumeView) {
    m_volumeView = new VolumeView(this);
    m_volumeDock = new QDockWidget(tr("3D"), this);
    m_volumeDock->setObjectName("volumeDock");
    m_volumeDock->setWidget(m_volumeView);
    addDockWidget(Qt::RightDockWidgetArea, m_volumeDock);
    connect(m_sliceView, &SliceView::windowLevelChanged, m_volumeView, &VolumeView::setPlaneWindowLevel);
    resizeDocks({m_browserDock, m_volumeDock}, {330, 480}, Qt::Horizontal);
  } else {
    resizeDocks({m_browserDock}, {330}, Qt::Horizontal);
  }

  m_measurements = new MeasurementsPanel(this);
  m_measurementsDock = new QDockWidget(tr("Measurements"), this);
  m_measurementsDock->setObjectName("measurementsDock");
  m_measurementsDock->setWidget(m_measurements);
  addDockWidget(Qt::RightDockWidgetArea, m_measurementsDock);
  if (m_volumeDock) splitDockWidget(m_volumeDock, m_measurementsDock, Qt::Vertical);
  else resizeDocks({m_measurementsDock}, {420}, Qt::Horizontal);  // alone on the right: room for the names

  m_cursorLabel = new QLabel(this);
  m_cursorLabel->setMinimumWidth(300);
  statusBar()->addWidget(m_cursorLabel, 1);
  connect(m_sliceView, &SliceView::cursorTextChanged, m_cursorLabel, &QLabel::setText);

  m_progressLabel = new QLabel(this);
  m_progress = new QProgressBar(this);
  m_progress->setRange(0, 1000);
  m_progress->setMaximumWidth(220);
  m_progress->setTextVisible(false);
  m_cancel = new QPushButton(tr("Cancel"), this);
  m_cancel->setToolTip(tr("Stop loading; what has loaded stays open"));
  connect(m_cancel, &QPushButton::clicked, this, [this] {
    m_queue.clear();
    m_loader->cancel();
    m_progressLabel->setText(tr("Cancelling…"));
  });
  m_analysisLabel = new QLabel(this);
  m_analysisProgress = new QProgressBar(this);
  m_analysisProgress->setRange(0, 1000);
  m_analysisProgress->setMaximumWidth(160);
  m_analysisProgress->setTextVisible(false);
  m_analysisCancel = new QPushButton(tr("Stop Analysis"), this);
  m_analysisCancel->setToolTip(tr("Stop the AI analysis; nothing is changed"));
  connect(m_analysisCancel, &QPushButton::clicked, m_analysis, &AnalysisRunner::cancel);
  statusBar()->addPermanentWidget(m_analysisLabel);
  statusBar()->addPermanentWidget(m_analysisProgress);
  statusBar()->addPermanentWidget(m_analysisCancel);
  m_analysisLabel->hide();
  m_analysisProgress->hide();
  m_analysisCancel->hide();
  statusBar()->addPermanentWidget(m_progressLabel);
  statusBar()->addPermanentWidget(m_progress);
  statusBar()->addPermanentWidget(m_cancel);
  m_progressLabel->hide();
  m_progress->hide();
  m_cancel->hide();
}

void MainWindow::buildMenus() {
  QMenu* file = menuBar()->addMenu(tr("&File"));
  QAction* openFile = file->addAction(tr("&Open File…"), this, [this] {
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Open images"), QString(),
        tr("Medical images (*.dcm *.DCM *.nii *.nii.gz *.png *.jpg *.jpeg *.tif *.tiff DICOMDIR);;All files (*)"));
    if (!files.isEmpty()) openPaths(files);
  });
  openFile->setShortcut(QKeySequence::Open);
  QAction* openFolder = file->addAction(tr("Open &Folder…"), this, [this] {
    const QString folder = QFileDialog::getExistingDirectory(this, tr("Open a folder of DICOM files"));
    if (!folder.isEmpty()) openPaths({folder});
  });
  openFolder->setShortcut(QKeySequence(tr("Ctrl+Shift+O")));
  m_recentMenu = file->addMenu(tr("&Recent Studies"));
  rebuildRecentMenu();
  file->addSeparator();
  QAction* closeAllAction = file->addAction(tr("&Close All Studies"), this, &MainWindow::closeAll);
  closeAllAction->setShortcut(QKeySequence(tr("Ctrl+W")));
  file->addSeparator();
  QAction* quit = file->addAction(tr("&Quit"), this, &QWidget::close);
  quit->setShortcut(QKeySequence::Quit);

  QMenu* edit = menuBar()->addMenu(tr("&Edit"));
  m_undo = edit->addAction(tr("&Undo"), m_documentAdapter, &DocumentAdapter::undo);
  m_undo->setShortcut(QKeySequence(tr("Ctrl+Z")));
  m_redo = edit->addAction(tr("&Redo"), m_documentAdapter, &DocumentAdapter::redo);
  m_redo->setShortcuts({QKeySequence(tr("Ctrl+Shift+Z")), QKeySequence(tr("Ctrl+Y"))});

  QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
  m_analyseAction = analysis->addAction(tr("&Analyse Shown Series"), this, [this] { analyseShownSeries(); });
  m_analyseAction->setShortcut(QKeySequence(tr("Ctrl+Shift+A")));
  m_analyseAction->setStatusTip(tr("Run the first AI module that applies to the shown series"));
  analysis->addSeparator();
  // One entry per registered module: the menu never names a module itself.
  for (const modules::Module& m : m_registry->modules()) {
    QAction* action = analysis->addAction(QString::fromStdString(m.name), this,
                                          [this, id = m.id] { analyseShownSeries(QString::fromStdString(id)); });
    action->setStatusTip(QString::fromStdString(m.description));
    m_moduleActions.emplace_back(action, m.id);
  }
  analysis->addSeparator();
  analysis->addAction(tr("&Stop Analysis"), m_analysis, &AnalysisRunner::cancel);
  QAction* deleteBox = analysis->addAction(tr("&Delete Selected Box"), m_sliceView, &AnnotatedSliceView::deleteSelectedBox);
  deleteBox->setShortcut(QKeySequence::Delete);
  deleteBox->setShortcutContext(Qt::WidgetWithChildrenShortcut);
  QAction* accept = analysis->addAction(tr("&Accept Finding of Selected Box"), this,
                                        [this] { m_sliceView->reviewSelectedBox(QStringLiteral("accepted")); });
  accept->setShortcut(QKeySequence(tr("Ctrl+Shift+Y")));
  accept->setStatusTip(tr("Mark the finding of the selected box as accepted (again: clear the verdict)"));
  QAction* reject = analysis->addAction(tr("Re&ject Finding of Selected Box"), this,
                                        [this] { m_sliceView->reviewSelectedBox(QStringLiteral("rejected")); });
  reject->setShortcut(QKeySequence(tr("Ctrl+Shift+N")));
  reject->setStatusTip(tr("Mark the finding of the selected box as rejected: it stays visible, grey, and is left out of "
                          "the report's findings (again: clear the verdict)"));
  analysis->addSeparator();
  m_exportAction = analysis->addAction(tr("&Export Findings (PDF, CSV, JSON, NIfTI)…"), this,
                                       &MainWindow::exportFindingsInteractively);
  m_exportAction->setShortcut(QKeySequence(tr("Ctrl+E")));

  QMenu* view = menuBar()->addMenu(tr("&View"));
  QMenu* windows = view->addMenu(tr("&Window/Level"));
  for (const WindowLevelPreset& preset : ctWindowLevelPresets()) {
    const WindowLevel wl = preset.value;
    QAction* action = windows->addAction(
        tr("%1 (W %2 / L %3)").arg(QString::fromStdString(preset.name)).arg(wl.window).arg(wl.level), this,
        [this, wl] { applyWindowLevel(wl); });
    action->setShortcut(QKeySequence(QString::fromStdString(preset.shortcut)));
  }
  windows->addSeparator();
  QAction* autoWindow = windows->addAction(tr("&Auto (MR, radiographs: 0.5–99.5 %)"), this, [this] {
    if (const auto& series = m_sliceView->series(); series && series->image) applyWindowLevel(autoWindowLevel(*series->image));
  });
  autoWindow->setShortcut(QKeySequence(tr("F6")));
  QAction* defaultWindow = windows->addAction(tr("&Default of the Series"), this, [this] {
    if (const auto& series = m_sliceView->series()) applyWindowLevel(defaultWindowLevel(*series));
  });
  defaultWindow->setShortcut(QKeySequence(tr("F7")));

  QMenu* planes = view->addMenu(tr("&Plane"));
  const std::array<std::pair<QString, int>, 3> planeItems{
      {{tr("&Axial"), 2}, {tr("&Coronal"), 1}, {tr("&Sagittal"), 0}}};
  int planeKey = 1;
  for (const auto& [label, lpsAxis] : planeItems) {
    QAction* action = planes->addAction(label, this, [this, axis = lpsAxis] { m_sliceView->setAnatomicalPlane(axis); });
    action->setShortcut(QKeySequence(QStringLiteral("Ctrl+%1").arg(planeKey++)));
  }
  view->addAction(tr("&Reset 2D View"), m_sliceView, &SliceView::resetView);
  QMenu* overlays = view->addMenu(tr("&Overlays"));
  const auto styleToggle = [this, overlays](const QString& text, bool checked, auto apply) {
    QAction* action = overlays->addAction(text);
    action->setCheckable(true);
    action->setChecked(checked);
    connect(action, &QAction::toggled, this, [this, apply](bool on) {
      report::LabelMapStyle style = m_sliceView->labelStyle();
      apply(style, on);
      m_sliceView->setLabelStyle(style);
    });
    return action;
  };
  styleToggle(tr("&Fill Label Maps"), true, [](report::LabelMapStyle& s, bool on) { s.fill = on; })
      ->setShortcut(QKeySequence(tr("Ctrl+Shift+F")));
  styleToggle(tr("&Outline Label Maps"), true, [](report::LabelMapStyle& s, bool on) { s.outline = on; });
  QMenu* opacity = overlays->addMenu(tr("Label &Opacity"));
  for (int percent : {20, 40, 60, 80}) {
    opacity->addAction(tr("%1 %").arg(percent), this, [this, percent] {
      report::LabelMapStyle style = m_sliceView->labelStyle();
      style.opacity = percent / 100.0;
      m_sliceView->setLabelStyle(style);
    });
  }
  m_labelMenu = overlays->addMenu(tr("&Labels"));
  rebuildLabelMenu();

  if (m_volumeView) {
    view->addSeparator();
    QMenu* volume = view->addMenu(tr("3D &Rendering"));
    auto* group = new QActionGroup(this);
    const std::array<std::pair<QString, render::VolumeScene::Preset>, 3> presets{
        {{tr("CT &Bone"), render::VolumeScene::Preset::CtBone},
         {tr("CT &Soft Tissue"), render::VolumeScene::Preset::CtSoftTissue},
         {tr("&Generic (MR)"), render::VolumeScene::Preset::Generic}}};
    for (const auto& [label, preset] : presets) {
      QAction* action = volume->addAction(label, this, [this, p = preset] { m_volumeView->setPreset(p); });
      action->setCheckable(true);
      action->setChecked(preset == render::VolumeScene::Preset::CtBone);
      group->addAction(action);
      m_presetActions.emplace_back(action, static_cast<int>(preset));
    }
    volume->addSeparator();
    volume->addAction(tr("Reset &Camera"), m_volumeView, &VolumeView::resetCamera);
  }
  view->addSeparator();
  view->addAction(m_browserDock->toggleViewAction());
  view->addAction(m_measurementsDock->toggleViewAction());
  if (m_volumeDock) view->addAction(m_volumeDock->toggleViewAction());

  QMenu* help = menuBar()->addMenu(tr("&Help"));
  help->addAction(tr("&Mouse and Keys"), this, [this] {
    QMessageBox::information(
        this, tr("Mouse and keys"),
        tr("2D viewer:\n"
           "  Wheel, Up/Down, PageUp/PageDown, Home/End: scroll slices\n"
           "  Right-drag: window (left/right) and level (up/down)\n"
           "  Left-drag: pan;  Middle-drag or Ctrl+wheel: zoom\n"
           "  R: reset zoom, pan and window\n"
           "  Landmarks: drag a corner handle to correct it (Esc cancels the drag); Ctrl+Z / Ctrl+Shift+Z\n"
           "  Boxes: drag to move, drag a corner to resize, Delete removes the selected box, Shift+drag draws one;\n"
           "    Ctrl+Shift+Y / Ctrl+Shift+N accept / reject the finding of the selected box\n"
           "  Ctrl+Shift+A: analyse the shown series;  Ctrl+E: export PDF/CSV/JSON/NIfTI\n"
           "  F2–F5: CT presets;  F6: automatic window;  Ctrl+1/2/3: axial/coronal/sagittal\n\n"
           "3D view:\n  Left-drag rotate, right-drag or wheel zoom, middle-drag pan, R reset"));
  });
  help->addAction(tr("&About OpenRad"), this, [this] {
    QMessageBox::about(this, tr("About OpenRad"),
                       tr("OpenRad %1 — open-source spine and head imaging workstation.\n"
                          "Not for primary diagnosis unless validated locally.")
                           .arg(QApplication::applicationVersion()));
  });
}

void MainWindow::openPaths(const QStringList& paths) {
  if (paths.isEmpty()) return;
  m_queue.append(paths);
  if (m_options.rememberRecent) rememberRecent(paths);
  if (!m_loader->isRunning()) startNextLoad();
}

bool MainWindow::isLoading() const { return m_loader->isRunning() || !m_queue.isEmpty(); }

void MainWindow::startNextLoad() {
  if (m_queue.isEmpty() || m_loader->isRunning()) return;
  const QStringList paths = m_queue;
  if (!m_loader->start(paths)) return;
  m_queue.clear();
  m_progress->setValue(0);
  m_progressLabel->setText(tr("Opening…"));
  m_progressLabel->show();
  m_progress->show();
  m_cancel->show();
}

void MainWindow::onLoadFinished() {
  LoadOutcome outcome = m_loader->takeOutcome();
  const bool more = !m_queue.isEmpty();
  m_lastProblems.clear();
  for (const core::LoadIssue& issue : outcome.result.issues)
    m_lastProblems << QStringLiteral("%1: %2").arg(QString::fromStdString(issue.file), QString::fromStdString(issue.message));
  const std::size_t seriesCount = outcome.result.allSeries().size();
  reportProblems(outcome);
  // One session per study, keyed by its UID: its saved annotations are read off the GUI thread and come back into
  // the document (and the view) as soon as they are read; loadFinished waits for them.
  m_sessions->open(outcome.result);
  addLoadResult(std::move(outcome.result));
  if (!m_loaded.patients.empty()) m_analysis->preload();  // models ready before the Analysis menu asks them
  if (more) {
    startNextLoad();
    return;
  }
  m_progressLabel->hide();
  m_progress->hide();
  m_cancel->hide();
  QString message = outcome.cancelled ? tr("Loading cancelled; %n series kept", nullptr, int(seriesCount))
                                      : tr("Loaded %n series", nullptr, int(seriesCount));
  if (!m_lastProblems.isEmpty())
    message += tr("; %n file(s) skipped or with warnings, first: %1", nullptr, int(m_lastProblems.size()))
                   .arg(m_lastProblems.front());
  statusBar()->showMessage(message, m_lastProblems.isEmpty() ? 5000 : 20000);
  m_sessions->whenDone([this] { Q_EMIT loadFinished(); });
}

void MainWindow::reportProblems(const LoadOutcome& outcome) {
  if (outcome.result.issues.empty() || !m_options.errorDialogs) return;
  int errors = 0;
  QStringList lines;
  for (const core::LoadIssue& issue : outcome.result.issues) {
    if (issue.severity == core::LoadIssue::Severity::Error) ++errors;
    lines << QStringLiteral("%1 %2\n    %3")
                 .arg(issue.severity == core::LoadIssue::Severity::Error ? tr("Error:") : tr("Warning:"),
                      QString::fromStdString(issue.file), QString::fromStdString(issue.message));
  }
  if (errors == 0) return;  // warnings only (skipped non-image files): the status bar says so, no dialog
  auto* box = new QMessageBox(errors > 0 ? QMessageBox::Warning : QMessageBox::Information, tr("Loading problems"),
                              errors > 0 ? tr("%n file(s) could not be loaded. Everything else that loaded is open.",
                                              nullptr, errors)
                                         : tr("The images loaded with warnings."),
                              QMessageBox::Ok, this);
  QStringList preview = lines.mid(0, 4);
  if (lines.size() > 4) preview << tr("… and %1 more (see details)").arg(lines.size() - 4);
  box->setInformativeText(preview.join('\n'));
  box->setDetailedText(lines.join('\n'));
  box->setAttribute(Qt::WA_DeleteOnClose);
  box->setModal(false);
  box->show();  // not exec(): the viewer stays usable while the message is up
}

void MainWindow::addLoadResult(core::LoadResult result) {
  // A NIfTI label map on the grid of a loaded series is that series' overlay, not a patient of its own.
  std::vector<io::FoundLabelMap> labelMaps = io::extractLabelMaps(result, m_loaded);
  const auto added = result.allSeries();
  m_loaded.merge(std::move(result));
  for (const auto& series : m_loaded.allSeries()) m_document.attachSeries(series);
  m_browser->setStudies(m_loaded);
  for (io::FoundLabelMap& found : labelMaps) {
    if (m_document.annotations(found.seriesUid).labelMaps.count(found.map.name)) continue;  // restored by the session
    const std::string name = found.map.name;
    m_document.execute(std::make_unique<core::SetLabelMapCommand>(found.seriesUid, name, std::move(found.map),
                                                                  "Open label map " + found.file));
    statusBar()->showMessage(tr("%1 is shown as a label map of its series").arg(QString::fromStdString(found.file)), 10000);
  }
  if (!added.empty() && (m_shownSeries.isEmpty() || !m_loaded.findSeries(m_shownSeries.toStdString())))
    showSeries(QString::fromStdString(added.front()->info.seriesUid));
  else if (!m_shownSeries.isEmpty())
    m_browser->selectSeries(m_shownSeries);
}

const core::Patient* MainWindow::patientOf(const QString& seriesUid) const {
  const std::string uid = seriesUid.toStdString();
  for (const core::Patient& patient : m_loaded.patients)
    for (const core::Study& study : patient.studies)
      for (const auto& series : study.series)
        if (series && series->info.seriesUid == uid) return &patient;
  return nullptr;
}

void MainWindow::showSeries(const QString& seriesUid) {
  if (seriesUid == m_shownSeries && m_sliceView->series()) return;
  auto series = m_loaded.findSeries(seriesUid.toStdString());
  if (!series) return;
  m_shownSeries = seriesUid;
  const core::Patient* patient = patientOf(seriesUid);
  m_sliceView->setSeries(series, patient ? patient->info : core::PatientInfo{});
  if (m_volumeView) {
    m_volumeView->setSeries(series);
    const WindowLevel wl = m_sliceView->windowLevel();
    m_volumeView->setPlaneWindowLevel(wl.window, wl.level);
    // The scene picked a preset for this series (bone for CT): keep the menu in step.
    for (const auto& [action, preset] : m_presetActions)
      action->setChecked(preset == static_cast<int>(m_volumeView->scene().preset()));
  }
  m_browser->selectSeries(seriesUid);
  updateTitle();
  refreshMeasurements();
  rebuildLabelMenu();
  if (!series->info.problems.empty()) {
    // Uneven spacing or missing slices change what every measurement on this volume means: say so where it is seen.
    QString problems;
    for (const auto& p : series->info.problems) problems += (problems.isEmpty() ? "" : "; ") + QString::fromStdString(p);
    statusBar()->showMessage(tr("\u26A0 This series: %1").arg(problems), 30000);
  }
  Q_EMIT seriesShown(seriesUid);
}

std::vector<std::string> MainWindow::sessionFolders() const { return m_sessions->folders(); }

void MainWindow::closeAll() {
  m_queue.clear();
  m_loader->cancel();
  m_sessions->closeAll();  // stop saving first, so clearing the document leaves the sessions on disk
  m_document.reset({});
  m_document.detachAllSeries();
  m_shownSeries.clear();
  m_sliceView->setSeries(nullptr);
  if (m_volumeView) m_volumeView->setSeries(nullptr);
  m_loaded = core::LoadResult();
  m_browser->setStudies(m_loaded);
  m_cursorLabel->clear();
  updateTitle();
  refreshMeasurements();
}

QImage MainWindow::screenshot() {
  QImage image = grab().toImage();
  QPainter painter(&image);
  for (QOpenGLWidget* view : findChildren<QOpenGLWidget*>()) {
    if (!view->isVisible()) continue;
    const QRect target(view->mapTo(this, QPoint(0, 0)), view->size());
    painter.drawImage(target, view->grabFramebuffer());
  }
  return image;
}


void MainWindow::refreshMeasurements() {
  const bool shown = !m_shownSeries.isEmpty() && m_sliceView->series();
  m_measurements->setAnnotations(shown ? &m_document.annotations(m_shownSeries.toStdString()) : nullptr,
                                 report::OverlayStyle{}.lowConfidence);
  const bool hasFindings = shown && !m_document.annotations(m_shownSeries.toStdString()).empty();
  m_exportAction->setEnabled(hasFindings);
  m_analyseAction->setEnabled(shown && !m_analysis->isRunning());
  for (const auto& [action, id] : m_moduleActions) action->setEnabled(shown && !m_analysis->isRunning());
}

void MainWindow::rebuildLabelMenu() {
  if (!m_labelMenu) return;
  m_labelMenu->clear();
  const core::SeriesAnnotations* a =
      m_shownSeries.isEmpty() ? nullptr : &m_document.annotations(m_shownSeries.toStdString());
  if (!a || a->labelMaps.empty()) {
    m_labelMenu->addAction(tr("(no label map on this series)"))->setEnabled(false);
    return;
  }
  for (const auto& [name, map] : a->labelMaps) {
    QAction* all = m_labelMenu->addAction(QString::fromStdString(name));
    all->setCheckable(true);
    all->setChecked(!m_sliceView->labelStyle().hiddenMaps.count(name));
    connect(all, &QAction::toggled, this, [this, name = name](bool on) {
      report::LabelMapStyle style = m_sliceView->labelStyle();
      if (on) style.hiddenMaps.erase(name); else style.hiddenMaps.insert(name);
      m_sliceView->setLabelStyle(style);
    });
    for (const auto& label : map.table) {
      QAction* action = m_labelMenu->addAction(QStringLiteral("    %1").arg(QString::fromStdString(label.name)));
      action->setCheckable(true);
      action->setChecked(!m_sliceView->labelStyle().hiddenLabels.count({name, label.value}));
      QPixmap swatch(12, 12);
      swatch.fill(QColor(label.color[0], label.color[1], label.color[2]));
      action->setIcon(QIcon(swatch));
      connect(action, &QAction::toggled, this, [this, name = name, value = label.value](bool on) {
        report::LabelMapStyle style = m_sliceView->labelStyle();
        if (on) style.hiddenLabels.erase({name, value}); else style.hiddenLabels.insert({name, value});
        m_sliceView->setLabelStyle(style);
      });
    }
  }
}

bool MainWindow::analyseShownSeries(const QString& moduleId) {
  const auto& series = m_sliceView->series();
  if (!series) {
    statusBar()->showMessage(tr("Open a study first"), 5000);
    return false;
  }
  if (m_analysis->isRunning()) {
    statusBar()->showMessage(tr("An analysis is already running"), 5000);
    return false;
  }
  // What the module proposes among the loaded studies that involves the shown series.
  std::optional<ai::AnalysisInput> input;
  QString problem;
  for (const modules::Module& m : m_registry->modules()) {
    if (!moduleId.isEmpty() && m.id != moduleId.toStdString()) continue;
    try {
      for (ai::AnalysisInput& candidate : m_analysis->module(m.id)->candidates(m_loaded, m_document))
        for (const auto& s : candidate.series)
          if (s == series && !input) input = std::move(candidate);
    } catch (const std::exception& e) {
      problem = tr("%1: %2").arg(QString::fromStdString(m.id), QString::fromStdString(e.what()));
    }
    if (input) break;
  }
  if (!input) {
    const QString message = !problem.isEmpty() ? tr("Analysis not started: %1").arg(problem)
                            : moduleId.isEmpty()
                                ? tr("No AI module applies to this series")
                                : tr("%1 does not apply to this series (%2)")
                                      .arg(moduleId, QString::fromStdString(ai::describeSeries(*series)));
    statusBar()->showMessage(message, 15000);
    if (!problem.isEmpty() && m_options.errorDialogs) QMessageBox::warning(this, tr("Analysis failed"), message);
    Q_EMIT analysisFinished(false, message);
    return false;
  }
  // Asked before the run starts: a new run replaces what this module made, hand corrections included.
  const int corrected = ai::handCorrectionsReplaced(input->moduleId, *input, m_document);
  if (corrected > 0 && m_options.errorDialogs &&
      QMessageBox::question(this, tr("Replace hand corrections?"),
                            tr("%n correction(s) made by hand to this module's findings would be replaced by the new AI "
                               "result (Edit ▸ Undo brings them back). Run the analysis?",
                               nullptr, corrected)) != QMessageBox::Yes) {
    statusBar()->showMessage(tr("Analysis not started: the hand corrections stay"), 8000);
    return false;
  }
  if (!m_analysis->start(std::move(*input))) return false;
  m_analysisProgress->setValue(0);
  m_analysisLabel->setText(tr("Analysing…"));
  m_analysisLabel->show();
  m_analysisProgress->show();
  m_analysisCancel->show();
  refreshMeasurements();
  return true;
}

void MainWindow::onAnalysisFinished() {
  AnalysisOutcome outcome = m_analysis->takeOutcome();
  m_analysisLabel->hide();
  m_analysisProgress->hide();
  m_analysisCancel->hide();
  refreshMeasurements();
  if (outcome.cancelled) {
    statusBar()->showMessage(tr("Analysis stopped; nothing changed"), 8000);
    Q_EMIT analysisFinished(false, tr("cancelled"));
    return;
  }
  if (!outcome.error.isEmpty()) {
    const QString message = tr("%1 failed: %2").arg(outcome.moduleId, outcome.error);
    statusBar()->showMessage(message, 20000);
    if (m_options.errorDialogs) QMessageBox::warning(this, tr("Analysis failed"), message);
    Q_EMIT analysisFinished(false, message);
    return;
  }
  for (const auto& s : outcome.input.series)
    if (!m_loaded.findSeries(s->info.seriesUid)) {  // closed while the model ran
      Q_EMIT analysisFinished(false, tr("the series was closed"));
      return;
    }
  // One undoable step: exactly what this module made before is replaced, nothing else.
  try {
    m_document.execute(ai::findingsCommands(outcome.input.moduleId, outcome.input, outcome.findings),
                       tr("Analyse (%1)").arg(outcome.moduleId).toStdString());
  } catch (const std::exception& e) {
    const QString message = tr("%1: the findings could not be applied (nothing changed): %2")
                                .arg(outcome.moduleId, QString::fromStdString(e.what()));
    statusBar()->showMessage(message, 20000);
    Q_EMIT analysisFinished(false, message);
    return;
  }
  QString message = tr("%1 %2: done in %3 s")
                        .arg(outcome.moduleId, QString::fromStdString(outcome.moduleVersion))
                        .arg(outcome.findings.seconds, 0, 'f', 2);
  for (const auto& w : outcome.findings.warnings) message += QStringLiteral("; ") + QString::fromStdString(w);
  statusBar()->showMessage(message, 20000);
  rebuildLabelMenu();
  showFindingsSlice(outcome.findings);
  Q_EMIT analysisFinished(true, message);
}

void MainWindow::showFindingsSlice(const ai::Findings& findings) {
  // A module that places its landmarks on one slice of a volume (a mid-sagittal plane) is reviewed there: the view
  // goes to that slice when the shown plane cuts through it.
  const auto& series = m_sliceView->series();
  if (!series || !series->image || series->image->geometry().is2D()) return;
  const auto it = findings.series.find(series->info.seriesUid);
  if (it == findings.series.end()) return;
  const int axis = m_sliceView->plane().axis;
  std::vector<double> along;
  for (const auto& [name, set] : it->second.landmarkSets)
    for (const auto& p : set.points) along.push_back(p.position[axis]);
  if (along.empty()) return;
  const auto [lo, hi] = std::minmax_element(along.begin(), along.end());
  if (*hi - *lo > 0.5) return;  // spread over several slices of this plane: leave the view where it is
  m_sliceView->setSlice(static_cast<int>(std::lround(*lo)));
}

QStringList MainWindow::exportFindings(const QString& folder, QString* error) {
  auto fail = [&](const QString& why) {
    if (error) *error = why;
    return QStringList();
  };
  const auto shown = m_loaded.findSeries(m_shownSeries.toStdString());
  if (!shown || !shown->image) return fail(tr("no series is shown"));
  // The whole study of the shown series: every analysed series in it and its study-level results.
  report::ReportInput input;
  for (const ai::LoadedSeries& item : ai::loadedSeries(m_loaded)) {
    if (item.series != shown) continue;
    input.patient = item.patient->info;
    input.study = item.study->info;
    for (const auto& s : item.study->series) {
      const core::SeriesAnnotations& a = m_document.annotations(s->info.seriesUid);
      if (a.empty() || !s->image) continue;
      input.series.push_back({s, a});
      for (const auto& problem : s->info.problems)
        input.warnings.push_back("image " + ai::describeSeries(*s) + ": " + problem);
    }
  }
  if (input.series.empty()) return fail(tr("the shown study has no findings; analyse it first"));
  input.studyResults = m_document.annotations(core::studyKey(input.study.studyUid));
  for (const auto& id : input.modules())
    input.modelNotes[id] = m_registry->modelNote(id, m_analysis->modelsRoot().toStdString());
  int review = 0;
  for (const auto& s : input.series)
    for (const auto& [name, set] : s.annotations.landmarkSets)
      for (const auto& p : set.points) review += !p.edited && p.confidence < report::OverlayStyle{}.lowConfidence ? 1 : 0;
  if (review > 0)
    input.warnings.push_back(std::to_string(review) + " landmark(s) with low AI confidence were left as the AI placed them");
  try {
    QStringList files;
    for (const std::string& file : report::writeFindingsFolder(input, folder.toStdString(), m_registry->presentations()))
      files << QString::fromStdString(file);
    return files;
  } catch (const std::exception& e) {
    return fail(QString::fromStdString(e.what()));
  }
}

void MainWindow::exportFindingsInteractively() {
  const QString folder = QFileDialog::getExistingDirectory(this, tr("Export findings into folder"));
  if (folder.isEmpty()) return;
  QString error;
  const QStringList files = exportFindings(folder, &error);
  if (files.isEmpty()) {
    QMessageBox::warning(this, tr("Export failed"), tr("Nothing was exported: %1").arg(error));
    return;
  }
  statusBar()->showMessage(tr("Exported %n file(s) to %1", nullptr, int(files.size())).arg(folder), 15000);
}

void MainWindow::applyWindowLevel(const WindowLevel& wl) { m_sliceView->setWindowLevel(wl); }

void MainWindow::updateUndoActions() {
  m_undo->setEnabled(m_document.canUndo());
  m_redo->setEnabled(m_document.canRedo());
  m_undo->setText(m_documentAdapter->undoText());
  m_redo->setText(m_documentAdapter->redoText());
}

void MainWindow::updateTitle() {
  const auto& series = m_sliceView->series();
  if (!series) {
    setWindowTitle(tr("OpenRad"));
    return;
  }
  const core::Patient* patient = patientOf(m_shownSeries);
  QString name = patient ? QString::fromStdString(patient->info.name).replace('^', ' ').simplified() : QString();
  QString what = QString::fromStdString(series->info.modality);
  if (!series->info.description.empty()) what += " " + QString::fromStdString(series->info.description);
  setWindowTitle(name.isEmpty() ? tr("%1 — OpenRad").arg(what.trimmed())
                                : tr("%1 — %2 — OpenRad").arg(name, what.trimmed()));
}

void MainWindow::rememberRecent(const QStringList& paths) {
  QSettings settings;
  QStringList recent = settings.value(kRecentKey).toStringList();
  for (const QString& path : paths) {
    const QString absolute = QFileInfo(path).absoluteFilePath();
    recent.removeAll(absolute);
    recent.prepend(absolute);
  }
  while (recent.size() > kMaxRecent) recent.removeLast();
  settings.setValue(kRecentKey, recent);
  rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
  m_recentMenu->clear();
  const QStringList recent = QSettings().value(kRecentKey).toStringList();
  for (const QString& path : recent) {
    QAction* action = m_recentMenu->addAction(QFileInfo(path).fileName().isEmpty() ? path : QFileInfo(path).fileName(),
                                              this, [this, path] { openPaths({path}); });
    action->setToolTip(path);
    action->setStatusTip(path);
  }
  if (recent.isEmpty()) m_recentMenu->addAction(tr("(none)"))->setEnabled(false);
  else {
    m_recentMenu->addSeparator();
    m_recentMenu->addAction(tr("Clear List"), this, [this] {
      QSettings().remove(kRecentKey);
      rebuildRecentMenu();
    });
  }
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
  if (event->mimeData()->hasUrls()) event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
  QStringList paths;
  for (const QUrl& url : event->mimeData()->urls())
    if (url.isLocalFile()) paths << url.toLocalFile();
  if (!paths.isEmpty()) {
    openPaths(paths);
    event->acceptProposedAction();
  }
}

void MainWindow::closeEvent(QCloseEvent* event) {
  m_queue.clear();
  m_loader->cancel();
  m_loader->wait();
  QMainWindow::closeEvent(event);
}

}  // namespace openrad::app
