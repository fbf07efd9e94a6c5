#pragma once

#include "openrad/ai/Findings.h"
#include "openrad/ai/ModuleInfo.h"
#include "openrad/ai/RunContext.h"
#include "openrad/core/Study.h"

namespace openrad::ai {

/// One AI module: loads its model once (at construction), then runs on series. run() is const and may be
/// called from a worker thread; it throws ModelError, std::invalid_argument (unsupported series) or
/// io::Cancelled.
class AiModule {
public:
  virtual ~AiModule() = default;
  /// Id, version, accepted inputs, outputs.
  virtual ModuleInfo info() const = 0;
  /// True when the module can run on this series (modality, dimensionality, view).
  virtual bool accepts(const core::Series& series) const = 0;
  /// Runs the model on a series and returns its findings.
  virtual Findings run(const core::Series& series, const RunContext& context) const = 0;
};

}  // namespace openrad::ai
