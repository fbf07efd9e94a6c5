#pragma once

#include "openrad/core/Image.h"

#include <Eigen/Core>

#include <array>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace openrad::core {

/// Where an annotation or measurement came from.
struct Provenance {
  std::string source = "manual";  ///< "manual" or the AI module id
  std::string modelVersion;       ///< model version when source is a module
  bool operator==(const Provenance& o) const { return source == o.source && modelVersion == o.modelVersion; }
};

/// A named point. Position is a continuous voxel index (i, j, k) of the series image;
/// Geometry::indexToPhysical turns it into LPS mm.
struct Landmark {
  std::string name;  ///< stable name, e.g. "L3.sup.ant" or "T1.tl"
  Eigen::Vector3d position{0, 0, 0};
  double confidence = 1.0;  ///< 0..1; AI output below a threshold is flagged for review
  bool edited = false;      ///< moved by hand after the AI placed it
};

/// An ordered set of landmarks (e.g. the 68 AP corners).
struct LandmarkSet {
  std::string name;
  std::vector<Landmark> points;
  Provenance provenance;
  /// Landmark by name, or nullptr.
  const Landmark* find(const std::string& pointName) const;
  /// Landmark by name, or nullptr.
  Landmark* find(const std::string& pointName);
};

/// One entry of a label table.
struct LabelInfo {
  int value = 0;
  std::string name;
  std::array<std::uint8_t, 3> color{255, 0, 0};
};

/// A multi-label map on the series grid (UInt8 or UInt16 image).
struct LabelMap {
  std::string name;
  std::shared_ptr<const Image> labels;
  std::vector<LabelInfo> table;
  Provenance provenance;
};

/// A 2D box on one slice (e.g. a herniation finding).
struct Box {
  std::string label;
  int slice = 0;
  Eigen::Vector2d min{0, 0};  ///< voxel index (i, j) of the top-left corner
  Eigen::Vector2d max{0, 0};  ///< voxel index (i, j) of the bottom-right corner
  double score = 1.0;
  Provenance provenance;
};

/// A measured value with what it was computed from.
struct Measurement {
  std::string id;    ///< stable key, e.g. "cobb.main_thoracic"
  std::string name;  ///< display name
  double value = 0.0;
  std::string unit;                 ///< "deg", "mm", "px", "mL", "%"
  std::vector<std::string> inputs;  ///< landmark names (or label names) it depends on
  Provenance provenance;
  bool edited = false;  ///< one of its inputs was edited by hand
};

/// Every annotation of one series.
struct SeriesAnnotations {
  std::map<std::string, LandmarkSet> landmarkSets;
  std::map<std::string, LabelMap> labelMaps;
  std::vector<Box> boxes;
  std::map<std::string, Measurement> measurements;
  /// True when nothing is annotated.
  bool empty() const { return landmarkSets.empty() && labelMaps.empty() && boxes.empty() && measurements.empty(); }
};

}  // namespace openrad::core
