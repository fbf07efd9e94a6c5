#include "openrad/core/Commands.h"
#include "openrad/io/SessionStore.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

using namespace openrad;

namespace {

core::LandmarkSet corners(int n) {
  core::LandmarkSet set;
  set.name = "ap-corners";
  set.provenance = {"xray-landmarks", "1.0"};
  for (int i = 0; i < n; ++i) {
    core::Landmark l;
    l.name = "P" + std::to_string(i);
    l.position = {10.0 * i, 5.0 * i, 0};
    l.confidence = 0.5 + 0.01 * i;
    set.points.push_back(l);
  }
  return set;
}

std::shared_ptr<const core::Image> labelImage() {
  core::Geometry g;
  g.size = {8, 6, 4};
  g.spacing = {0.5, 0.5, 3};
  g.origin = {1, 2, 3};
  auto img = std::make_shared<core::Image>(g, core::PixelType::UInt8);
  img->setValue(2, 3, 1, 1);
  img->setValue(5, 4, 2, 2);
  return img;
}

}  // namespace

TEST(SessionStore, RoundTripKeepsEveryAnnotationKind) {
  test::TempDir dir("session");
  core::Document doc;
  io::SessionStore store(dir.file("s"));
  store.attach(doc);
  doc.execute(std::make_unique<core::SetLandmarkSetCommand>("1.2.3", "ap-corners", corners(4)));
  doc.execute(std::make_unique<core::MoveLandmarkCommand>("1.2.3", "ap-corners", "P2", Eigen::Vector3d(20, 10, 0),
                                                          Eigen::Vector3d(21.5, 12.25, 0)));
  core::SeriesAnnotations a;
  core::LabelMap map;
  map.labels = labelImage();
  map.table = {{1, "hematoma", {255, 0, 0}}, {2, "edema", {0, 255, 0}}};
  map.provenance = {"disc-herniation", "0.3"};
  map.edited = true;
  a.labelMaps["head"] = map;
  a.boxes.push_back({"herniation L4-L5", 7, {10, 20}, {30, 40}, 0.9, {"disc-herniation", "0.3"}, true});
  a.boxes.back().review = "rejected";
  a.boxes.back().attributes = {{"finding", "L4-L5"}, {"extrusion", "0.81"}};
  a.measurements["cobb.main"] = {"cobb.main", "Main thoracic Cobb", 23.5, "deg", {"T5.tl", "T12.bl"}, {"disc-herniation", "0.3"}, true,
                                 {{"side", "right"}, {"apex", "T8"}}};
  a.tables["t"] = {"t", "Follow-up", {"date", "volume"}, {{"20260101", "12.5"}}, {"disc-herniation", "0.3"}};
  core::Mesh mesh;
  mesh.name = "L1";
  mesh.vertices = {{0, 0, 0}, {1, 0, 0}, {0, 1.5f, 0}};
  mesh.triangles = {{0, 1, 2}};
  mesh.provenance = {"disc-herniation", "0.3"};
  a.meshes["L1"] = mesh;
  a.warnings["disc-herniation"] = {"2 of 5 slices disagree"};
  doc.execute(std::make_unique<core::ApplyFindingsCommand>("1.2.3", "disc-herniation", a, "Apply findings"));

  auto loaded = io::SessionStore(dir.file("s")).load();
  ASSERT_EQ(loaded.count("1.2.3"), 1u);
  const auto& b = loaded.at("1.2.3");
  const auto* p2 = b.landmarkSets.at("ap-corners").find("P2");
  ASSERT_NE(p2, nullptr);
  EXPECT_DOUBLE_EQ(p2->position.x(), 21.5);
  EXPECT_DOUBLE_EQ(p2->position.y(), 12.25);
  EXPECT_TRUE(p2->edited);
  EXPECT_FALSE(b.landmarkSets.at("ap-corners").find("P1")->edited);
  EXPECT_EQ(b.landmarkSets.at("ap-corners").provenance.source, "xray-landmarks");
  ASSERT_EQ(b.boxes.size(), 1u);
  EXPECT_EQ(b.boxes[0].slice, 7);
  EXPECT_DOUBLE_EQ(b.boxes[0].max.y(), 40);
  EXPECT_EQ(b.boxes[0].review, "rejected") << "a reader's verdict survives a restart";
  EXPECT_EQ(b.boxes[0].attribute("finding"), "L4-L5");
  EXPECT_EQ(b.boxes[0].attribute("extrusion"), "0.81");
  EXPECT_DOUBLE_EQ(b.measurements.at("cobb.main").value, 23.5);
  EXPECT_TRUE(b.measurements.at("cobb.main").edited);
  const auto& lm = b.labelMaps.at("head");
  ASSERT_TRUE(lm.labels);
  EXPECT_TRUE(lm.labels->geometry().sameGrid(map.labels->geometry()));
  EXPECT_EQ(lm.labels->value(2, 3, 1), 1);
  EXPECT_EQ(lm.labels->value(5, 4, 2), 2);
  EXPECT_EQ(lm.table.at(1).name, "edema");
  EXPECT_TRUE(lm.edited);
  EXPECT_TRUE(b.boxes[0].edited);
  EXPECT_EQ(b.measurements.at("cobb.main").attribute("apex"), "T8");
  EXPECT_EQ(b.tables.at("t").rows.at(0).at(1), "12.5");
  EXPECT_FLOAT_EQ(b.meshes.at("L1").vertices.at(2).y(), 1.5f);
  EXPECT_EQ(b.meshes.at("L1").triangles.at(0)[2], 2);
  EXPECT_EQ(b.warnings.at("disc-herniation").at(0), "2 of 5 slices disagree");
}

