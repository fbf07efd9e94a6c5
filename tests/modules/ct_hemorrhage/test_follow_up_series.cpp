#include "openrad/modules/ct_hemorrhage/FollowUpSeries.h"
#include "openrad/phantom/HeadCt.h"

#include <gtest/gtest.h>

#include <sstream>

using namespace openrad;
using namespace openrad::modules::ct_hemorrhage;

namespace {

/// The phantom patient's scans given out of order (last first), with dates from the plan's days.
std::vector<FollowUpScan> scansOf(const phantom::HeadCtPatientPlan& plan, std::vector<phantom::HeadCtCase>& cases) {
  std::vector<FollowUpScan> scans;
  for (std::size_t t = plan.studies.size(); t-- > 0;) {
    cases.push_back(phantom::renderHeadCt(plan.studies[t]));
    const int day = plan.studies[t].day;
    FollowUpScan s;
    s.studyUid = "1.2.3." + std::to_string(t);
    s.date = "202403" + std::string(day + 1 < 10 ? "0" : "") + std::to_string(day + 1);
    s.time = "080000";
    s.ct = cases.back().ct;
    s.labels = cases.back().labels;
    scans.push_back(s);
  }
  return scans;
}

}  // namespace

// A growing single hematoma re-scanned in new poses: ordered by date, volumes from the label maps, the lesion matched
// from scan to scan (after registration), expansion flagged where the rule says, and one CSV row per scan.
TEST(FollowUpSeries, OrdersRegistersMatchesAndFlagsAGrowingHematoma) {
  phantom::HeadCtPatientPlan plan;
  for (std::uint64_t i = 0; i < 40 && plan.studies.size() < 2; ++i) {
    auto candidate = phantom::sampleHeadCtPatient(5151, i);
    if (candidate.trend == "growing" && candidate.studies.front().hematomas.size() == 1) plan = candidate;
  }
  ASSERT_GE(plan.studies.size(), 2u) << "no growing single-lesion patient in the first 40 of seed 5151";
  std::vector<phantom::HeadCtCase> cases;
  cases.reserve(plan.studies.size());
  const auto scans = scansOf(plan, cases);
  const FollowUpSeries f = followUpSeries(scans, scans.size() - 1);  // the baseline (given last) is the reference
  ASSERT_EQ(f.points.size(), plan.studies.size());
  ASSERT_EQ(f.lesions.size(), f.points.size());
  EXPECT_EQ(f.referenceStudyUid, "1.2.3.0");
  EXPECT_EQ(f.points.front().study.studyUid, "1.2.3.0");
  for (std::size_t t = 0; t < f.points.size(); ++t) {
    const auto& truth = cases[cases.size() - 1 - t];  // cases were rendered last first
    EXPECT_EQ(f.points[t].day, plan.studies[t].day);
    EXPECT_NEAR(f.points[t].study.hematomaMl, truth.hematomaMl, 1e-9);
    if (t == 0) continue;
    const double before = f.points[t - 1].study.hematomaMl, now = f.points[t].study.hematomaMl;
    EXPECT_EQ(f.points[t].expansion, now - before >= 6 || (now - before) / before >= 0.33) << t;
    ASSERT_FALSE(f.points[t].matches.empty());
    EXPECT_EQ(f.points[t].matches.front().status, "matched") << "scan " << t << ": " << f.points[t].matches.front().distanceMm;
    EXPECT_LT(f.points[t].matches.front().distanceMm, 6.0);
  }
  const std::string csv = followUpCsv(f);
  std::istringstream lines(csv);
  std::string header, line;
  std::getline(lines, header);
  EXPECT_EQ(header.rfind("study_uid,date,day,hematoma_ml", 0), 0u);
  int rows = 0;
  while (std::getline(lines, line)) ++rows;
  EXPECT_EQ(rows, static_cast<int>(plan.studies.size()));
}

TEST(FollowUpSeries, RefusesALabelMapOffItsCtGrid) {
  core::Geometry g;
  g.size = {16, 16, 4};
  FollowUpScan s;
  s.studyUid = "1.2.9";
  s.date = "20240101";
  s.ct = std::make_shared<core::Image>(g, core::PixelType::Int16);
  g.size = {16, 16, 5};
  s.labels = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  try {
    followUpSeries({s}, 0);
    FAIL() << "a label map on another grid was accepted";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("1.2.9"), std::string::npos) << e.what();
  }
  EXPECT_THROW(followUpSeries({}, 0), std::invalid_argument);
}
