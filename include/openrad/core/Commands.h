#pragma once

#include "openrad/core/Document.h"

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace openrad::core {

/// Moves one landmark of a set (pushed on mouse release; the drag itself is a preview).
class MoveLandmarkCommand : public Command {
public:
  MoveLandmarkCommand(std::string seriesUid, std::string setName, std::string pointName,
                      Eigen::Vector3d before, Eigen::Vector3d after);
  std::string text() const override;
  std::string seriesUid() const override { return m_series; }
  void redo(SeriesAnnotations& annotations) override;
  void undo(SeriesAnnotations& annotations) override;
  ChangeSet changes() const override;

private:
  std::string m_series, m_set, m_point;
  Eigen::Vector3d m_before, m_after;
  bool m_wasEdited = false;
};

/// Adds, replaces (when present) or removes (when `after` is empty) a whole landmark set.
class SetLandmarkSetCommand : public Command {
public:
  SetLandmarkSetCommand(std::string seriesUid, std::string setName, std::optional<LandmarkSet> after,
                        std::string text = {});
  std::string text() const override;
  std::string seriesUid() const override { return m_series; }
  void redo(SeriesAnnotations& annotations) override;
  void undo(SeriesAnnotations& annotations) override;
  ChangeSet changes() const override;

private:
  std::string m_series, m_set, m_text;
  std::optional<LandmarkSet> m_before, m_after;
};

/// Adds, replaces or removes (empty `after`) a label map.
class SetLabelMapCommand : public Command {
public:
  SetLabelMapCommand(std::string seriesUid, std::string mapName, std::optional<LabelMap> after,
                     std::string text = {});
  std::string text() const override;
  std::string seriesUid() const override { return m_series; }
  void redo(SeriesAnnotations& annotations) override;
  void undo(SeriesAnnotations& annotations) override;
  ChangeSet changes() const override;

private:
  std::string m_series, m_map, m_text;
  std::optional<LabelMap> m_before, m_after;
};

/// A block of voxels: indices [origin, origin + size) on each axis.
struct VoxelBlock {
  std::array<std::int64_t, 3> origin{0, 0, 0};
  std::array<std::int64_t, 3> size{0, 0, 0};
  /// Number of voxels.
  std::int64_t count() const { return size[0] * size[1] * size[2]; }
};

/// Changes the voxels of one label map inside a block (a brush stroke, a fill, an eraser). The command keeps only the
/// block's values before and after, so a long editing session on a large volume keeps a small undo history. The map's
/// image is replaced by an edited copy: images are shared and immutable, so the views, the autosave writer and older
/// snapshots keep the one they hold. Marks the map edited (undo restores the flag).
class PaintLabelsCommand : public Command {
public:
  /// `after`: the block's new label values, i fastest, then j, then k (block.count() of them).
  PaintLabelsCommand(std::string seriesUid, std::string mapName, VoxelBlock block, std::vector<std::uint16_t> after,
                     std::string text = {});
  /// The command that turns map image `before` into `after` (same grid), kept to the smallest block holding every
  /// voxel that differs; nullptr when none does. Throws std::invalid_argument when the grids differ.
  static std::unique_ptr<PaintLabelsCommand> fromDifference(std::string seriesUid, std::string mapName,
                                                            const Image& before, const Image& after,
                                                            std::string text = {});
  std::string text() const override;
  std::string seriesUid() const override { return m_series; }
  /// Throws std::invalid_argument when the map is missing or the block leaves its grid.
  void redo(SeriesAnnotations& annotations) override;
  void undo(SeriesAnnotations& annotations) override;
  ChangeSet changes() const override;
  /// The changed block.
  const VoxelBlock& block() const { return m_block; }
  /// Bytes the command holds for undo and redo (the block's values, twice).
  std::size_t heldBytes() const { return (m_before.size() + m_after.size()) * sizeof(std::uint16_t); }

private:
  LabelMap& target(SeriesAnnotations& annotations) const;
  void write(LabelMap& map, const std::vector<std::uint16_t>& values) const;

  std::string m_series, m_map, m_text;
  VoxelBlock m_block;
  std::vector<std::uint16_t> m_before, m_after;
  bool m_wasEdited = false;
};

/// Applies a module's findings to one series: removes exactly what module `moduleId` produced there before (by
/// provenance) and adds `findings`; hand-made annotations and other modules' output stay. Shared by the GUI and
/// the command line.
class ApplyFindingsCommand : public Command {
public:
  ApplyFindingsCommand(std::string seriesUid, std::string moduleId, SeriesAnnotations findings, std::string text);
  std::string text() const override { return m_text; }
  std::string seriesUid() const override { return m_series; }
  void redo(SeriesAnnotations& annotations) override;
  void undo(SeriesAnnotations& annotations) override;
  ChangeSet changes() const override;

private:
  std::string m_series, m_module, m_text;
  SeriesAnnotations m_before, m_findings;
};

/// Adds (index == number of boxes), replaces or removes (empty `after`) box `index` of a series.
class SetBoxCommand : public Command {
public:
  SetBoxCommand(std::string seriesUid, std::size_t index, std::optional<Box> after, std::string text = {});
  std::string text() const override;
  std::string seriesUid() const override { return m_series; }
  void redo(SeriesAnnotations& annotations) override;
  void undo(SeriesAnnotations& annotations) override;
  ChangeSet changes() const override;

private:
  std::string m_series, m_text;
  std::size_t m_index;
  std::optional<Box> m_before, m_after;
};

/// Replaces every box of a series at once (a verdict on a finding of several boxes is one undoable step).
class SetBoxesCommand : public Command {
public:
  SetBoxesCommand(std::string seriesUid, std::vector<Box> after, std::string text);
  std::string text() const override { return m_text; }
  std::string seriesUid() const override { return m_series; }
  void redo(SeriesAnnotations& annotations) override;
  void undo(SeriesAnnotations& annotations) override;
  ChangeSet changes() const override;

private:
  std::string m_series, m_text;
  std::vector<Box> m_before, m_after;
};

}  // namespace openrad::core