TEST(SessionStore, UnchangedLabelMapIsNotRewrittenAndOldFilesAreRemoved) {
  test::TempDir dir("session");
  core::Document doc;
  io::SessionStore store(dir.file("s"));
  store.attach(doc);
  core::LabelMap map;
  map.labels = labelImage();
  doc.execute(std::make_unique<core::SetLabelMapCommand>("S", "seg", map));
  auto files = [&] {
    std::vector<std::string> names;
    for (auto& e : std::filesystem::directory_iterator(dir.path() / "s" / "labelmaps")) names.push_back(e.path().filename());
    return names;
  };
  const auto first = files();
  ASSERT_EQ(first.size(), 1u);
  doc.execute(std::make_unique<core::SetLandmarkSetCommand>("S", "pts", corners(2)));
  EXPECT_EQ(files(), first);  // same image, same file
  map.labels = labelImage();
  doc.execute(std::make_unique<core::SetLabelMapCommand>("S", "seg", map));
  const auto second = files();
  ASSERT_EQ(second.size(), 1u);  // the superseded file is gone
  EXPECT_NE(second, first);
  doc.undo();  // the old image is back in the document, so it is written again
  EXPECT_EQ(files().size(), 1u);
  EXPECT_EQ(io::SessionStore(dir.file("s")).load().at("S").labelMaps.count("seg"), 1u);
}

TEST(SessionStore, CorruptFileIsAnErrorNamingTheFile) {
  test::TempDir dir("session");
  std::filesystem::create_directories(dir.path() / "s");
  std::ofstream(dir.file("s/session.json")) << "{ not json";
  try {
    io::SessionStore(dir.file("s")).load();
    FAIL() << "expected IoError";
  } catch (const io::IoError& e) {
    EXPECT_NE(e.file().find("session.json"), std::string::npos);
  }
}

// libFuzzer (session target): numbers too large for an int were converted anyway (undefined behaviour; a version of
// 2e104 could pass for any value). A number that is not a whole int is a corrupt session, named.
TEST(SessionStore, NumbersOutOfRangeAreACorruptSessionNotAConversion) {
  test::TempDir dir("session");
  std::filesystem::create_directories(dir.path() / "s");
  const std::string bodies[] = {
      R"({"format":"openrad-session","version":2111111111111111111111111111111111111111,"series":{}})",
      R"({"format":"openrad-session","version":1,"series":{"1.2":{"boxes":[{"label":"b","slice":1e20,"min":[0,0],"max":[1,1]}]}}})",
      R"({"format":"openrad-session","version":1.5,"series":{}})"};
  for (const std::string& body : bodies) {
    std::ofstream(dir.file("s/session.json"), std::ios::trunc) << body;
    try {
      io::SessionStore(dir.file("s")).load();
      ADD_FAILURE() << "expected IoError for " << body;
    } catch (const io::IoError& e) {
      EXPECT_NE(e.file().find("session.json"), std::string::npos);
      EXPECT_NE(e.reason().find("corrupt session file"), std::string::npos) << e.reason();
      EXPECT_NE(e.reason().find("whole number"), std::string::npos) << e.reason();
    }
  }
}

// Issue 9, finding 7: a session's label-map file could be absolute or "../" and load any NIfTI on disk.
TEST(SessionStore, LabelFilesOutsideTheSessionFolderAreRefused) {
  test::TempDir dir("session");
  std::filesystem::create_directories(dir.path() / "s");
  for (const std::string file : {"../elsewhere.nii.gz", "/etc/passwd", "labelmaps/../../x.nii.gz"}) {
    std::ofstream(dir.file("s/session.json"))
        << R"({"format":"openrad-session","version":1,"series":{"S":{"labelMaps":[{"name":"seg","file":")" << file
        << R"("}]}}})";
    try {
      io::SessionStore(dir.file("s")).load();
      FAIL() << "expected IoError for " << file;
    } catch (const io::IoError& e) {
      EXPECT_NE(std::string(e.what()).find("outside the session folder"), std::string::npos) << e.what();
    }
  }
}

