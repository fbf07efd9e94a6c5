#pragma once

#include "openrad/core/Document.h"
#include "openrad/io/IoError.h"

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
  void save(const core::Document& document);
  /// Reads the session; an absent folder gives an empty map; throws IoError on a corrupt file.
  std::map<std::string, core::SeriesAnnotations> load() const;
  /// Session folder.
  const std::string& folder() const { return m_folder; }
  /// Keeps the store saved after every command of `document` (autosave); returns the observer handle.
  int attach(core::Document& document);

private:
  std::string m_folder;
  std::map<const core::Image*, std::string> m_writtenMaps;  // label images already on disk
};

}  // namespace openrad::io
