#include "openrad/app/ReviewBench.h"

#include "openrad/app/AnnotatedSliceView.h"
#include "openrad/app/MainWindow.h"
#include "openrad/core/Commands.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

namespace openrad::app {
namespace {

bool waitFor(QObject* sender, const char* signal, int timeoutMs) {
  QEventLoop loop;
  QTimer timeout;
  timeout.setSingleShot(true);
  QObject::connect(&timeout, &QTimer::timeout, &loop, [&loop] { loop.exit(1); });
  QObject::connect(sender, signal, &loop, SLOT(quit()));
  timeout.start(timeoutMs);
  return loop.exec() == 0;
}

struct Stats {
  double median = 0.0, p95 = 0.0, worst = 0.0;
};

Stats stats(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  Stats s;
  if (ms.empty()) return s;
  s.median = ms[ms.size() / 2];
  s.p95 = ms[std::min(ms.size() - 1, ms.size() * 95 / 100)];
  s.worst = ms.back();
  return s;
}

}  // namespace

int runReviewBench(const QString& path, int iterations, const QString& modelsRoot) {
  MainWindow::Options options;
  options.volumeView = false;
  options.errorDialogs = false;
  options.rememberRecent = false;
  options.modelsRoot = modelsRoot;
  MainWindow window(options);
  window.resize(1560, 940);
  window.show();
  window.openPaths({path});
  if (!waitFor(&window, SIGNAL(loadFinished()), 120000) || !window.sliceView()->series()) {
    std::fprintf(stderr, "bench-review: %s did not load\n", qPrintable(path));
    return 2;
  }
  bool ok = false;
  QString message;
  QObject::connect(&window, &MainWindow::analysisFinished, &window, [&](bool success, const QString& text) {
    ok = success;
    message = text;
  });
  if (!window.analyseShownSeries() || !waitFor(&window, SIGNAL(analysisFinished(bool, QString)), 120000) || !ok) {
    std::fprintf(stderr, "bench-review: analysis failed: %s\n", qPrintable(message));
    return 2;
  }
  AnnotatedSliceView* view = window.sliceView();
  const std::string uid = view->series()->info.seriesUid;
  // The landmark set the analysis produced (whichever module ran): the edits move its points.
  const auto& sets = window.document().annotations(uid).landmarkSets;
  if (sets.empty()) {
    std::fprintf(stderr, "bench-review: no landmark set after the analysis\n");
    return 2;
  }
  const std::string setName = sets.begin()->first;
  const core::LandmarkSet* set = view->landmarkSet(setName);
  // What a user sees is one event-loop pass: the adapter's merged notification refreshes the panel and
  // schedules the viewer, whose paint runs in the next pass. The peer is the same loop with an update only.
  const auto settle = [] {
    QCoreApplication::processEvents();
    QCoreApplication::processEvents();
  };
  for (int i = 0; i < 5; ++i) {
    view->update();
    settle();
  }
  std::vector<double> plain, edit, command, refresh, paint;
  QElapsedTimer t;
  for (int i = 0; i < iterations; ++i) {
    t.start();
    view->update();
    settle();
    plain.push_back(static_cast<double>(t.nsecsElapsed()) / 1e6);
  }
  for (int i = 0; i < iterations; ++i) {
    const core::LandmarkSet& current = window.document().annotations(uid).landmarkSets.at(setName);
    const core::Landmark& p = current.points[static_cast<std::size_t>(i % static_cast<int>(current.points.size()))];
    const Eigen::Vector3d after = p.position + Eigen::Vector3d((i % 2) ? -1.5 : 1.5, 1.0, 0.0);
    t.start();
    window.document().execute(
        std::make_unique<core::MoveLandmarkCommand>(uid, current.name, p.name, p.position, after));
    const double t1 = static_cast<double>(t.nsecsElapsed()) / 1e6;
    QCoreApplication::processEvents();  // panel refresh; the viewer is scheduled
    const double t2 = static_cast<double>(t.nsecsElapsed()) / 1e6;
    QCoreApplication::processEvents();  // the viewer paints
    const double t3 = static_cast<double>(t.nsecsElapsed()) / 1e6;
    command.push_back(t1);
    refresh.push_back(t2 - t1);
    paint.push_back(t3 - t2);
    edit.push_back(t3);
  }
  const Stats a = stats(plain), b = stats(edit);
  constexpr double kFrame = 1000.0 / 60.0;
  std::printf("bench review: %d edits of %s (%dx%d view, %zu landmarks, %zu measurements)\n", iterations,
              qPrintable(path), view->width(), view->height(), set->points.size(),
              window.document().annotations(uid).measurements.size());
  std::printf("  %-44s median %6.2f ms  p95 %6.2f ms  worst %6.2f ms\n", "viewer update, no edit (peer)", a.median, a.p95, a.worst);
  std::printf("  %-44s median %6.2f ms  p95 %6.2f ms  worst %6.2f ms\n",
              "edit: command, measurements, panel, paint", b.median, b.p95, b.worst);
  const Stats c = stats(command), r = stats(refresh), q = stats(paint);
  std::printf("    %-42s median %6.2f ms  p95 %6.2f ms\n", "of which command + measurements + autosave", c.median, c.p95);
  std::printf("    %-42s median %6.2f ms  p95 %6.2f ms\n", "of which first event-loop pass (panel)", r.median, r.p95);
  std::printf("    %-42s median %6.2f ms  p95 %6.2f ms\n", "of which second pass (viewer paint)", q.median, q.p95);
  std::printf("  ratio edit/peer (median): %.2f\n", a.median > 0 ? b.median / a.median : 0.0);
  std::printf("  ratio edit p95 / 60 Hz frame (16.7 ms): %.2f  (target <= 1)\n", b.p95 / kFrame);
  return 0;
}

}  // namespace openrad::app
