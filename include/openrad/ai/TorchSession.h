#pragma once

// Private to the ai layer: Torch types never reach public headers.
#include "openrad/ai/RunContext.h"

#include <torch/torch.h>

#include <string>

namespace openrad::ai {

/// Device and thread set-up shared by every Torch model: CUDA when available (unless the CPU is asked
/// for), else the CPU with one intra-op thread per hardware core (Debian's LibTorch starts with 1).
class TorchSession {
public:
  /// Picks the device and sets the CPU thread count (threads = 0: hardware cores).
  TorchSession(Device device, int threads);
  /// The device tensors and modules live on.
  const torch::Device& device() const { return m_device; }
  /// "cpu (2 threads)" or "cuda".
  std::string describe() const;

  /// Loads weights saved with torch::save(module) into `module`, moves it to the device and calls eval();
  /// throws ModelError naming the file when the archive does not fit the module.
  void load(torch::nn::Module& module, const std::string& path) const;

private:
  torch::Device m_device{torch::kCPU};
};

}  // namespace openrad::ai
