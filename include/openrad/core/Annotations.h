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
  bool edited = false;  ///< painted or changed by hand after the AI made it
  /// The table entry of `value`, or nullptr.
  const LabelInfo* label(int value) const;
};

/// A 2D box on one slice (e.g. a herniation finding).
struct Box {
  std::string label;
  int slice = 0;
  Eigen::Vector2d min{0, 0};  ///< voxel index (i, j) of the top-left corner
  Eigen::Vector2d max{0, 0};  ///< voxel index (i, j) of the bottom-right corner
  double score = 1.0;
  Provenance provenance;
  bool edited = false;  ///< moved, resized or added by hand
  /// A reader's verdict on the finding the box belongs to: "" (not reviewed), "accepted" or "rejected".
  std::string review;
  /// Further facts its module attaches, e.g. {"finding", "L4-L5"}, {"type", "extrusion"}.
  std::map<std::string, std::string> attributes;
  /// Attribute value, or "" when absent.
  std::string attribute(const std::string& key) const;
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
  /// Further facts a rule attaches, e.g. {"side", "right"}, {"apex", "T8"}, {"aiEnds", "T5-T11"}.
  std::map<std::string, std::string> attributes;
  /// Attribute value, or "" when absent.
  std::string attribute(const std::string& key) const;
};

/// A study-level table (e.g. follow-up volumes per date, per-level findings).
struct ResultTable {
  std::string id;     ///< stable key, e.g. "hematoma.followup"
  std::string title;  ///< display title
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  Provenance provenance;
};

/// A triangle mesh in patient space (LPS mm), e.g. a reconstructed vertebra.
struct Mesh {
  std::string name;
  std::vector<Eigen::Vector3f> vertices;
  std::vector<std::array<int, 3>> triangles;
  std::array<std::uint8_t, 3> color{230, 220, 200};
  Provenance provenance;
};

/// Every annotation of one series.
struct SeriesAnnotations {
  std::map<std::string, LandmarkSet> landmarkSets;
  std::map<std::string, LabelMap> labelMaps;
  std::vector<Box> boxes;
  std::map<std::string, Measurement> measurements;
  std::map<std::string, ResultTable> tables;  ///< study-level results (on the study's key, see studyKey)
  std::map<std::string, Mesh> meshes;         ///< study-level 3D results
  /// Warnings of each module's last run on this series, by module id (saved with the session).
  std::map<std::string, std::vector<std::string>> warnings;
  /// True when nothing is annotated.
  bool empty() const {
    return landmarkSets.empty() && labelMaps.empty() && boxes.empty() && measurements.empty() && tables.empty() &&
           meshes.empty();
  }
  /// Ids of the modules (provenance sources other than "manual") that produced something here, sorted.
  std::vector<std::string> sources() const;
  /// Number of items of module `source` corrected by hand (landmarks, label maps, boxes).
  int editedCount(const std::string& source) const;
  /// Removes everything module `source` produced (by provenance), hand-made annotations stay.
  void removeSource(const std::string& source);
  /// Adds every entry of `other` (replacing entries with the same key; boxes are appended).
  void merge(const SeriesAnnotations& other);
};

/// Document key of a study's study-level results ("study:" + StudyInstanceUID).
std::string studyKey(const std::string& studyUid);
/// True when a document key is a study key rather than a SeriesInstanceUID.
bool isStudyKey(const std::string& key);

}  // namespace openrad::core
