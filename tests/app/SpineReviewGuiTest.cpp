// Issue 4, review in the workstation: analyse an AP radiograph, drag a corner with the mouse, see the Cobb
// angle change and the values marked edited, undo/redo, export the PDF and find the table in it, reopen
// the study and find the correction again. Runs in the GUI test executable (Xvfb or offscreen).

#include "openrad/modules/xray_landmarks/XrayLandmarks.h"
#include "openrad/app/AnnotatedSliceView.h"
#include "openrad/app/MainWindow.h"
#include "openrad/app/MeasurementsPanel.h"
#include "openrad/core/Errors.h"
#include "openrad/modules/Module.h"
#include "openrad/phantom/Phantom.h"

#include "Requires.h"

#include <gtest/gtest.h>

#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <memory>
#include <thread>

namespace {

using namespace openrad;

const std::string kSet = ai::kApCornerSetName;

app::MainWindow::Options reviewOptions() {
  app::MainWindow::Options options;
  options.volumeView = false;
  options.errorDialogs = false;
  options.rememberRecent = false;
  options.modelsRoot = QStringLiteral(OPENRAD_SOURCE_DIR "/models");
  static QTemporaryDir sessions;  // fresh sessions per test run (they are keyed by the phantom's study UID)
  options.sessionsRoot = sessions.path();
  return options;
}

bool openAndWait(app::MainWindow& w, const QString& path) {
  QSignalSpy finished(&w, &app::MainWindow::loadFinished);
  w.openPaths({path});
  return finished.wait(60000);
}

QString runTool(const QString& program, const QStringList& args, int* exitCode) {
  QProcess p;
  p.start(program, args);
  if (!p.waitForFinished(60000)) {
    *exitCode = -1;
    return {};
  }
  *exitCode = p.exitCode();
  return QString::fromUtf8(p.readAllStandardOutput());
}

class SpineReviewGui : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    s_dir = new QTemporaryDir();
    phantom::GenerateOptions o;
    o.count = 1;
    o.seed = 90411;  // not a training seed (20261122) nor the held-out evaluation seed (777)
    o.outDir = (s_dir->path() + "/phantoms").toStdString();
    phantom::generateSpineXray(o);
  }
  static void TearDownTestSuite() {
    delete s_dir;
    s_dir = nullptr;
  }
  static QString apFolder() { return s_dir->path() + "/phantoms/spine_xray_00000/ap"; }
  static QTemporaryDir* s_dir;
};
QTemporaryDir* SpineReviewGui::s_dir = nullptr;

