#pragma once

#include "openrad/ai/AnalysisInput.h"
#include "openrad/ai/Findings.h"
#include "openrad/ai/ModuleInfo.h"
#include "openrad/ai/RunContext.h"
#include "openrad/core/Document.h"
#include "openrad/core/Study.h"

#include <stdexcept>
#include <vector>

namespace openrad::ai {

/// The module will not judge this input (wrong view or anatomy, implausible output): the message says why.
class Refused : public std::invalid_argument {
public:
  using std::invalid_argument::invalid_argument;
};

/// One AI module: loads its model once (at construction), proposes what it can analyse from what is loaded,
/// then runs on such an input. run() is const and may be called from a worker thread; it throws ModelError,
/// Refused (an input it cannot judge) or core::Cancelled.
class AiModule {
public:
  virtual ~AiModule() = default;
  /// Id, version, accepted inputs, outputs.
  virtual ModuleInfo info() const = 0;
  /// What this module can analyse among the loaded studies. The default proposes one input per series that
  /// accepts() (role "series"); modules with pairs, follow-ups or dependencies on other findings override it.
  virtual std::vector<AnalysisInput> candidates(const core::LoadResult& loaded, const core::Document& document) const;
  /// True when the module can run on this single series (used by the default candidates()).
  virtual bool accepts(const core::Series& series) const;
  /// Runs the model on an input and returns its findings.
  virtual Findings run(const AnalysisInput& input, const RunContext& context) const = 0;

  /// A single-series input for `series` (for tests, benches and the default candidates()).
  AnalysisInput inputFor(std::shared_ptr<const core::Series> series) const;
};

}  // namespace openrad::ai
