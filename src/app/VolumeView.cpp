#include "openrad/app/VolumeView.h"

namespace openrad::app {

VolumeView::VolumeView(QWidget* parent)
    : VtkView(parent), m_scene(std::make_unique<render::VolumeScene>(renderer())) {}

VolumeView::~VolumeView() {
  // Props release their GL resources while the context still exists (VtkView's destructor).
  makeCurrent();
  m_scene.reset();
  doneCurrent();
}

void VolumeView::glReady() {
  // A software OpenGL ray casts far slower than VTK's multi-threaded CPU ray caster.
  // OPENRAD_VOLUME_RENDERING=gpu|cpu overrides the choice.
  const QByteArray mode = qgetenv("OPENRAD_VOLUME_RENDERING").toLower();
  m_scene->setCpuRayCasting(mode == "cpu" || (mode != "gpu" && softwareOpenGl()));
}

void VolumeView::setSeries(std::shared_ptr<const core::Series> series) {
  m_scene->setSeries(std::move(series));
  update();
}

void VolumeView::setPreset(render::VolumeScene::Preset preset) {
  m_scene->setPreset(preset);
  update();
}

void VolumeView::setPlaneWindowLevel(double window, double level) {
  if (!m_scene->showsPlane()) return;
  m_scene->setPlaneWindowLevel(window, level);
  update();
}

void VolumeView::resetCamera() {
  m_scene->resetCamera();
  update();
}

}  // namespace openrad::app
