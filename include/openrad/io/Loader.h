#pragma once

#include "openrad/core/Study.h"
#include "openrad/io/IoError.h"

#include <cstdint>
#include <functional>
#include <string>

namespace openrad::io {

/// Progress and cancel hooks for long loads (called from the loading thread).
struct LoadOptions {
  /// fraction 0..1 and a short text ("Reading 120/300 files").
  std::function<void(double fraction, const std::string& what)> progress;
  /// Polled often; returning true stops the load with io::Cancelled.
  std::function<bool()> cancelled;
  /// Threads for decoding (0 = hardware concurrency).
  int threads = 0;
  /// Largest image (decoded volume, bytes) a file or series may declare; larger ones are refused with an issue
  /// naming the file before anything is allocated. 0 = half the machine's physical memory, at most 16 GiB.
  std::uint64_t maxImageBytes = 0;
  /// Decoders of compressed DICOM pixel data (third-party codecs) run in child processes, so that a crash, an abort
  /// or a hang on a hostile stream costs only that file. false decodes in the process (except GDCM, whose assertions
  /// abort): only for the benchmark that measures what the isolation costs and for the libFuzzer targets, which want
  /// a codec's fault to show rather than be contained; never for files from outside.
  bool isolateDecoders = true;
};

/// The image-size ceiling in force for `options` (see LoadOptions::maxImageBytes).
std::uint64_t maxImageBytes(const LoadOptions& options);

/// Loads a file or a folder: DICOM files (recursive scan), a DICOMDIR, NIfTI (.nii/.nii.gz), or a
/// PNG/JPEG/TIFF radiograph. Unreadable files become LoadResult::issues; the rest still loads.
/// Throws IoError only when the path itself does not exist or cannot be opened; Cancelled on cancel.
core::LoadResult loadPath(const std::string& path, const LoadOptions& options = {});

}  // namespace openrad::io
