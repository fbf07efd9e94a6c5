#pragma once

#include "openrad/core/Document.h"

#include <optional>

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

}  // namespace openrad::core
