// Issue 11, review in the workstation: a sagittal lumbar MRI with two herniations is analysed by mri-lumbar and then
// mri-herniation; the reader rejects one finding (its boxes stay, greyed, and it leaves the findings), draws a box the
// AI missed (Shift+drag), undoes and redoes it, and exports: the PDF lists the levels found, the rejected one apart,
// the operating point, and "edited" for the drawn one.

#include "openrad/app/AnnotatedSliceView.h"
#include "openrad/app/MainWindow.h"
#include "openrad/phantom/Phantom.h"

#include "Requires.h"

#include <gtest/gtest.h>

#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

using namespace openrad;

const std::string kCount = "herniation.count";

bool analyse(app::MainWindow& w, const QString& module) {
  QSignalSpy analysed(&w, &app::MainWindow::analysisFinished);
  if (!w.analyseShownSeries(module)) return false;
  if (!analysed.wait(120000)) return false;
  EXPECT_TRUE(analysed.front().at(0).toBool()) << analysed.front().at(1).toString().toStdString();
  return analysed.front().at(0).toBool();
}

TEST(HerniationReviewGui, RejectDrawUndoExport) {
  QTemporaryDir dir;
  phantom::GenerateOptions o;
  o.count = 1;
  o.seed = 50612;  // herniations at L4-L5 (extrusion) and L5-S1 (protrusion); not a training or tuning seed
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

  ASSERT_TRUE(analyse(w, QStringLiteral("mri-lumbar")));
  ASSERT_TRUE(analyse(w, QStringLiteral("mri-herniation")));
  const auto annotations = [&] { return w.document().annotations(uid); };
  ASSERT_FALSE(annotations().boxes.empty()) << "the AI finds the herniations of this phantom";
  ASSERT_TRUE(annotations().measurements.count(kCount));
  const double foundBefore = annotations().measurements.at(kCount).value;
  ASSERT_GE(foundBefore, 1);

  // Select the first box on its slice and reject its finding.
  const core::Box first = annotations().boxes.front();
  const std::string level = first.attribute("finding");
  ASSERT_FALSE(level.empty());
  view->setSlice(first.slice);
  const QRectF r = view->boxRect(0);
  ASSERT_FALSE(r.isEmpty());
  QTest::mouseClick(view, Qt::LeftButton, Qt::NoModifier, r.center().toPoint());
  ASSERT_EQ(view->selectedBox(), 0);
  view->reviewSelectedBox(QStringLiteral("rejected"));
  for (const core::Box& b : annotations().boxes)
    if (b.attribute("finding") == level) EXPECT_EQ(b.review, "rejected") << "every box of the finding";
  EXPECT_EQ(annotations().measurements.at(kCount).value, foundBefore - 1);
  EXPECT_EQ(annotations().measurements.at("herniation." + level).attribute("review"), "rejected");
  EXPECT_EQ(w.document().undoText(), "Reject " + level);

  // Draw a box the AI missed: Shift+drag on an empty part of the slice.
  const std::size_t boxesBefore = annotations().boxes.size();
  const QPoint a = view->rect().center() + QPoint(-200, -250), b = a + QPoint(30, 24);
  ASSERT_LT(view->boxAt(a), 0);
  QTest::mousePress(view, Qt::LeftButton, Qt::ShiftModifier, a);
  QTest::mouseMove(view, a + QPoint(15, 12));
  QTest::mouseMove(view, b);
  QTest::mouseRelease(view, Qt::LeftButton, Qt::ShiftModifier, b);
  ASSERT_EQ(annotations().boxes.size(), boxesBefore + 1);
  const core::Box drawn = annotations().boxes.back();
  EXPECT_EQ(drawn.provenance.source, "manual");
  EXPECT_EQ(drawn.slice, view->slice());
  EXPECT_TRUE(drawn.edited);
  const auto drawnLevelMeasurement = [&] {
    for (const auto& [id, m] : annotations().measurements)
      if (m.attribute("source") == "manual") return id;
    return std::string();
  };
  EXPECT_FALSE(drawnLevelMeasurement().empty()) << "the drawn box is a finding of its own";
  w.document().undo();
  EXPECT_EQ(annotations().boxes.size(), boxesBefore);
  EXPECT_TRUE(drawnLevelMeasurement().empty());
  w.document().redo();
  ASSERT_EQ(annotations().boxes.size(), boxesBefore + 1);

  QTemporaryDir out;
  QString error;
  const QStringList files = w.exportFindings(out.path(), &error);
  ASSERT_FALSE(files.isEmpty()) << error.toStdString();
  QString pdf;
  for (const QString& f : files)
    if (f.endsWith(".pdf")) pdf = f;
  ASSERT_FALSE(pdf.isEmpty());
  OPENRAD_REQUIRE(!QStandardPaths::findExecutable("pdftotext").isEmpty(), "poppler-utils not installed");
  QProcess p;
  p.start("pdftotext", {"-layout", pdf, "-"});
  ASSERT_TRUE(p.waitForFinished(60000));
  const QString text = QString::fromUtf8(p.readAllStandardOutput());
  EXPECT_TRUE(text.contains("Levels with a herniation")) << text.toStdString();
  EXPECT_TRUE(text.contains("Rejected by the reader")) << text.toStdString();
  EXPECT_TRUE(text.contains(QString::fromStdString(level))) << text.toStdString();
  EXPECT_TRUE(text.contains("specificity")) << "the operating point is stated";
  EXPECT_TRUE(text.contains("edited")) << "the drawn finding is marked";
}

}  // namespace
