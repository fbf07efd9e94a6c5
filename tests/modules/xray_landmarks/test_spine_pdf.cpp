#include "SpineReportFixtures.h"

#include "Requires.h"
#include "SpineSection.h"
#include "TempDir.h"

#include <gtest/gtest.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>

using namespace openrad;
using namespace openrad::report;
using namespace openrad::test;
using namespace openrad::modules::xray_landmarks::test;

namespace {

constexpr const char* kPoppler = "poppler-utils (pdftoppm, pdftotext) not installed; scripts/openrad.sh installs them";

bool havePoppler() { return haveProgram("pdftoppm") && haveProgram("pdftotext"); }

/// `text` with every run of white space (line breaks of wrapped paragraphs among them) as one space.
std::string squeezed(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

/// The first line of `text` holding every one of `parts`, or "".
std::string lineWith(const std::string& text, const std::vector<std::string>& parts) {
  for (const auto& line : lines(text)) {
    bool all = true;
    for (const auto& p : parts) all = all && contains(line, p);
    if (all) return line;
  }
  return {};
}

class Pdf : public ::testing::Test {
protected:
  void SetUp() override { useOffscreenQt(); }
  /// Writes the report of `in` and returns its text (pdftotext, `-layout` keeps table rows on one line).
  std::string reportText(const ReportInput& in, const std::string& name, bool layout = true) {
    const std::string pdf = dir.file(name);
    writePdfReport(in, pdf, presentations());
    std::string text;
    EXPECT_EQ(runCommand(std::string("pdftotext ") + (layout ? "-layout '" : "'") + pdf + "' -", text), 0) << text;
    return text;
  }
  openrad::test::TempDir dir{"openrad-spine-pdf"};
};

}  // namespace

TEST_F(Pdf, RendersAndHoldsTheFindingsAsText) {
  OPENRAD_REQUIRE(havePoppler(), kPoppler);
  const ReportInput in = editedInput();
  const auto& ms = measurements(in);
  const std::string pdf = dir.file("report.pdf");
  writePdfReport(in, pdf, presentations());
  ASSERT_TRUE(std::filesystem::is_regular_file(pdf));
  EXPECT_EQ(readFile(pdf).rfind("%PDF-", 0), 0u);
  // OPENRAD_TEST_OUTPUT=DIR keeps the report of a hand-corrected spine for a look.
  if (const char* keep = std::getenv("OPENRAD_TEST_OUTPUT"); keep && *keep)
    std::filesystem::copy_file(pdf, std::filesystem::path(keep) / "corrected-report.pdf",
                               std::filesystem::copy_options::overwrite_existing);

  std::string out;
  ASSERT_EQ(runCommand("pdftoppm -png -r 50 '" + pdf + "' '" + dir.file("page") + "'", out), 0) << out;
  int pages = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir.path()))
    if (e.path().extension() == ".png") {
      ++pages;
      EXPECT_GT(std::filesystem::file_size(e.path()), 1000u) << e.path();
    }
  EXPECT_GE(pages, 1);
  EXPECT_LE(pages, 2);

  std::string text;
  ASSERT_EQ(runCommand("pdftotext -layout '" + pdf + "' -", text), 0) << text;
  const std::string flat = squeezed(text);
  EXPECT_TRUE(contains(text, "Testperson")) << text;
  EXPECT_TRUE(contains(text, "PID-4711"));
  EXPECT_TRUE(contains(text, "AP spine radiograph \u2014 AI landmark analysis"));
  EXPECT_TRUE(contains(text, "Cobb angles"));
  EXPECT_TRUE(contains(text, "Vertebral body heights"));
  EXPECT_TRUE(contains(text, "Disc heights"));
  EXPECT_TRUE(contains(flat, "synthetic phantoms only"));
  EXPECT_TRUE(contains(text, "ACC-77"));
  EXPECT_TRUE(contains(text, "2026-03-15"));
  // Values as printed.
  for (const char* id : {"cobb.main_thoracic", "cobb.max", "height.spinal", "height.body.L3"}) {
    const std::string printed = formatValue(ms.at(id));
    EXPECT_TRUE(contains(text, printed)) << id << " printed as " << printed;
  }
  // What was corrected by hand: the corner by name, the recomputed values, and their rows marked.
  EXPECT_TRUE(contains(flat, "Corrected by hand: 1 of 68 corners moved: T7.tl.")) << flat;
  EXPECT_TRUE(contains(flat, "Values recomputed from corrected corners (2): T7 body height " +
                                formatValue(ms.at("height.body.T7"))))
      << flat;
  EXPECT_TRUE(ms.at("height.body.T7").edited);
  EXPECT_FALSE(ms.at("height.body.L3").edited);
  const std::string t7 = lineWith(text, {" T7 ", formatValue(ms.at("height.body.T7"))});
  const std::string l3 = lineWith(text, {" L3 ", formatValue(ms.at("height.body.L3"))});
  ASSERT_FALSE(t7.empty()) << text;
  ASSERT_FALSE(l3.empty()) << text;
  EXPECT_TRUE(contains(t7.substr(t7.find(" T7 ")), "yes")) << t7;
  EXPECT_FALSE(contains(l3.substr(l3.find(" L3 ")), "yes")) << l3;
  // Corners to review, the warnings (loader and module), the closing parts and the generator.
  EXPECT_TRUE(contains(flat, "Review: 1 AI corners below confidence 0.3")) << flat;
  EXPECT_TRUE(contains(flat, "L2.tr"));
  EXPECT_TRUE(contains(flat, std::string("xray-landmarks: ") + kLowConfidenceWarning)) << flat;
  EXPECT_TRUE(contains(flat, kLoaderWarning)) << flat;
  for (const char* part : {"Models and limitations", "Warnings", "Identifiers"})
    EXPECT_TRUE(contains(text, part)) << part;
  EXPECT_TRUE(contains(flat, "Series Instance UID 2.25.5678"));
  EXPECT_TRUE(contains(flat, "Study Instance UID: 2.25.1234"));
  EXPECT_TRUE(contains(text, generatorName()));
}

