#pragma once

#include "openrad/app/WindowLevel.h"
#include "openrad/core/Document.h"
#include "openrad/core/Study.h"
#include "openrad/modules/Module.h"

#include <QImage>
#include <QMainWindow>
#include <QStringList>

#include <memory>
#include <utility>
#include <vector>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QProgressBar;
class QPushButton;

namespace openrad::app {

class AnalysisRunner;
class AnnotatedSliceView;
class DocumentAdapter;
class MeasurementsPanel;
class SessionManager;
class SliceView;
class StudyBrowser;
class StudyLoader;
class VolumeView;
struct LoadOutcome;

/// The workstation window: study browser (left), 2D viewer (centre), 3D view (right), menus,
/// background loading with progress and cancel, drag and drop, recent studies.
class MainWindow : public QMainWindow {
  Q_OBJECT

public:
  /// Construction switches.
  struct Options {
    bool volumeView = true;       ///< create the OpenGL 3D view (needs a GL-capable display)
    bool errorDialogs = true;     ///< show load problems in a dialog (tests turn it off)
    bool rememberRecent = true;   ///< store opened paths in QSettings
    QString modelsRoot;           ///< AI models folder (ai::defaultModelsRoot() when empty)
    QString sessionsRoot;         ///< one session folder per study in here (<app data>/sessions when empty)
    /// The AI modules offered (the built-in ones when null); tests add their own.
    std::shared_ptr<const modules::Registry> registry;
  };

  explicit MainWindow(QWidget* parent = nullptr);
  explicit MainWindow(const Options& options, QWidget* parent = nullptr);
  ~MainWindow() override;

  /// Loads files/folders in the background (queued behind a running load).
  void openPaths(const QStringList& paths);
  /// Adds an already loaded result; shows its first series when nothing is shown yet.
  void addLoadResult(core::LoadResult result);
  /// Shows a loaded series in the 2D and 3D views.
  void showSeries(const QString& seriesUid);
  /// Closes every loaded series (annotations stay in the document).
  void closeAll();

  /// Runs module `moduleId` (the first module that proposes an input with the shown series when empty) in the
  /// background on what it proposes for the shown series; false (with a status message) when nothing applies, an
  /// analysis is already running, or the user kept hand corrections the run would replace. analysisFinished()
  /// reports the end.
  bool analyseShownSeries(const QString& moduleId = QString());
  /// Writes the findings of the shown series' study (CSV, JSON, key images, label maps, PDF report) into `folder`;
  /// returns the files written, or an empty list with `error` set.
  QStringList exportFindings(const QString& folder, QString* error = nullptr);
  /// The modules offered.
  const modules::Registry& registry() const { return *m_registry; }

  /// The 2D viewer (with the annotation layer).
  AnnotatedSliceView* sliceView() const { return m_sliceView; }
  /// The measurements panel.
  MeasurementsPanel* measurementsPanel() const { return m_measurements; }
  /// The background AI runner.
  AnalysisRunner* analysisRunner() const { return m_analysis; }
  /// The 3D view (nullptr when created without one).
  VolumeView* volumeView() const { return m_volumeView; }
  /// The study browser.
  StudyBrowser* studyBrowser() const { return m_browser; }
  /// The background loader.
  StudyLoader* loader() const { return m_loader; }
  /// Everything loaded so far.
  const core::LoadResult& loaded() const { return m_loaded; }
  /// The annotation document (undo/redo).
  core::Document& document() { return m_document; }
  /// Folders of the autosaved sessions of the open studies.
  std::vector<std::string> sessionFolders() const;
  /// True while loading or while paths wait in the queue.
  bool isLoading() const;
  /// The window as on screen, OpenGL views included (QWidget::grab() leaves those blank).
  QImage screenshot();
  /// Problems reported by the last finished load, "file: reason" per line.
  const QStringList& lastLoadProblems() const { return m_lastProblems; }

Q_SIGNALS:
  /// A background load (and its queue) finished; whatever loaded is in the browser.
  void loadFinished();
  /// A series is now on screen.
  void seriesShown(const QString& seriesUid);
  /// A background analysis ended; `ok` false when it failed or was cancelled (`message` says why).
  void analysisFinished(bool ok, const QString& message);

protected:
  void dragEnterEvent(QDragEnterEvent* event) override;
  void dropEvent(QDropEvent* event) override;
  void closeEvent(QCloseEvent* event) override;

private:
  void buildUi();
  void buildMenus();
  void startNextLoad();
  void onLoadFinished();
  void reportProblems(const LoadOutcome& outcome);
  void rememberRecent(const QStringList& paths);
  void rebuildRecentMenu();
  void applyWindowLevel(const WindowLevel& wl);
  void updateUndoActions();
  void updateTitle();
  void onAnalysisFinished();
  void showFindingsSlice(const ai::Findings& findings);
  void refreshMeasurements();
  void rebuildLabelMenu();
  void exportFindingsInteractively();
  const core::Patient* patientOf(const QString& seriesUid) const;

  Options m_options;
  std::shared_ptr<const modules::Registry> m_registry;
  core::Document m_document;
  std::unique_ptr<SessionManager> m_sessions;  // after m_document: detaches from it first
  DocumentAdapter* m_documentAdapter = nullptr;
  core::LoadResult m_loaded;
  QStringList m_queue;
  QStringList m_lastProblems;
  QString m_shownSeries;

  AnnotatedSliceView* m_sliceView = nullptr;
  MeasurementsPanel* m_measurements = nullptr;
  AnalysisRunner* m_analysis = nullptr;
  QDockWidget* m_measurementsDock = nullptr;
  QLabel* m_analysisLabel = nullptr;
  QProgressBar* m_analysisProgress = nullptr;
  QPushButton* m_analysisCancel = nullptr;
  QAction* m_analyseAction = nullptr;
  std::vector<std::pair<QAction*, std::string>> m_moduleActions;  ///< one per registered module
  QMenu* m_labelMenu = nullptr;
  QAction* m_exportAction = nullptr;
  VolumeView* m_volumeView = nullptr;
  StudyBrowser* m_browser = nullptr;
  StudyLoader* m_loader = nullptr;
  QDockWidget* m_browserDock = nullptr;
  QDockWidget* m_volumeDock = nullptr;
  QLabel* m_cursorLabel = nullptr;
  QLabel* m_progressLabel = nullptr;
  QProgressBar* m_progress = nullptr;
  QPushButton* m_cancel = nullptr;
  QMenu* m_recentMenu = nullptr;
  QAction* m_undo = nullptr;
  QAction* m_redo = nullptr;
  std::vector<std::pair<QAction*, int>> m_presetActions;  ///< 3D preset menu entries (VolumeScene::Preset)
};

}  // namespace openrad::app
