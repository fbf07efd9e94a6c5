#pragma once

#include "openrad/app/VtkView.h"
#include "openrad/core/Study.h"
#include "openrad/render/VolumeScene.h"

#include <memory>

namespace openrad::app {

/// The 3D view: volume rendering of a CT/MR volume, or the radiograph as an image plane.
class VolumeView : public VtkView {
  Q_OBJECT

public:
  explicit VolumeView(QWidget* parent = nullptr);
  ~VolumeView() override;

  /// Shows a series (nullptr clears) and resets the camera.
  void setSeries(std::shared_ptr<const core::Series> series);
  /// The scene (transfer function presets, camera).
  render::VolumeScene& scene() { return *m_scene; }

public Q_SLOTS:
  /// Switches the volume transfer function.
  void setPreset(render::VolumeScene::Preset preset);
  /// Window/level of the radiograph plane (follows the 2D viewer).
  void setPlaneWindowLevel(double window, double level);
  /// Anterior view, head up.
  void resetCamera();

protected:
  void glReady() override;

private:
  std::unique_ptr<render::VolumeScene> m_scene;
};

}  // namespace openrad::app
