#include "openrad/app/MainWindow.h"
#include "openrad/app/ReviewBench.h"
#include "openrad/ai/ThreadPolicy.h"
#include "openrad/app/AnalysisRunner.h"
#include "openrad/app/AnnotatedSliceView.h"
#include "openrad/app/Theme.h"
#include "openrad/app/VtkView.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QDialog>
#include <QFileInfo>
#include <QImage>
#include <QSurfaceFormat>
#include <QTimer>

#include <algorithm>
#include <cstdio>

int main(int argc, char** argv) {
  openrad::ai::applyThreadPolicy(argc, argv);
  // VTK needs a 3.2 core context; the default format must be set before QApplication exists.
  openrad::app::setVtkDefaultSurfaceFormat();

  QApplication application(argc, argv);
  QApplication::setApplicationName(QStringLiteral("OpenRad"));
  QApplication::setOrganizationName(QStringLiteral("OpenRad"));
  QApplication::setApplicationVersion(QStringLiteral("0.1.0"));

  QCommandLineParser parser;
  parser.setApplicationDescription(QStringLiteral("OpenRad imaging workstation"));
  parser.addHelpOption();
  parser.addVersionOption();
  QCommandLineOption screenshot(QStringLiteral("screenshot"),
                                QStringLiteral("Save a PNG of the window once loading is done, then quit."),
                                QStringLiteral("file"));
  QCommandLineOption no3d(QStringLiteral("no-3d"), QStringLiteral("Run without the OpenGL 3D view."));
  QCommandLineOption plane(QStringLiteral("plane"), QStringLiteral("Initial 2D plane: axial, coronal or sagittal."),
                           QStringLiteral("name"));
  QCommandLineOption benchReview(QStringLiteral("bench-review"),
                                 QStringLiteral("Time landmark edits (command, measurements, panel, repaint) on a "
                                                "radiograph against a plain repaint, print the figures and quit."),
                                 QStringLiteral("radiograph"));
  QCommandLineOption iterations(QStringLiteral("iterations"), QStringLiteral("Edits timed by --bench-review (200)."),
                                QStringLiteral("n"), QStringLiteral("200"));
  QCommandLineOption analyse(QStringLiteral("analyse"),
                             QStringLiteral("Run the first AI module that applies to the first series once it is loaded."));
  parser.addOption(analyse);
  parser.addOption(benchReview);
  parser.addOption(iterations);
  parser.addOption(screenshot);
  parser.addOption(no3d);
  parser.addOption(plane);
  parser.addPositionalArgument(QStringLiteral("paths"), QStringLiteral("Files or folders to open."), QStringLiteral("[paths...]"));
  parser.process(application);

  openrad::app::applyDarkTheme(application);
  if (parser.isSet(benchReview))
    return openrad::app::runReviewBench(parser.value(benchReview), std::max(10, parser.value(iterations).toInt()));
  openrad::app::MainWindow::Options options;
  options.volumeView = !parser.isSet(no3d);
  options.errorDialogs = true;
  openrad::app::MainWindow window(options);
  window.resize(1560, 940);
  window.show();

  const QString planeName = parser.value(plane).toLower();
  if (!planeName.isEmpty()) {
    QObject::connect(&window, &openrad::app::MainWindow::seriesShown, &window, [&window, planeName] {
      const int axis = planeName.startsWith('s') ? 0 : planeName.startsWith('c') ? 1 : 2;
      QMetaObject::invokeMethod(&window, [&window, axis] {
        if (auto* view = window.sliceView()) view->setAnatomicalPlane(axis);
      }, Qt::QueuedConnection);
    });
  }

  if (parser.isSet(analyse)) {
    QObject::connect(&window, &openrad::app::MainWindow::loadFinished, &window, [&window] {
      static bool once = false;
      if (!once) once = window.analyseShownSeries();
    });
  }
  if (parser.isSet(screenshot)) {
    const QString file = parser.value(screenshot);
    auto grab = [&window, file] {
      // Give the GL view a few frames after the data arrived.
      QTimer::singleShot(1500, &window, [&window, file] {
        const QImage image = window.screenshot();
        const bool ok = image.save(file);
        std::fprintf(ok ? stdout : stderr, ok ? "screenshot: %s\n" : "could not write %s\n", qPrintable(file));
        // Dialogs (load problems) are separate windows: save them next to the main picture.
        int index = 0;
        for (QWidget* widget : QApplication::topLevelWidgets()) {
          if (widget == &window || !widget->isVisible() || !qobject_cast<QDialog*>(widget)) continue;
          const QString dialogFile = QFileInfo(file).path() + "/" + QFileInfo(file).completeBaseName() +
                                     QStringLiteral("-dialog%1.png").arg(++index);
          if (widget->grab().save(dialogFile)) std::printf("dialog: %s\n", qPrintable(dialogFile));
        }
        QApplication::exit(ok ? 0 : 1);
      });
    };
    if (parser.positionalArguments().isEmpty()) QTimer::singleShot(0, &window, grab);
    else if (parser.isSet(analyse)) QObject::connect(&window, &openrad::app::MainWindow::analysisFinished, &window, grab);
    else QObject::connect(&window, &openrad::app::MainWindow::loadFinished, &window, grab);
    if (parser.isSet(analyse))  // nothing to analyse: grab what is there
      QObject::connect(&window, &openrad::app::MainWindow::loadFinished, &window, [&window, grab] {
        if (!window.analysisRunner()->isRunning()) grab();
      });
    QTimer::singleShot(300000, &window, [] {
      std::fprintf(stderr, "screenshot: timed out waiting for the load\n");
      QApplication::exit(2);
    });
  }
  if (!parser.positionalArguments().isEmpty()) window.openPaths(parser.positionalArguments());
  return QApplication::exec();
}
