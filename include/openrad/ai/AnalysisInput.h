#pragma once

#include "openrad/core/Annotations.h"
#include "openrad/core/Study.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace openrad::ai {

/// One thing a module can analyse, as the module proposed it from what is loaded: one series, a pair (AP +
/// lateral of one study), a series plus another module's findings, or all studies of one patient.
struct AnalysisInput {
  std::string moduleId;
  std::string label;  ///< for the user, e.g. "DX AP #2 'Spine AP'"
  /// The series involved, in the order of `roles`; the first is the primary one (its study names the input).
  std::vector<std::shared_ptr<const core::Series>> series;
  std::vector<std::string> roles;  ///< per series, e.g. "radiograph", "ap", "lateral", "baseline", "follow-up"
  core::PatientInfo patient;
  core::StudyInfo study;  ///< study of the primary series
  /// Snapshot of the annotations the module reads (another module's findings), by series uid.
  std::map<std::string, core::SeriesAnnotations> annotations;

  /// The primary series (nullptr when none).
  const core::Series* primary() const { return series.empty() ? nullptr : series.front().get(); }
  /// The series playing `role`, or nullptr.
  const core::Series* withRole(const std::string& role) const;
};

/// Every (patient, study, series) of a load result, in tree order.
struct LoadedSeries {
  const core::Patient* patient = nullptr;
  const core::Study* study = nullptr;
  std::shared_ptr<const core::Series> series;
};
/// Flattens a load result (pointers into `loaded`).
std::vector<LoadedSeries> loadedSeries(const core::LoadResult& loaded);

/// "series #2 DX AP 'AP spine' 1024x2048" for messages.
std::string describeSeries(const core::Series& series);

}  // namespace openrad::ai