TEST_F(Pdf, WithoutCorrectionsSaysSo) {
  OPENRAD_REQUIRE(havePoppler(), kPoppler);
  const std::string text = squeezed(reportText(aiInput(), "ai.pdf", false));
  EXPECT_TRUE(contains(text, "Corrected by hand: nothing; all 68 corners are as placed by xray-landmarks 0.1.0"))
      << text;
  EXPECT_FALSE(contains(text, "Values recomputed"));
  EXPECT_FALSE(contains(text, "yes"));
}

TEST_F(Pdf, CobbTableShowsConvexSideAndApexAndAStraightSpineHasNoCurve) {
  OPENRAD_REQUIRE(havePoppler(), kPoppler);
  const ReportInput curved = aiInput();
  const std::string text = reportText(curved, "curved.pdf");
  // The column titles ("End vertebrae" wraps onto two lines).
  for (const char* column : {"Curve", "End", "vertebrae", "Convex", "Apex", "Angle", "Edited"})
    EXPECT_TRUE(contains(text, column)) << column;
  // On this PA film the S-curve's thoracic curve is convex to the patient's left, the curves above and below it to
  // the right, each with its apex where the spine is shifted most.
  struct Row {
    const char* curve;
    const char* id;
    const char* ends;
    const char* side;
    const char* apex;
  };
  const Row rows[] = {{"PT", "cobb.proximal_thoracic", "T1\u2013T4", "right", "T2"},
                      {"MT", "cobb.main_thoracic", "T4\u2013T10", "left", "T7"},
                      {"TL/L", "cobb.thoracolumbar", "T10\u2013L5", "right", "L2"},
                      {"Maximal", "cobb.max", "T4\u2013T10", "left", "T7"}};
  for (const Row& r : rows) {
    const core::Measurement& m = measurements(curved).at(r.id);
    EXPECT_EQ(m.attribute("ends"), r.ends) << r.id;
    EXPECT_EQ(m.attribute("side"), r.side) << r.id;
    EXPECT_EQ(m.attribute("apex"), r.apex) << r.id;
    // One table row: curve, end vertebrae, convex side, apex level and the angle, in that order.
    const std::string curve = std::string(" ") + r.curve + " ", value = formatValue(m);
    const std::string row = lineWith(text, {curve, r.ends, value});
    ASSERT_FALSE(row.empty()) << r.id << "\n" << text;
    const std::size_t ends = row.find(r.ends, row.find(curve));
    const std::size_t side = row.find(std::string(" ") + r.side + " ", ends);
    const std::size_t apex = side == std::string::npos ? side : row.find(std::string(" ") + r.apex + " ", side + 1);
    ASSERT_NE(apex, std::string::npos) << row;
    EXPECT_LT(apex, row.find(value, apex)) << row;
  }
  EXPECT_FALSE(contains(text, "No curve"));

  const ReportInput straight = spineInput(straightCorners());
  for (const auto& [id, m] : measurements(straight)) EXPECT_NE(id.rfind("cobb.", 0), 0u) << id;
  const std::string flat = squeezed(reportText(straight, "straight.pdf"));
  EXPECT_TRUE(contains(flat, "Cobb angles"));
  EXPECT_TRUE(contains(flat, "No curve: every region's end vertebrae coincide (a straight spine).")) << flat;
  EXPECT_FALSE(contains(flat, "Maximal"));
  EXPECT_FALSE(contains(flat, "AASCE 2019 definition"));
  EXPECT_TRUE(contains(flat, "Vertebral body heights"));  // heights are still measured
}

