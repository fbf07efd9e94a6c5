#pragma once

#include "openrad/phantom/SpineModel.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>

// Helpers shared by the phantom writers and the dataset importers (private to the phantom layer).
namespace openrad::phantom::detail {

/// Number with three decimals, the precision of every CSV the datasets carry.
std::string fixed3(double v);
/// Writes a whole text file; throws io::IoError naming the file.
void writeTextFile(const std::filesystem::path& path, const std::string& text);
/// One vertebra's pose as written in every spine study's ground truth (LPS mm, degrees).
nlohmann::ordered_json vertebraJson(const VertebraPose& v);
/// The sampled spine parameters as written in every spine study's ground truth.
nlohmann::ordered_json spineParametersJson(const SpineParams& p);

}  // namespace openrad::phantom::detail
