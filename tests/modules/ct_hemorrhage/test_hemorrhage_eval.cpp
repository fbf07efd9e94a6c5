// `eval ct-hemorrhage` end to end on a head-ct phantom folder (one patient: baseline and follow-ups) with an untrained
// model: every named metric is reported and in range, every study is a case with truth and prediction, and a folder
// that is no head-ct output is an error naming it.
#include "HemorrhageModule.h"

#include "openrad/io/IoError.h"
#include "openrad/modules/Module.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageAnalysis.h"
#include "openrad/modules/ct_hemorrhage/HemorrhageDataset.h"
#include "openrad/phantom/Phantom.h"

#include "TempDir.h"

#include <gtest/gtest.h>
#include <CLI/CLI.hpp>

#include <cmath>
#include <map>

namespace {

using namespace openrad;
using namespace openrad::modules::ct_hemorrhage;

modules::EvalReport evaluate(const std::string& data, const std::string& model) {
  const modules::Module* m = modules::Registry::builtIn().find(kModuleId);
  if (!m || !m->eval.setup) throw std::logic_error("ct-hemorrhage has no eval hook");
  CLI::App app;
  const auto run = m->eval.setup(app);
  modules::EvalOptions o;
  o.data = data;
  o.model = model;
  o.threads = 2;
  return run(o);
}

TEST(HemorrhageEval, APhantomFolderGivesEveryMetricAndEveryCase) {
  test::TempDir dir("openrad-hemorrhage-eval");
  phantom::GenerateOptions g;
  g.count = 1;  // one patient: its baseline and follow-up studies
  g.seed = 4242;
  g.outDir = dir.file("data");
  phantom::generateHeadCt(g);
  const std::size_t studies = listHeadCtDataset(g.outDir).size();
  ASSERT_GE(studies, 2u);
  writeUntrainedHemorrhageModel(dir.file("model"), 3, 4);
  const modules::EvalReport r = evaluate(g.outDir, dir.file("model"));
  std::map<std::string, double> metrics(r.metrics.begin(), r.metrics.end());
  for (const char* name :
       {"dice_hematoma", "dice_edema", "volume_ccc_hematoma", "count_accuracy", "dice_hematoma_median",
        "volume_ccc_edema", "volume_bias_hematoma_ml", "abc2_mae_ml", "abc2_truth_labels_mae_ml"}) {
    ASSERT_TRUE(metrics.count(name)) << name;
    EXPECT_TRUE(std::isfinite(metrics[name])) << name << " = " << metrics[name];
  }
  EXPECT_EQ(metrics["studies"], static_cast<double>(studies));
  for (const char* name : {"dice_hematoma", "dice_edema", "count_accuracy"}) {
    EXPECT_GE(metrics[name], 0.0) << name;
    EXPECT_LE(metrics[name], 1.0) << name;
  }
  EXPECT_GE(metrics["volume_ccc_hematoma"], -1.0);
  EXPECT_LE(metrics["volume_ccc_hematoma"], 1.0);
  EXPECT_LE(metrics["volume_loa_low_hematoma_ml"], metrics["volume_bias_hematoma_ml"]);
  EXPECT_GE(metrics["volume_loa_high_hematoma_ml"], metrics["volume_bias_hematoma_ml"]);
  // ABC/2 on the true label map is the formula's own error: a bedside estimate, within half the volume here.
  EXPECT_LT(metrics["abc2_truth_labels_mae_ml"], 15.0);
  ASSERT_EQ(r.cases.size(), studies);
  for (const auto& c : r.cases) {
    ASSERT_TRUE(c.contains("truth") && c.contains("predicted")) << c.dump();
    EXPECT_GT(c["truth"]["hematoma_ml"].get<double>(), 0.0) << c.dump();
    EXPECT_TRUE(c["predicted"].contains("hematoma_ml") && c["predicted"].contains("lesion_count")) << c.dump();
    EXPECT_TRUE(c.contains("dice")) << c.dump();
  }
  EXPECT_FALSE(r.text.empty());
}

TEST(HemorrhageEval, AFolderWithoutHeadCtStudiesIsNamed) {
  test::TempDir dir("openrad-hemorrhage-eval-bad");
  writeUntrainedHemorrhageModel(dir.file("model"), 3, 4);
  try {
    evaluate(dir.path().string(), dir.file("model"));
    FAIL() << "expected IoError";
  } catch (const io::IoError& e) {
    EXPECT_NE(std::string(e.what()).find(dir.path().string()), std::string::npos) << e.what();
  }
}

}  // namespace
