// Issue 10, review in the workstation: open a sagittal lumbar MRI, analyse it (mri-lumbar), land on the mid-sagittal
// slice with labels and corners, drag an L1 corner and see the lordosis change and be marked edited, undo it, export
// the report and find the lumbar tables and the label map (NIfTI) in the export.

#include "openrad/app/AnnotatedSliceView.h"
#include "openrad/app/MainWindow.h"
#include "openrad/app/MeasurementsPanel.h"
#include "openrad/phantom/Phantom.h"

#include "Requires.h"

#include <gtest/gtest.h>

#include <QFile>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

namespace {

using namespace openrad;

const std::string kSet = "mri-lumbar.corners";
const std::string kLordosis = "lumbar.lordosis.L1-S1";

TEST(LumbarReviewGui, AnalyseDragUndoExport) {
  QTemporaryDir dir;
  phantom::GenerateOptions o;
  o.count = 1;
  o.seed = 50611;  // not the training phantoms' seed (9101)
  o.outDir = (dir.path() + "/phantoms").toStdString();
  phantom::generateLumbarMri(o);

  app::MainWindow::Options options;
  options.volumeView = false;
  options.errorDialogs = false;
  options.rememberRecent = false;
  options.modelsRoot = QStringLiteral(OPENRAD_SOURCE_DIR "/models");
  options.sessionsRoot = dir.path() + "/sessions";
  app::MainWindow w(options);
  w.resize(1400, 1000);
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  QSignalSpy loaded(&w, &app::MainWindow::loadFinished);
  w.openPaths({dir.path() + "/phantoms/lumbar_mri_00000/t2"});
  ASSERT_TRUE(loaded.wait(60000));
  app::AnnotatedSliceView* view = w.sliceView();
  ASSERT_TRUE(view->series());
  const std::string uid = view->series()->info.seriesUid;

  QSignalSpy analysed(&w, &app::MainWindow::analysisFinished);
  ASSERT_TRUE(w.analyseShownSeries(QStringLiteral("mri-lumbar")));
  ASSERT_TRUE(analysed.wait(120000));
  ASSERT_TRUE(analysed.front().at(0).toBool()) << analysed.front().at(1).toString().toStdString();
  const core::SeriesAnnotations& a = w.document().annotations(uid);
  ASSERT_EQ(a.labelMaps.count("mri-lumbar.labels"), 1u);
  ASSERT_EQ(a.landmarkSets.count(kSet), 1u);
  ASSERT_EQ(a.measurements.count(kLordosis), 1u);
  const core::Measurement before = a.measurements.at(kLordosis);
  const core::LandmarkSet& set = a.landmarkSets.at(kSet);
  // The view went to the corners' (mid-sagittal) slice.
  EXPECT_EQ(view->slice(), static_cast<int>(std::lround(set.points.front().position[view->plane().axis])));
  QTRY_VERIFY_WITH_TIMEOUT(!w.measurementsPanel()->valueText(QString::fromStdString(kLordosis)).isEmpty(), 2000);
  const QString panelBefore = w.measurementsPanel()->valueText(QString::fromStdString(kLordosis));

  int index = -1;
  for (std::size_t i = 0; i < set.points.size(); ++i)
    if (set.points[i].name == "L1.as") index = static_cast<int>(i);
  ASSERT_GE(index, 0);
  const Eigen::Vector3d startIndex = set.points[static_cast<std::size_t>(index)].position;
  const QPoint start = view->landmarkPosition(kSet, index).toPoint();
  ASSERT_TRUE(view->rect().contains(start));
  ASSERT_EQ(view->landmarkAt(start), std::make_pair(kSet, index));
  const QPoint end = start + QPoint(0, 20);  // 20 screen pixels caudal: L1's superior endplate tilts
  QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, start);
  for (int step = 1; step <= 5; ++step) QTest::mouseMove(view, start + QPoint(0, 4 * step));
  QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, end);
  ASSERT_TRUE(w.document().canUndo());
  EXPECT_EQ(w.document().undoText(), "Move L1.as");
  const core::Measurement after = w.document().annotations(uid).measurements.at(kLordosis);
  EXPECT_GT(std::abs(after.value - before.value), 1.0);
  EXPECT_TRUE(after.edited);
  EXPECT_FALSE(w.document().annotations(uid).measurements.at("lumbar.body.L3.anterior").edited);
  EXPECT_NE(w.document().annotations(uid).landmarkSets.at(kSet).find("L1.as")->position, startIndex);
  QTRY_VERIFY_WITH_TIMEOUT(w.measurementsPanel()->valueText(QString::fromStdString(kLordosis)) != panelBefore, 2000);

  w.activateWindow();
  ASSERT_TRUE(QTest::qWaitForWindowActive(&w));
  QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
  EXPECT_NEAR(w.document().annotations(uid).measurements.at(kLordosis).value, before.value, 1e-9);
  EXPECT_FALSE(w.document().annotations(uid).measurements.at(kLordosis).edited);
  // The panel follows the undo (and the Redo action becomes enabled) through the event loop.
  QTRY_COMPARE_WITH_TIMEOUT(w.measurementsPanel()->valueText(QString::fromStdString(kLordosis)), panelBefore, 2000);
  QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier | Qt::ShiftModifier);
  ASSERT_FALSE(w.document().canRedo()) << "Ctrl+Shift+Z redoes the move";
  EXPECT_NEAR(w.document().annotations(uid).measurements.at(kLordosis).value, after.value, 1e-9);

  QTemporaryDir out;
  QString error;
  const QStringList files = w.exportFindings(out.path(), &error);
  ASSERT_FALSE(files.isEmpty()) << error.toStdString();
  QString pdf;
  bool nifti = false;
  for (const QString& f : files) {
    if (f.endsWith(".pdf")) pdf = f;
    if (f.endsWith(".nii.gz") && f.contains("mri-lumbar")) nifti = true;
  }
  EXPECT_TRUE(nifti) << "the label map is exported as NIfTI";
  ASSERT_FALSE(pdf.isEmpty());
  OPENRAD_REQUIRE(!QStandardPaths::findExecutable("pdftotext").isEmpty(), "poppler-utils not installed");
  QProcess p;
  p.start("pdftotext", {"-layout", pdf, "-"});
  ASSERT_TRUE(p.waitForFinished(60000));
  const QString text = QString::fromUtf8(p.readAllStandardOutput());
  EXPECT_TRUE(text.contains("Lumbar lordosis")) << text.toStdString();
  EXPECT_TRUE(text.contains("project-defined", Qt::CaseInsensitive));
  EXPECT_TRUE(text.contains(QString::number(after.value, 'f', 1))) << text.toStdString();
  EXPECT_TRUE(text.contains("L1.as")) << "the corrected corner is listed";
}

}  // namespace
