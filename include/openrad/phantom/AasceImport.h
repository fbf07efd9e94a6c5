#pragma once

#include <Eigen/Core>

#include <string>
#include <vector>

namespace openrad::phantom {

/// Where the AASCE 2019 (SpineWeb dataset 16, "boostnet_labeldata") files are.
struct AasceImportOptions {
  std::string imagesDir;     ///< folder of the radiographs (e.g. data/training)
  std::string landmarksCsv;  ///< labels/training/landmarks.csv: per image 68 x then 68 y, normalised 0..1
  std::string anglesCsv;     ///< labels/training/angles.csv: per image 3 Cobb angles (PT, MT, TL/L); optional
  std::string filenamesCsv;  ///< labels/training/filenames.csv: image file name per row, same order
  std::string outDir;        ///< the OpenRad real-data folder to write (created)
  bool copyImages = true;    ///< copy the image into each case folder (false: reference it by path)
};

/// Outcome of an import.
struct AasceImportReport {
  int imported = 0;
  std::vector<std::string> problems;  ///< rows skipped and why
};

/// Parses one landmarks.csv row (136 numbers: x1..x68, y1..y68 normalised by width/height) into 68 pixel
/// positions (col, row). Throws std::invalid_argument on a malformed row.
std::vector<Eigen::Vector2d> parseAasceLandmarkRow(const std::string& row, int width, int height);

/// Converts an AASCE-style dataset into the OpenRad real-data folder format (docs/phantom-formats.md):
/// one folder per image with the image, study.json, landmarks.csv and angles.csv, plus manifest.json.
/// Throws io::IoError when an input file cannot be read.
AasceImportReport importAasce(const AasceImportOptions& options);

}  // namespace openrad::phantom