TEST_F(SpineReviewGui, AnalyseDragUndoExportAndReopen) {
  app::MainWindow w(reviewOptions());
  w.resize(1400, 1000);
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  ASSERT_TRUE(openAndWait(w, apFolder()));
  app::AnnotatedSliceView* view = w.sliceView();
  ASSERT_TRUE(view->series());
  const std::string uid = view->series()->info.seriesUid;

  // Analyse runs in the background and lands as one undoable command.
  QSignalSpy analysed(&w, &app::MainWindow::analysisFinished);
  ASSERT_TRUE(w.analyseShownSeries());
  EXPECT_FALSE(w.analyseShownSeries()) << "a second run must be refused while one is running";
  ASSERT_TRUE(analysed.wait(120000));
  ASSERT_TRUE(analysed.front().at(0).toBool()) << analysed.front().at(1).toString().toStdString();
  const core::SeriesAnnotations& a = w.document().annotations(uid);
  ASSERT_EQ(a.landmarkSets.count(kSet), 1u);
  ASSERT_EQ(a.landmarkSets.at(kSet).points.size(), 68u);
  ASSERT_EQ(a.measurements.count("cobb.max"), 1u);
  const core::Measurement before = a.measurements.at("cobb.max");
  EXPECT_FALSE(before.edited);
  QTRY_VERIFY_WITH_TIMEOUT(!w.measurementsPanel()->valueText("cobb.max").isEmpty(), 2000);
  const QString panelBefore = w.measurementsPanel()->valueText("cobb.max");

  // Drag the top-left corner of the upper end vertebra of the largest curve, 18 screen pixels down.
  ASSERT_EQ(before.inputs.size(), 8u);
  const core::LandmarkSet& set = a.landmarkSets.at(kSet);
  int index = -1;
  for (std::size_t i = 0; i < set.points.size(); ++i)
    if (set.points[i].name == before.inputs.front()) index = static_cast<int>(i);
  ASSERT_GE(index, 0);
  const Eigen::Vector3d startIndex = set.points[static_cast<std::size_t>(index)].position;
  const QPoint start = view->landmarkPosition(kSet, index).toPoint();
  ASSERT_TRUE(view->rect().contains(start));
  ASSERT_EQ(view->landmarkAt(start), std::make_pair(kSet, index)) << "the handle is under the mouse";
  // Escape during a drag drops the preview: no command, the corner stays.
  QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, start);
  QTest::mouseMove(view, start + QPoint(0, 10));
  QTest::keyClick(view, Qt::Key_Escape);
  EXPECT_FALSE(view->isDragging());
  QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, start + QPoint(0, 10));
  EXPECT_EQ(w.document().annotations(uid).landmarkSets.at(kSet).points[static_cast<std::size_t>(index)].position,
            startIndex);

  const QPoint end = start + QPoint(0, 18);
  QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, start);
  EXPECT_TRUE(view->isDragging());
  for (int step = 1; step <= 6; ++step) QTest::mouseMove(view, start + QPoint(0, 3 * step));
  // The preview does not touch the document: nothing to undo yet.
  EXPECT_FALSE(w.document().canUndo() && w.document().undoText().rfind("Move", 0) == 0);
  QElapsedTimer timer;
  timer.start();
  QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, end);
  ASSERT_TRUE(w.document().canUndo());
  EXPECT_EQ(w.document().undoText(), "Move " + before.inputs.front());
  const core::Measurement after = w.document().annotations(uid).measurements.at("cobb.max");
  EXPECT_GT(std::abs(after.value - before.value), 0.3) << "moving an end-vertebra corner changes the Cobb angle";
  // Exactly the measurements that read the moved corner, or whose end vertebrae it moved, are marked edited.
  int editedCount = 0;
  for (const auto& [id, m] : w.document().annotations(uid).measurements) {
    const bool readsMoved = std::find(m.inputs.begin(), m.inputs.end(), before.inputs.front()) != m.inputs.end();
    const bool endsMoved = !m.attribute("aiEnds").empty() && m.attribute("aiEnds") != m.attribute("ends");
    EXPECT_EQ(m.edited, readsMoved || endsMoved) << id;
    editedCount += m.edited ? 1 : 0;
  }
  EXPECT_GE(editedCount, 2) << "a corner feeds at least its body height and one disc height or Cobb angle";
  const core::Landmark* moved = w.document().annotations(uid).landmarkSets.at(kSet).find(before.inputs.front());
  ASSERT_NE(moved, nullptr);
  EXPECT_TRUE(moved->edited);
  EXPECT_GT(moved->position.y() - startIndex.y(), 1.0) << "moved down the image";
  QTRY_VERIFY_WITH_TIMEOUT(w.measurementsPanel()->valueText("cobb.max") != panelBefore, 2000);
  std::printf("[ info ] drag release -> measurements and panel updated in %.1f ms (event loop included)\n",
              static_cast<double>(timer.nsecsElapsed()) / 1e6);
  EXPECT_EQ(w.measurementsPanel()->isMarkedEdited("cobb.max"), after.edited);
  // Heights that do not read the moved corner stay AI values.
  EXPECT_FALSE(w.document().annotations(uid).measurements.at("height.body.L5").edited);

  // Ctrl+Z restores the AI corner and the value; Ctrl+Shift+Z brings the correction back.
  w.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&w)) << "shortcuts need the active window";
  QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
  const auto& undone = w.document().annotations(uid);
  EXPECT_NEAR(undone.measurements.at("cobb.max").value, before.value, 1e-9);
  EXPECT_FALSE(undone.measurements.at("cobb.max").edited);
  EXPECT_FALSE(undone.landmarkSets.at(kSet).find(before.inputs.front())->edited);
  QTRY_COMPARE_WITH_TIMEOUT(w.measurementsPanel()->valueText("cobb.max"), panelBefore, 2000);
  QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
  ASSERT_FALSE(w.document().canRedo()) << "Ctrl+Shift+Z redoes the move";
  EXPECT_NEAR(w.document().annotations(uid).measurements.at("cobb.max").value, after.value, 1e-9);
  const double correctedValue = w.document().annotations(uid).measurements.at("cobb.max").value;

  // Export: CSV, JSON, key image and a PDF whose text has the table and the edit marks.
  QTemporaryDir out;
  QString error;
  const QStringList files = w.exportFindings(out.path(), &error);
  ASSERT_FALSE(files.isEmpty()) << error.toStdString();
  QString pdf;
  for (const QString& f : files)
    if (f.endsWith(".pdf")) pdf = f;
  ASSERT_FALSE(pdf.isEmpty());
  OPENRAD_REQUIRE(!QStandardPaths::findExecutable("pdftotext").isEmpty() && !QStandardPaths::findExecutable("pdftoppm").isEmpty(),
                  "poppler-utils (pdftotext, pdftoppm) not installed: PDF content not checked");
  int code = 0;
  runTool("pdftoppm", {"-png", "-r", "40", "-f", "1", "-l", "1", pdf, out.path() + "/page"}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(QFile::exists(out.path() + "/page-1.png") || QFile::exists(out.path() + "/page-01.png"));
  const QString text = runTool("pdftotext", {"-layout", pdf, "-"}, &code);
  EXPECT_EQ(code, 0);
  EXPECT_TRUE(text.contains("Cobb")) << text.toStdString();
  EXPECT_TRUE(text.contains(QString::number(correctedValue, 'f', 1))) << text.toStdString();
  EXPECT_TRUE(text.contains("synthetic", Qt::CaseInsensitive));
  EXPECT_TRUE(text.contains(QString::fromStdString(before.inputs.front()))) << "the corrected corner is listed";

  // The correction is autosaved under the study's UID: a new window that opens the whole study folder (not the
  // ap/ sub-folder opened above) finds it — one image, one session, wherever it is opened from.
  w.close();
  app::MainWindow again(reviewOptions());
  ASSERT_TRUE(openAndWait(again, s_dir->path() + "/phantoms/spine_xray_00000"));
  EXPECT_EQ(again.sessionFolders().size(), 1u);
  const auto& reopened = again.document().annotations(uid);
  ASSERT_EQ(reopened.measurements.count("cobb.max"), 1u);
  EXPECT_NEAR(reopened.measurements.at("cobb.max").value, correctedValue, 1e-6);
  EXPECT_EQ(reopened.measurements.at("cobb.max").edited, after.edited);
  EXPECT_TRUE(reopened.landmarkSets.at(kSet).find(before.inputs.front())->edited);
}

