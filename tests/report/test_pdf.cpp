#include "ReportFixtures.h"

#include "TempDir.h"

#include <cstdlib>
#include <filesystem>

using namespace openrad;
using namespace openrad::report;
using namespace openrad::report::test;

namespace {

class Pdf : public ::testing::Test {
protected:
  void SetUp() override {
    useOffscreenQt();
    if (!haveProgram("pdftoppm") || !haveProgram("pdftotext"))
      GTEST_SKIP() << "poppler-utils (pdftoppm, pdftotext) not installed; scripts/openrad.sh installs them";
  }
  openrad::test::TempDir dir{"openrad-report-pdf"};
};

}  // namespace

TEST_F(Pdf, RendersAndHoldsTheFindingsAsText) {
  const ReportInput in = editedInput();
  const std::string pdf = dir.file("report.pdf");
  writePdfReport(in, pdf);
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
  EXPECT_TRUE(contains(text, "Testperson")) << text;
  EXPECT_TRUE(contains(text, "PID-4711"));
  EXPECT_TRUE(contains(text, "AI landmark analysis"));
  EXPECT_TRUE(contains(text, "Cobb"));
  EXPECT_TRUE(contains(text, "synthetic"));
  EXPECT_TRUE(contains(text, "ACC-77"));
  EXPECT_TRUE(contains(text, "2026-03-15"));
  // Values as printed.
  for (const char* id : {"cobb.main_thoracic", "cobb.max", "height.spinal", "height.body.L3"}) {
    const std::string printed = formatValue(in.annotations.measurements.at(id));
    EXPECT_TRUE(contains(text, printed)) << id << " printed as " << printed;
  }
  // What was corrected by hand: the corner by name, and its rows marked.
  EXPECT_TRUE(contains(text, "orrected by hand"));
  EXPECT_TRUE(contains(text, "T7.tl"));
  bool t7Marked = false, l3Marked = false;
  for (const auto& line : lines(text)) {
    if (contains(line, " T7 ") && contains(line, "yes")) t7Marked = true;
    if (contains(line, " L3 ") && contains(line, "yes")) l3Marked = true;
  }
  EXPECT_TRUE(t7Marked) << text;
  EXPECT_FALSE(l3Marked) << text;
  // The warning and the generator.
  EXPECT_TRUE(contains(text, "below confidence"));
  EXPECT_TRUE(contains(text, generatorName()));
}

TEST_F(Pdf, WithoutCorrectionsSaysSo) {
  const ReportInput in = aiInput();
  const std::string pdf = dir.file("ai.pdf");
  writePdfReport(in, pdf);
  std::string text;
  ASSERT_EQ(runCommand("pdftotext '" + pdf + "' -", text), 0) << text;
  EXPECT_TRUE(contains(text, "Nothing: all 68 corners")) << text;
  EXPECT_FALSE(contains(text, "yes"));
}

TEST_F(Pdf, KeyImageKeepsThePixelAspect) {
  ReportInput in = aiInput();
  const QImage square = renderKeyImage(in, 560);
  EXPECT_EQ(square.height(), 560);
  EXPECT_EQ(square.width(), kColumns);  // square pixels: 400 x 560 stays 400 x 560
  core::Geometry g = in.image->geometry();
  g.spacing = {1.0, 0.5, 1.0};  // columns twice as wide as rows are tall
  auto wide = radiograph(sCurveCorners());
  wide->setGeometry(g);
  in.image = wide;
  EXPECT_EQ(renderKeyImage(in, 560).width(), 2 * kColumns);
}
