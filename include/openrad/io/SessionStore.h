#pragma once

#include "openrad/core/Document.h"
#include "openrad/io/IoError.h"

#include <map>
#include <memory>
#include <set>
#include <string>

namespace openrad::io {

/// Saves and loads a Document as a session folder: session.json plus one NIfTI per label map.
/// Every file is written to a temporary name and renamed, so a killed process leaves either the old
/// or the new session, never a torn one.
class SessionStore {
public:
  /// Session folder (created when missing).
  explicit SessionStore(std::string folder);
  /// Writes the whole document atomically; throws IoError.
  void save(const core::Document& document) { save(document.all()); }
  /// Writes a snapshot of a document's annotations (taken on another thread) atomically; throws IoError.
  void save(const std::map<std::string, core::SeriesAnnotations>& annotations);
  /// Reads the session; an absent folder gives an empty map; throws IoError on a corrupt file.
  std::map<std::string, core::SeriesAnnotations> load() const;
  /// Session folder.
  const std::string& folder() const { return m_folder; }
  /// Restricts save and load to these series (several studies open at once each keep their own
  /// session); empty = every series.
  void setSeries(std::set<std::string> seriesUids) { m_seriesFilter = std::move(seriesUids); }
  /// Keeps the store saved after every command of `document` (autosave); returns the observer handle.
  /// A failed save throws IoError out of the command's execute/undo/redo, so the caller can tell the user.
  int attach(core::Document& document);
  /// Default session folder for a study file or folder: "<folder>.openrad-session" beside it.
  static std::string defaultFolderFor(const std::string& studyPath);

private:
  std::string m_folder;
  // Label images already on disk. Images are immutable and pinned here, so the same pointer
  // always means the same content and an unchanged map is never rewritten.
  std::map<std::shared_ptr<const core::Image>, std::string> m_writtenMaps;
  unsigned m_fileCounter = 0;
  std::set<std::string> m_seriesFilter;
  /// Saved series outside the filter (JSON text), written back unchanged so that opening part of a study never
  /// drops the rest of its session.
  mutable std::map<std::string, std::string> m_carried;
};

}  // namespace openrad::io
