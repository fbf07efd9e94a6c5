#include "SpineReportFixtures.h"

#include "SpineOverlay.h"

#include <QImage>
#include <QPainter>

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

using namespace openrad;
using namespace openrad::modules::xray_landmarks;
using namespace openrad::modules::xray_landmarks::test;
using report::ReportInput;

namespace {

const QColor kMainThoracic(255, 90, 220);  ///< colour of the MT Cobb construction

double colorDistance(QRgb a, const QColor& b) {
  return std::sqrt(std::pow(qRed(a) - b.red(), 2) + std::pow(qGreen(a) - b.green(), 2) +
                   std::pow(qBlue(a) - b.blue(), 2));
}

/// True when a pixel within `radius` of (x, y) is within `tolerance` of `color`.
bool colorNear(const QImage& image, QPointF at, const QColor& color, int radius = 1, double tolerance = 40.0) {
  for (int dy = -radius; dy <= radius; ++dy)
    for (int dx = -radius; dx <= radius; ++dx) {
      const int x = static_cast<int>(std::lround(at.x())) + dx, y = static_cast<int>(std::lround(at.y())) + dy;
      if (image.valid(x, y) && colorDistance(image.pixel(x, y), color) < tolerance) return true;
    }
  return false;
}

/// The pixel that contains device point `p` (pixel (x, y) covers [x, x+1) × [y, y+1)).
QRgb pixelAt(const QImage& image, const QPointF& p) {
  return image.pixel(static_cast<int>(std::floor(p.x())), static_cast<int>(std::floor(p.y())));
}

int countColor(const QImage& image, const QColor& color, double tolerance = 30.0) {
  int n = 0;
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x) n += colorDistance(image.pixel(x, y), color) < tolerance ? 1 : 0;
  return n;
}

QPointF at(const ReportInput& in, int corner) {
  const auto& p = cornerSet(in).points[static_cast<std::size_t>(corner)].position;
  return {p.x(), p.y()};
}

class Overlay : public ::testing::Test {
protected:
  void SetUp() override { useOffscreenQt(); }
  /// The overlay of `in` on a black image of the radiograph's size (device = pixel index).
  QImage paint(const ReportInput& in, const SpineOverlayStyle& style = {}) {
    QImage image(kColumns, kRows, QImage::Format_RGB32);
    image.fill(Qt::black);
    QPainter p(&image);
    paintSpineOverlay(p, [](const Eigen::Vector3d& i) { return QPointF(i.x(), i.y()); }, cornerSet(in),
                      measurements(in), style);
    p.end();
    return image;
  }
};

}  // namespace

TEST(LevelColor, ThoracicCoolLumbarWarmAndDistinct) {
  const QColor t1 = levelColor(0), l5 = levelColor(16);
  EXPECT_GT(t1.blue(), t1.red());
  EXPECT_GT(l5.red(), l5.blue());
  for (int v = 0; v + 1 < 17; ++v) EXPECT_NE(levelColor(v).rgb(), levelColor(v + 1).rgb()) << v;
}

TEST_F(Overlay, DrawsCornersInTheirLevelColour) {
  const ReportInput in = aiInput();
  const QImage image = paint(in);
  for (int corner : {0, 3, 4 * 8 + 1, 4 * 16 + 2})
    EXPECT_TRUE(colorNear(image, at(in, corner), levelColor(corner / 4))) << corner;
}

TEST_F(Overlay, EditedCornerIsASquareAndAiCornersAreCircles) {
  const ReportInput in = editedInput();
  SpineOverlayStyle style;
  style.handleRadius = 8.0;
  style.levelLabels = false;
  const QImage image = paint(in, style);
  // Inside the square's corner but beyond a circle of the same radius (in its dark outline), towards the body.
  const double d = 0.7 * style.handleRadius;
  const QPointF edited = at(in, kEditedCorner) + QPointF(d, d);
  const QPointF ai = at(in, kEditedCorner + 4) + QPointF(d, d);  // T8.tl, not edited
  EXPECT_LT(colorDistance(pixelAt(image, edited), levelColor(kEditedCorner / 4)), 40.0);
  EXPECT_GT(colorDistance(pixelAt(image, ai), levelColor(kEditedCorner / 4 + 1)), 100.0);
}

TEST_F(Overlay, LowConfidenceCornerGetsAReviewRing) {
  const ReportInput in = aiInput();
  const SpineOverlayStyle style;
  const QImage image = paint(in, style);
  const double ring = style.handleRadius + std::max(3.0, 0.9 * style.handleRadius);
  const QColor orange(255, 176, 0);
  // Right of the (top-right) corner: outside the spine, where nothing else is drawn at that height.
  EXPECT_TRUE(colorNear(image, at(in, kLowConfidenceCorner) + QPointF(ring, 0), orange));
  EXPECT_FALSE(colorNear(image, at(in, kLowConfidenceCorner + 4) + QPointF(ring, 0), orange));  // L3.tr
}

