#include "openrad/ai/TorchSession.h"

#include "openrad/ai/InferenceThreads.h"

#include "openrad/ai/ModelError.h"

#include <thread>

namespace openrad::ai {

TorchSession::TorchSession(Device device, int threads) {
  const bool cuda = device != Device::Cpu && torch::cuda::is_available();
  if (device == Device::Cuda && !cuda) throw ModelError("cuda", "CUDA was requested but is not available");
  m_device = cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  setInferenceThreads(threads);
}

std::string TorchSession::describe() const {
  if (m_device.is_cuda()) return "cuda";
  return "cpu (" + std::to_string(torch::get_num_threads()) + " threads)";
}

void TorchSession::load(torch::nn::Module& module, const std::string& path) const {
  try {
    torch::serialize::InputArchive archive;
    archive.load_from(path, torch::Device(torch::kCPU));
    module.load(archive);
  } catch (const c10::Error& e) {
    throw ModelError(path, std::string("weights do not load into the network: ") + e.what_without_backtrace());
  }
  module.to(m_device);
  module.eval();
}

}  // namespace openrad::ai
