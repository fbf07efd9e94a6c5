#pragma once

// Shared by the libFuzzer targets of this folder, their replay runner and the seed generator: a scratch folder of
// this process's own, the small valid files some targets place next to the fuzzed bytes, and the checks every
// target makes of io::loadPath's contract. Each target is one LLVMFuzzerTestOneInput in its own file.

#include "openrad/core/Study.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

namespace openrad::fuzz {

/// This process's scratch folder (in /dev/shm when it exists, else $TMPDIR or /tmp), created on first use and
/// removed with its contents when the process exits normally.
const std::filesystem::path& scratchDir();

/// Writes `size` bytes to `file` (replacing it); aborts when that fails (a harness fault, not a finding).
void writeBytes(const std::filesystem::path& file, const std::uint8_t* data, std::size_t size);

/// Removes `file` if it exists (aborts if it cannot, so a target never leaves files behind unnoticed).
void removeFile(const std::filesystem::path& file);

/// Loads `path` through io::loadPath with fuzzing options (one thread, a 256 MB image ceiling) and checks its
/// contract: no exception escapes (the path exists) and a file that gives no series is named by an issue. A
/// broken contract aborts with a message, which libFuzzer reports as a crash.
core::LoadResult loadChecked(const std::string& path);

/// Writes a small valid DICOM file (a 8x6 CT slice, explicit VR little endian; JPEG lossless when `jpeg`).
void writeSmallDicom(const std::filesystem::path& file, bool jpeg = false);

/// Fills `folder` with a valid session (session.json and a label NIfTI) through io::SessionStore.
void writeSessionFolder(const std::filesystem::path& folder);

}  // namespace openrad::fuzz
