// Issue 11, review in the workstation: a sagittal lumbar MRI with two herniations is analysed by mri-lumbar and then
// mri-herniation; the reader draws a box the AI missed (Shift+drag: a finding of its own), rejects it (the box stays,
// greyed, and it leaves the count), undoes and redoes both, and exports: the PDF lists the findings table, the
// rejected one apart, and the operating point. (What the AI finds is tested on the model, not here.)

#include "openrad/app/AnnotatedSliceView.h"
#include "openrad/app/MainWindow.h"
#include "openrad/phantom/Phantom.h"

#include "Requires.h"

#include <gtest/gtest.h>

#include <QProcess>
#include <QRegularExpression>
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
  ASSERT_TRUE(annotations().measurements.count(kCount)) << "the module read the series";
  const double foundBefore = annotations().measurements.at(kCount).value;
  // The view is on a slice the module read (the midline).
  EXPECT_TRUE(annotations().tables.count("mri-herniation.read"));

  // Draw a box the AI missed: Shift+drag on an empty part of the shown slice. It becomes a finding of its own.
  const std::size_t boxesBefore = annotations().boxes.size();
  QPoint a = view->rect().center() + QPoint(-200, -250);
  ASSERT_LT(view->boxAt(a), 0);
  const QPoint b = a + QPoint(30, 24);
  QTest::mousePress(view, Qt::LeftButton, Qt::ShiftModifier, a);
  QTest::mouseMove(view, a + QPoint(15, 12));
  QTest::mouseMove(view, b);
  QTest::mouseRelease(view, Qt::LeftButton, Qt::ShiftModifier, b);
  ASSERT_EQ(annotations().boxes.size(), boxesBefore + 1);
  const core::Box drawn = annotations().boxes.back();
  EXPECT_EQ(drawn.provenance.source, "manual");
  EXPECT_EQ(drawn.slice, view->slice());
  EXPECT_TRUE(drawn.edited);
  EXPECT_EQ(view->selectedBox(), static_cast<int>(boxesBefore)) << "the drawn box is selected";
  const auto manualFinding = [&]() -> const core::Measurement* {
    for (const auto& [id, m] : w.document().annotations(uid).measurements)
      if (m.attribute("source") == "manual") return &m;
    return nullptr;
  };
  ASSERT_NE(manualFinding(), nullptr) << "the drawn box is a finding of its own";
  EXPECT_EQ(annotations().measurements.at(kCount).value, foundBefore + 1);

  // Reject it: it stays (drawn grey) but leaves the count; undo and redo the verdict.
  view->reviewSelectedBox(QStringLiteral("rejected"));
  EXPECT_EQ(annotations().boxes.back().review, "rejected");
  EXPECT_EQ(manualFinding()->attribute("review"), "rejected");
  EXPECT_EQ(annotations().measurements.at(kCount).value, foundBefore);
  w.document().undo();
  EXPECT_EQ(annotations().boxes.back().review, "");
  EXPECT_EQ(annotations().measurements.at(kCount).value, foundBefore + 1);
  w.document().redo();
  EXPECT_EQ(annotations().boxes.back().review, "rejected");
  // Undo the verdict and the drawing: back to what the AI found.
  w.document().undo();
  w.document().undo();
  EXPECT_EQ(annotations().boxes.size(), boxesBefore);
  EXPECT_EQ(manualFinding(), nullptr);
  w.document().redo();
  w.document().redo();
  ASSERT_EQ(annotations().boxes.size(), boxesBefore + 1);
  EXPECT_EQ(annotations().boxes.back().review, "rejected");

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
  EXPECT_TRUE(text.contains("specificity")) << "the operating point is stated";
  EXPECT_TRUE(text.contains(QRegularExpression("reject\\s+yes"))) << "the drawn finding is marked rejected and edited\n"
                                                               << text.toStdString();
}

}  // namespace