TEST_F(SpineReviewGui, AMissingModelIsReportedAndNothingChanges) {
  app::MainWindow::Options options = reviewOptions();
  options.modelsRoot = s_dir->path() + "/no-models-here";
  app::MainWindow w(options);
  w.resize(1000, 800);
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  ASSERT_TRUE(openAndWait(w, apFolder()));
  // The model is needed to know what the module proposes: the analysis does not start, and says why.
  QSignalSpy analysed(&w, &app::MainWindow::analysisFinished);
  EXPECT_FALSE(w.analyseShownSeries());
  ASSERT_EQ(analysed.count(), 1);
  EXPECT_FALSE(analysed.front().at(0).toBool());
  const QString message = analysed.front().at(1).toString();
  EXPECT_TRUE(message.contains("no-models-here")) << "names the missing model: " << message.toStdString();
  EXPECT_FALSE(w.document().canUndo());
}

// The models preload runs on its own thread from the first load on; a window closed (deleted) while it runs must not
// free what that thread reads. Closing the study again right after opening it hits this on a loaded machine (the
// preload thread had not even read the registry yet): MainWindow's members, its module registry among them, are
// destroyed before ~QWidget deletes the child runner that joins the thread. A probe module's load holds the preload
// until the window is deleted and records whether the registry was destroyed under it.
namespace probe {
std::atomic<bool> loading{false}, registryGone{false}, registryGoneWhileLoading{false};
struct Sentinel {
  ~Sentinel() { registryGone = true; }  // dies with the registry's only copy of the module
};
}  // namespace probe

TEST_F(SpineReviewGui, DeletingTheWindowWhileModelsPreloadIsSafe) {
  probe::loading = probe::registryGone = probe::registryGoneWhileLoading = false;
  auto window = [] {
    modules::Module m;
    m.id = "preload-probe";
    m.name = "Preload probe";
    m.needsModel = false;
    m.create = [sentinel = std::make_shared<probe::Sentinel>()](const std::string&, const ai::RunContext& context)
        -> std::unique_ptr<ai::AiModule> {
      // Touches no capture from here on: without the fix they are destroyed while this runs.
      probe::loading = true;
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (!context.cancelled() && !probe::registryGone && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      probe::registryGoneWhileLoading = probe::registryGone.load();
      throw core::Cancelled();
    };
    modules::Registry registry;
    registry.add(std::move(m));
    app::MainWindow::Options options = reviewOptions();
    options.registry = std::make_shared<const modules::Registry>(std::move(registry));  // the window's copies only
    return std::make_unique<app::MainWindow>(options);
  }();
  window->show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(window.get()));
  ASSERT_TRUE(openAndWait(*window, apFolder()));
  QTRY_VERIFY_WITH_TIMEOUT(probe::loading, 30000);  // the preload is inside the module's load
  window.reset();
  EXPECT_TRUE(probe::registryGone) << "the registry goes with the window";
  EXPECT_FALSE(probe::registryGoneWhileLoading) << "the preload thread read a destroyed registry";
}

}  // namespace
