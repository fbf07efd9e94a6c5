// Issue 8 proof in the workstation: a module registered only in the test build (threshold) is offered in the
// Analysis menu, its label map, box and landmark are drawn on a CT volume, the box is moved, resized and deleted and
// the landmark dragged with undo, the session is saved and restored, and the export holds its PDF, JSON and NIfTI.
#include "ThresholdModule.h"

#include "Requires.h"
#include "TestUtil.h"

#include "openrad/app/AnnotatedSliceView.h"
#include "openrad/app/MainWindow.h"
#include "openrad/app/MeasurementsPanel.h"
#include "openrad/io/DicomWriter.h"
#include "openrad/io/Nifti.h"

#include <gtest/gtest.h>

#include <QAction>
#include <QMenuBar>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <filesystem>

namespace {

using namespace openrad;

/// 64 × 48 × 8 CT (1 × 1 × 2.5 mm) with a bright block (voxels 20..35 × 14..25 × 3..5) on soft tissue.
std::shared_ptr<core::Image> ctWithBlock() {
  core::Geometry g;
  g.size = {64, 48, 8};
  g.spacing = {1.0, 1.0, 2.5};
  auto image = std::make_shared<core::Image>(g, core::PixelType::Int16);
  for (std::int64_t k = 0; k < 8; ++k)
    for (std::int64_t j = 0; j < 48; ++j)
      for (std::int64_t i = 0; i < 64; ++i)
        image->setValue(i, j, k, (i >= 20 && i < 36 && j >= 14 && j < 26 && k >= 3 && k < 6) ? 700.0 : 40.0 + (i * 7 + j) % 11);
  return image;
}

app::MainWindow::Options options() {
  app::MainWindow::Options o;
  o.volumeView = false;
  o.errorDialogs = false;
  o.rememberRecent = false;
  o.modelsRoot = QStringLiteral(OPENRAD_SOURCE_DIR "/models");
  o.registry = std::make_shared<const modules::Registry>(test::registryWithThreshold());
  static QTemporaryDir sessions;  // fresh sessions per test run (they are keyed by the study UID)
  o.sessionsRoot = sessions.path();
  return o;
}

bool openAndWait(app::MainWindow& w, const QString& path) {
  QSignalSpy finished(&w, &app::MainWindow::loadFinished);
  w.openPaths({path});
  return finished.wait(60000);
}

/// Red minus green of the viewer at a widget position (the label map is drawn red).
int redness(app::AnnotatedSliceView* view, const QPointF& at) {
  const QImage shot = view->grab().toImage();
  const QColor c = shot.pixelColor(at.toPoint() * shot.devicePixelRatio());
  return c.red() - c.green();
}

}  // namespace