TEST(SessionStore, AbsentSessionLoadsEmpty) {
  test::TempDir dir("session");
  EXPECT_TRUE(io::SessionStore(dir.file("none")).load().empty());
}

// A child process edits and autosaves; the parent kills it with SIGKILL mid-session and reloads.
// Every command the child reported as done must be in the reloaded session.
TEST(SessionStore, KilledProcessLosesNoCommittedEdit) {
  test::TempDir dir("session");
  const std::string folder = dir.file("s");
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(fds[0]);
    core::Document doc;
    io::SessionStore store(folder);
    store.attach(doc);
    doc.execute(std::make_unique<core::SetLandmarkSetCommand>("S", "pts", corners(3)));
    for (int i = 1;; ++i) {
      doc.execute(std::make_unique<core::MoveLandmarkCommand>("S", "pts", "P1", Eigen::Vector3d(i - 1, 0, 0),
                                                              Eigen::Vector3d(i, 0, 0)));
      if (write(fds[1], &i, sizeof i) != sizeof i) _exit(1);
    }
  }
  close(fds[1]);
  int committed = 0;
  while (committed < 40 && read(fds[0], &committed, sizeof committed) == sizeof committed) {
  }
  kill(child, SIGKILL);
  int status = 0;
  waitpid(child, &status, 0);
  // Drain what the child reported before it died.
  for (int v; read(fds[0], &v, sizeof v) == sizeof v;) committed = v;
  close(fds[0]);
  ASSERT_TRUE(WIFSIGNALED(status));
  ASSERT_GE(committed, 40);

  auto loaded = io::SessionStore(folder).load();
  const auto* p1 = loaded.at("S").landmarkSets.at("pts").find("P1");
  ASSERT_NE(p1, nullptr);
  EXPECT_GE(p1->position.x(), committed);  // at least every reported command survived
  EXPECT_TRUE(p1->edited);
}

TEST(SessionStore, SeriesFilterKeepsTwoStudiesInTheirOwnSessions) {
  test::TempDir dir("session");
  core::Document doc;
  io::SessionStore a(dir.file("a")), b(dir.file("b"));
  a.setSeries({"SA"});
  b.setSeries({"SB"});
  a.attach(doc);
  b.attach(doc);
  doc.execute(std::make_unique<core::SetLandmarkSetCommand>("SA", "pts", corners(2)));
  doc.execute(std::make_unique<core::SetLandmarkSetCommand>("SB", "pts", corners(3)));
  const auto la = io::SessionStore(dir.file("a")).load();
  const auto lb = io::SessionStore(dir.file("b")).load();
  ASSERT_EQ(la.size(), 1u);
  ASSERT_EQ(lb.size(), 1u);
  EXPECT_EQ(la.at("SA").landmarkSets.at("pts").points.size(), 2u);
  EXPECT_EQ(lb.at("SB").landmarkSets.at("pts").points.size(), 3u);
}

// Opening part of a study (a filter) and saving must not drop what the session holds for the other series.
TEST(SessionStore, SeriesOutsideTheFilterSurviveASave) {
  test::TempDir dir("session");
  {
    core::Document doc;
    io::SessionStore store(dir.file("s"));
    store.attach(doc);
    doc.execute(std::make_unique<core::SetLandmarkSetCommand>("AP", "pts", corners(2)));
    doc.execute(std::make_unique<core::SetLandmarkSetCommand>("LAT", "pts", corners(3)));
  }
  core::Document doc;
  io::SessionStore store(dir.file("s"));
  store.setSeries({"AP"});
  const auto loaded = store.load();
  ASSERT_EQ(loaded.count("AP"), 1u);
  EXPECT_EQ(loaded.count("LAT"), 0u);
  doc.reset(loaded);
  doc.execute(std::make_unique<core::SetLandmarkSetCommand>("AP", "more", corners(1)));
  store.save(doc);
  const auto all = io::SessionStore(dir.file("s")).load();
  ASSERT_EQ(all.count("LAT"), 1u) << "the lateral's annotations were dropped";
  EXPECT_EQ(all.at("LAT").landmarkSets.at("pts").points.size(), 3u);
  EXPECT_EQ(all.at("AP").landmarkSets.count("more"), 1u);
}
