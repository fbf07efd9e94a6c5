#pragma once

#include "openrad/ai/AnalysisInput.h"
#include "openrad/core/Annotations.h"
#include "openrad/core/Commands.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace openrad::ai {

/// What a module found: annotations per series involved, study-level results (tables, meshes), warnings.
struct Findings {
  std::map<std::string, core::SeriesAnnotations> series;  ///< by SeriesInstanceUID
  core::SeriesAnnotations study;       ///< study-level results (tables, meshes), stored on core::studyKey(uid)
  std::vector<std::string> warnings;  ///< e.g. "5 corners below confidence 0.3: review"
  double seconds = 0.0;               ///< wall time of the run

  /// Annotations of the primary series of `input` (created when missing).
  core::SeriesAnnotations& primary(const AnalysisInput& input) { return series[input.primary()->info.seriesUid]; }
};

/// The commands that apply `findings` of module `moduleId` to a document: one ApplyFindingsCommand per series
/// involved (and one for the study-level results), each replacing exactly that module's earlier output. The
/// warnings are kept on the primary series. Execute them as one step (Document::execute(commands, text)).
std::vector<std::unique_ptr<core::Command>> findingsCommands(const std::string& moduleId, const AnalysisInput& input,
                                                             const Findings& findings);

/// Number of hand corrections (landmarks, label maps, boxes) of module `moduleId` that applying a new run on
/// `input` would replace: asked about before the run starts.
int handCorrectionsReplaced(const std::string& moduleId, const AnalysisInput& input, const core::Document& document);

}  // namespace openrad::ai