TEST(ModuleFrameworkGui, TestModuleIsDrawnEditedSavedAndExported) {
  QTemporaryDir dir;
  ASSERT_TRUE(dir.isValid());
  core::SeriesInfo ct;
  ct.modality = "CT";
  ct.description = "Block phantom";
  ct.seriesNumber = 4;
  io::DicomWriteOptions o;
  o.rescaleIntercept = -1024;
  o.uidSeed = "framework-gui-ct";
  core::StudyInfo study;
  study.studyUid = io::uidFromText("framework-gui-study");
  const std::string uid = io::writeDicomSeries(*ctWithBlock(), {"FW-1", "Frame^Work", "", ""}, study, ct,
                                               (dir.path() + "/study/ct").toStdString(), o)
                              .seriesUid;
  const QString studyPath = dir.path() + "/study";

  app::MainWindow w(options());
  w.resize(1200, 900);
  w.show();
  ASSERT_TRUE(QTest::qWaitForWindowExposed(&w));
  ASSERT_TRUE(openAndWait(w, studyPath));
  // The Analysis menu lists the module by its registration; no line of the application names it.
  bool listed = false;
  for (QAction* a : w.menuBar()->actions())
    if (a->menu())
      for (QAction* item : a->menu()->actions()) listed = listed || item->text().contains("Threshold Segmenter");
  EXPECT_TRUE(listed);

  QSignalSpy analysed(&w, &app::MainWindow::analysisFinished);
  ASSERT_TRUE(w.analyseShownSeries(QString::fromUtf8(test::kThresholdId)));
  ASSERT_TRUE(analysed.wait(60000));
  ASSERT_TRUE(analysed.front().at(0).toBool()) << analysed.front().at(1).toString().toStdString();
  const auto& a = w.document().annotations(uid);
  ASSERT_EQ(a.labelMaps.count("bright"), 1u);
  ASSERT_EQ(a.boxes.size(), 1u);
  ASSERT_EQ(a.landmarkSets.count("centroid"), 1u);
  ASSERT_EQ(a.measurements.count("threshold.volume"), 1u);
  const double volume = a.measurements.at("threshold.volume").value;
  EXPECT_NEAR(volume, 16 * 12 * 3 * 2.5 / 1000.0, 1e-6);
  QTRY_VERIFY_WITH_TIMEOUT(!w.measurementsPanel()->valueText("threshold.volume").isEmpty(), 2000);

  // Drawn: the label map (red) inside the block, not outside; toggling its label hides it.
  app::AnnotatedSliceView* view = w.sliceView();
  view->setSlice(a.boxes[0].slice);
  QTest::qWait(50);
  // Inside the block, away from the centroid's handle in its middle.
  const QPointF inside = view->indexToWidget({22.0, 16.0, static_cast<double>(a.boxes[0].slice)});
  const QPointF outside = view->indexToWidget({6, 6, static_cast<double>(a.boxes[0].slice)});
  EXPECT_GT(redness(view, inside), 40) << "label map drawn over the block";
  EXPECT_LT(redness(view, outside), 15);
  report::LabelMapStyle style = view->labelStyle();
  style.hiddenLabels.insert({"bright", 1});
  view->setLabelStyle(style);
  EXPECT_LT(redness(view, inside), 15) << "a hidden label is not drawn";
  style.hiddenLabels.clear();
  view->setLabelStyle(style);
  const QRectF box = view->boxRect(0);
  ASSERT_FALSE(box.isEmpty()) << "the box lies on the shown slice";

  // Move the box by dragging its inside: one command; undo puts it back.
  const Eigen::Vector2d minBefore = a.boxes[0].min;
  const QPoint grab = (box.center() + QPointF(0, box.height() / 4)).toPoint();
  ASSERT_EQ(view->boxAt(grab), 0);
  QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, grab);
  for (int step = 1; step <= 5; ++step) QTest::mouseMove(view, grab + QPoint(6 * step, 0));
  QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, grab + QPoint(30, 0));
  const auto& moved = w.document().annotations(uid).boxes.at(0);
  EXPECT_GT(moved.min.x() - minBefore.x(), 2.0);
  EXPECT_NEAR(moved.min.y(), minBefore.y(), 1e-9);
  EXPECT_TRUE(moved.edited);
  EXPECT_EQ(w.document().undoText(), "Move box bright region");
  w.document().undo();
  EXPECT_EQ(w.document().annotations(uid).boxes.at(0).min, minBefore);
  // Resize from the bottom-right corner.
  const QPoint corner = view->boxRect(0).bottomRight().toPoint();
  QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, corner);
  QTest::mouseMove(view, corner + QPoint(20, 20));
  QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, corner + QPoint(20, 20));
  EXPECT_EQ(w.document().annotations(uid).boxes.at(0).min, minBefore) << "a resize keeps the other corner";
  EXPECT_GT(w.document().annotations(uid).boxes.at(0).max.x(), a.boxes.empty() ? 0.0 : 36.0);
  // Delete the selected box with the Delete key, then undo.
  view->setFocus();
  QTest::keyClick(view, Qt::Key_Delete);
  EXPECT_TRUE(w.document().annotations(uid).boxes.empty());
  w.document().undo();
  ASSERT_EQ(w.document().annotations(uid).boxes.size(), 1u);

  // Drag the centroid: the rule recomputes its measurement, marked edited; the label-map volume stays.
  const auto& set = w.document().annotations(uid).landmarkSets.at("centroid");
  const QPoint handle = view->landmarkPosition("centroid", 0).toPoint();
  ASSERT_EQ(view->landmarkAt(handle), std::make_pair(std::string("centroid"), 0));
  const double offsetBefore = w.document().annotations(uid).measurements.at("threshold.centre_offset").value;
  QTest::mousePress(view, Qt::LeftButton, Qt::NoModifier, handle);
  QTest::mouseMove(view, handle + QPoint(10, 30));
  QTest::mouseRelease(view, Qt::LeftButton, Qt::NoModifier, handle + QPoint(10, 30));
  EXPECT_TRUE(set.points[0].edited);
  const core::Measurement offset = w.document().annotations(uid).measurements.at("threshold.centre_offset");
  EXPECT_GT(std::abs(offset.value - offsetBefore), 1.0);
  EXPECT_TRUE(offset.edited);
  EXPECT_FALSE(w.document().annotations(uid).measurements.at("threshold.volume").edited);
  QTRY_VERIFY_WITH_TIMEOUT(w.measurementsPanel()->isMarkedEdited("threshold.centre_offset"), 2000);

  // Export: one PDF, findings.json with the module's block, the label map as NIfTI.
  QTemporaryDir out;
  QString error;
  const QStringList files = w.exportFindings(out.path(), &error);
  ASSERT_FALSE(files.isEmpty()) << error.toStdString();
  const auto j = nlohmann::json::parse(test::readFile((out.path() + "/findings.json").toStdString()));
  ASSERT_TRUE(j["modules"].contains(test::kThresholdId)) << j.dump(1);
  const auto& block = j["modules"][test::kThresholdId]["series"][0];
  EXPECT_EQ(block["correctedByHand"]["landmarks"][0], "centroid/centre");
  const std::string nifti = block["labelMaps"][0]["file"];
  const auto labels = io::readNifti((out.path() + "/").toStdString() + nifti);
  EXPECT_EQ(labels->geometry().size[2], 8);
  EXPECT_EQ(labels->value(27, 19, 4), 1);
  OPENRAD_REQUIRE(test::haveProgram("pdftotext"), "pdftotext (poppler-utils) not installed");
  std::string text;
  ASSERT_EQ(test::runCommand("pdftotext -layout '" + (out.path() + "/report.pdf").toStdString() + "' -", text), 0);
  EXPECT_TRUE(test::contains(text, "Centre offset")) << text;
  EXPECT_TRUE(test::contains(text, "Corrected by hand (2): centre, box bright region")) << text;  // moved, resized

  // The session: a new window on the same study finds the module's findings and the hand correction.
  w.close();
  app::MainWindow again(options());
  ASSERT_TRUE(openAndWait(again, studyPath));
  const auto& restored = again.document().annotations(uid);
  EXPECT_EQ(restored.labelMaps.count("bright"), 1u);
  EXPECT_EQ(restored.boxes.size(), 1u);
  ASSERT_EQ(restored.measurements.count("threshold.centre_offset"), 1u);
  EXPECT_TRUE(restored.measurements.at("threshold.centre_offset").edited);
  EXPECT_NEAR(restored.measurements.at("threshold.centre_offset").value, offset.value, 1e-9);
}
