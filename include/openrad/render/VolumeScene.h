#pragma once

#include "openrad/core/Study.h"

#include <memory>

class vtkRenderer;

namespace openrad::render {

/// The 3D scene of one series in a renderer: GPU volume rendering for volumes (CT bone preset for
/// CT, a quantile ramp otherwise) or a textured image plane for 2D radiographs. Owns its props,
/// never the data (the voxels stay in the shared core image).
class VolumeScene {
public:
  /// Transfer function presets for volumes.
  enum class Preset { CtBone, CtSoftTissue, Generic };

  /// Adds nothing yet; props are added to `renderer` by setSeries.
  explicit VolumeScene(vtkRenderer* renderer);
  ~VolumeScene();
  VolumeScene(const VolumeScene&) = delete;
  VolumeScene& operator=(const VolumeScene&) = delete;

  /// Shows a series (nullptr clears); resets the camera.
  void setSeries(std::shared_ptr<const core::Series> series);
  /// The series shown, or nullptr.
  const std::shared_ptr<const core::Series>& series() const;
  /// Volume transfer function preset (ignored for 2D series).
  void setPreset(Preset preset);
  /// The preset in use.
  Preset preset() const;
  /// Window/level of the 2D image plane (ignored for volumes).
  void setPlaneWindowLevel(double window, double level);
  /// Ray casts on the CPU instead of the GPU (faster than a software OpenGL such as Mesa llvmpipe).
  void setCpuRayCasting(bool cpu);
  /// True when volumes are ray cast on the CPU.
  bool cpuRayCasting() const;
  /// True when a volume is shown; false for a plane or nothing.
  bool showsVolume() const;
  /// True when a 2D image plane is shown.
  bool showsPlane() const;
  /// Places the camera: anterior view of volumes (head up), face-on view of planes.
  void resetCamera();

private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace openrad::render
