#pragma once

#include "openrad/modules/Module.h"

#include <cstdint>
#include <functional>
#include <string>

namespace openrad::modules::xray_landmarks {

/// `openrad-cli train xray-landmarks`: adds the trainer's options, returns what trains.
std::function<int()> setupTrain(CLI::App& command);
/// `openrad-cli eval xray-landmarks`: Cobb SMAPE/MAE, landmark MRE, confidence flags, speed, per case.
std::function<EvalReport(const EvalOptions&)> setupEval(CLI::App& command);
/// `openrad-cli bench xray-landmarks`: analysis time per radiograph against opening it, quiet and beside one busy
/// process.
std::function<int()> setupBench(CLI::App& command);
/// The bench itself (`images` phantoms of `seed` on `threads` threads, models root `models` or the shipped one).
int runXrayLandmarkBench(int images, int threads, std::uint64_t seed, const std::string& models);

}  // namespace openrad::modules::xray_landmarks