TEST_F(Pdf, KeyImageKeepsThePixelAspect) {
  ReportInput in = aiInput();
  const KeyImage key = sectionFor(in, "xray-landmarks", presentations()).keyImages.at(0);
  const OverlayLayers layers = layersFor(spine(in).annotations, presentations());
  EXPECT_EQ(layers.size(), 1u);
  const QImage square = renderKeyImage(in, key, layers, 560);
  EXPECT_EQ(square.height(), 560);
  EXPECT_EQ(square.width(), kColumns);  // square pixels: 400 x 560 stays 400 x 560
  auto wide = radiograph(sCurveCorners());
  core::Geometry g = wide->geometry();
  g.spacing = {1.0, 0.5, 1.0};  // columns twice as wide as rows are tall
  wide->setGeometry(g);
  spine(in).series = spineSeries(wide);
  EXPECT_EQ(renderKeyImage(in, key, layers, 560).width(), 2 * kColumns);
  // A key image of a series the report does not hold is refused.
  KeyImage other = key;
  other.seriesUid = "2.25.999";
  EXPECT_THROW(renderKeyImage(in, other, layers, 560), std::invalid_argument);
}

TEST(SpineSection, CobbRowsNameEndVertebraeSideAndApex) {
  const ReportInput in = editedInput();
  const SectionContent c = modules::xray_landmarks::spineSection(in, "xray-landmarks");
  EXPECT_EQ(c.title, "AP spine radiograph \u2014 AI landmark analysis");
  ASSERT_EQ(c.keyImages.size(), 1u);
  EXPECT_EQ(c.keyImages.front().seriesUid, "2.25.5678");
  ASSERT_GE(c.tables.size(), 4u);
  const ReportTable& cobb = c.tables.front();
  EXPECT_EQ(cobb.title, "Cobb angles");
  ASSERT_EQ(cobb.columns.size(), 6u);
  const char* titles[] = {"Curve", "End vertebrae", "Convex", "Apex", "Angle", "Edited"};
  for (std::size_t k = 0; k < 6; ++k) EXPECT_EQ(cobb.columns[k].title, titles[k]);
  ASSERT_EQ(cobb.rows.size(), 4u);
  const char* curves[] = {"PT", "MT", "TL/L", "Maximal"};
  const char* ids[] = {"cobb.proximal_thoracic", "cobb.main_thoracic", "cobb.thoracolumbar", "cobb.max"};
  for (std::size_t r = 0; r < 4; ++r) {
    const core::Measurement& m = measurements(in).at(ids[r]);
    EXPECT_EQ(cobb.rows[r][0], curves[r]);
    EXPECT_EQ(cobb.rows[r][1], m.attribute("ends"));
    EXPECT_TRUE(cobb.rows[r][2] == "left" || cobb.rows[r][2] == "right") << cobb.rows[r][2];
    EXPECT_EQ(cobb.rows[r][2], m.attribute("side"));
    EXPECT_EQ(cobb.rows[r][3], m.attribute("apex"));
    EXPECT_EQ(cobb.rows[r][4], formatValue(m));
    EXPECT_EQ(cobb.rows[r][5], "");
  }
  EXPECT_EQ(cobb.rows[1][1], "T4\u2013T10");
  EXPECT_EQ(c.tables[2].title, "Vertebral body heights");
  const auto& bodies = c.tables[2];
  ASSERT_EQ(bodies.rows.size(), 17u);
  EXPECT_EQ(bodies.rows[6][0], "T7");
  EXPECT_EQ(bodies.rows[6][2], "yes");
  EXPECT_TRUE(bodies.highlight[6]);
  EXPECT_EQ(bodies.rows[14][0], "L3");
  EXPECT_EQ(bodies.rows[14][2], "");
  EXPECT_FALSE(bodies.highlight[14]);
}
