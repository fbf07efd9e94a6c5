#pragma once

#include <QString>

namespace openrad::app {

/// `openrad --bench-review PATH`: opens a radiograph, analyses it, then times `iterations` landmark edits
/// through the real path (MoveLandmarkCommand → measurement update → autosave → panel refresh → paint of
/// the viewer, as the event loop runs them) against an update of the unchanged view, and prints median / 95th percentile / worst with the
/// ratio to a 60 Hz frame (16.7 ms). Returns the process exit code.
int runReviewBench(const QString& path, int iterations, const QString& modelsRoot = {});

}  // namespace openrad::app