TEST_F(Overlay, DrawsEndplatesAndCobbConstruction) {
  const ReportInput in = aiInput();
  SpineOverlayStyle style;
  const QImage image = paint(in, style);
  // Endplate of T10 (tl–tr) at its midpoint.
  EXPECT_TRUE(colorNear(image, (at(in, 36) + at(in, 37)) / 2.0, levelColor(9)));
  // Main thoracic construction (magenta) beside the spine, with its label.
  EXPECT_GT(countColor(image, kMainThoracic), 100);
  style.cobbConstruction = false;
  EXPECT_EQ(countColor(paint(in, style), kMainThoracic), 0);
}

TEST_F(Overlay, StraightSpineHasNoCobbConstruction) {
  const ReportInput in = spineInput(straightCorners());
  const QImage image = paint(in);
  for (int corner : {0, 4 * 9, 4 * 16 + 3})  // the corners are still drawn
    EXPECT_TRUE(colorNear(image, at(in, corner), levelColor(corner / 4))) << corner;
  EXPECT_EQ(countColor(image, kMainThoracic), 0);
}

TEST_F(Overlay, DraggedPointFollowsTheMouseAndHoveredIsEnlarged) {
  const ReportInput in = aiInput();
  SpineOverlayStyle style;
  style.levelLabels = false;
  style.draggedPoint = 36;  // T10.tl
  style.dragPosition = QPointF(40, 300);
  const QImage dragged = paint(in, style);
  EXPECT_TRUE(colorNear(dragged, style.dragPosition, levelColor(9)));

  style = {};
  style.levelLabels = false;
  style.handleRadius = 8.0;
  // T6.tl (an untilted vertebra), 9 px below: in the handle's dark rim, inside its fill once enlarged (× 1.6).
  const QPointF probe = at(in, 20) + QPointF(0, 9.0);
  EXPECT_GT(colorDistance(pixelAt(paint(in, style), probe), levelColor(5)), 100.0);
  style.hoveredPoint = 20;
  EXPECT_LT(colorDistance(pixelAt(paint(in, style), probe), levelColor(5)), 40.0);
}

TEST_F(Overlay, RestoresPainterState) {
  const ReportInput in = aiInput();
  QImage image(64, 64, QImage::Format_RGB32);
  QPainter p(&image);
  p.setPen(QPen(Qt::green, 7));
  p.setRenderHint(QPainter::Antialiasing, false);
  paintSpineOverlay(p, [](const Eigen::Vector3d& i) { return QPointF(i.x(), i.y()); }, cornerSet(in),
                    measurements(in));
  EXPECT_EQ(p.pen().color(), QColor(Qt::green));
  EXPECT_EQ(p.pen().widthF(), 7.0);
  EXPECT_FALSE(p.testRenderHint(QPainter::Antialiasing));
}

TEST_F(Overlay, SpineLayerDrawsTheCornerSetInKeyImages) {
  const ReportInput in = aiInput();
  const auto& annotations = spine(in).annotations;
  const report::OverlayLayers layers = report::layersFor(annotations, presentations());
  ASSERT_EQ(layers.size(), 1u);
  ASSERT_NE(dynamic_cast<const SpineLayer*>(layers.front().get()), nullptr);
  EXPECT_EQ(layers.front()->drawsLandmarkSets(annotations), std::set<std::string>{"ap-corners"});
  EXPECT_TRUE(layers.front()->drawsLandmarkSets({}).empty());
  // The key image of the report section at twice the radiograph's size: corners in their level colours and the
  // Cobb construction; without the module's layer no Cobb construction.
  const report::KeyImage key = report::sectionFor(in, "xray-landmarks", presentations()).keyImages.at(0);
  const QImage withLayer = report::renderKeyImage(in, key, layers, 2 * kRows);
  ASSERT_EQ(withLayer.size(), QSize(2 * kColumns, 2 * kRows));
  EXPECT_GT(countColor(withLayer, kMainThoracic), 100);
  for (int corner : {0, 4 * 8 + 1, 4 * 16 + 2})
    EXPECT_TRUE(colorNear(withLayer, 2.0 * (at(in, corner) + QPointF(0.5, 0.5)), levelColor(corner / 4), 2)) << corner;
  EXPECT_EQ(countColor(report::renderKeyImage(in, key, {}, 2 * kRows), kMainThoracic), 0);
}
