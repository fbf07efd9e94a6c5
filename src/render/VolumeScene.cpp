#include "openrad/render/VolumeScene.h"

#include "openrad/core/ImageStatistics.h"
#include "openrad/render/IntensityStatistics.h"
#include "openrad/render/VtkImage.h"

#include <vtkCamera.h>
#include <vtkColorTransferFunction.h>
#include <vtkImageActor.h>
#include <vtkImageData.h>
#include <vtkImageMapper3D.h>
#include <vtkImageProperty.h>
#include <vtkMatrix4x4.h>
#include <vtkPiecewiseFunction.h>
#include <vtkRenderer.h>
#include <vtkSmartPointer.h>
#include <vtkSmartVolumeMapper.h>
#include <vtkVolume.h>
#include <vtkVolumeProperty.h>

#include <Eigen/Geometry>

#include <algorithm>

namespace openrad::render {

struct VolumeScene::Impl {
  vtkRenderer* renderer = nullptr;
  std::shared_ptr<const core::Series> series;
  vtkSmartPointer<vtkImageData> data;
  vtkSmartPointer<vtkVolume> volume;
  vtkSmartPointer<vtkSmartVolumeMapper> mapper;
  vtkSmartPointer<vtkImageActor> plane;
  Preset preset = Preset::Generic;
  bool cpu = false;

  void applyRenderMode() {
    if (!mapper) return;
    if (cpu) mapper->SetRequestedRenderModeToRayCast();
    else mapper->SetRequestedRenderModeToDefault();
  }

  void removeProps() {
    if (volume) renderer->RemoveVolume(volume);
    if (plane) renderer->RemoveActor(plane);
    volume = nullptr;
    mapper = nullptr;
    plane = nullptr;
    data = nullptr;
  }

  bool isCt = false;

  void applyPreset() {
    if (!volume || !series) return;
    auto color = vtkSmartPointer<vtkColorTransferFunction>::New();
    auto opacity = vtkSmartPointer<vtkPiecewiseFunction>::New();
    auto* property = volume->GetProperty();
    switch (preset) {
      case Preset::CtBone:
        // Bone preset in HU: soft tissue transparent, cortical bone opaque ivory.
        color->AddRGBPoint(-1024, 0.0, 0.0, 0.0);
        color->AddRGBPoint(140, 0.73, 0.25, 0.30);
        color->AddRGBPoint(400, 0.90, 0.82, 0.56);
        color->AddRGBPoint(1500, 1.0, 1.0, 0.95);
        opacity->AddPoint(-1024, 0.0);
        opacity->AddPoint(140, 0.0);
        opacity->AddPoint(300, 0.35);
        opacity->AddPoint(700, 0.75);
        opacity->AddPoint(3000, 0.85);
        break;
      case Preset::CtSoftTissue:
        color->AddRGBPoint(-1024, 0.0, 0.0, 0.0);
        color->AddRGBPoint(-100, 0.55, 0.25, 0.15);
        color->AddRGBPoint(80, 0.88, 0.60, 0.50);
        color->AddRGBPoint(400, 1.0, 0.94, 0.85);
        opacity->AddPoint(-1024, 0.0);
        opacity->AddPoint(-300, 0.0);
        opacity->AddPoint(-80, 0.08);
        opacity->AddPoint(100, 0.15);
        opacity->AddPoint(400, 0.7);
        opacity->AddPoint(3000, 0.8);
        break;
      case Preset::Generic: {
        // MR and other unitless data: a grey ramp over the upper part of the intensity histogram.
        const auto [low, high] = core::quantileRange(*series->image, 0.40, 0.995);
        const double top = std::max(high, low + 1e-3);
        color->AddRGBPoint(low, 0.0, 0.0, 0.0);
        color->AddRGBPoint(top, 1.0, 1.0, 1.0);
        opacity->AddPoint(low, 0.0);
        opacity->AddPoint(low + 0.25 * (top - low), 0.0);
        opacity->AddPoint(top, 0.6);
        break;
      }
    }
    property->SetColor(color);
    property->SetScalarOpacity(opacity);
    property->SetInterpolationTypeToLinear();
    property->ShadeOn();
    property->SetAmbient(0.15);
    property->SetDiffuse(0.85);
    property->SetSpecular(0.2);
    property->SetSpecularPower(10.0);
  }
};

VolumeScene::VolumeScene(vtkRenderer* renderer) : m_impl(std::make_unique<Impl>()) {
  m_impl->renderer = renderer;
}

VolumeScene::~VolumeScene() { m_impl->removeProps(); }

void VolumeScene::setSeries(std::shared_ptr<const core::Series> series) {
  m_impl->removeProps();
  m_impl->series = std::move(series);
  if (!m_impl->series || !m_impl->series->image) return;
  const auto& image = m_impl->series->image;
  // Placement through the prop's matrix: the CPU ray caster of VTK 9.1 ignores the direction.
  m_impl->data = toVtkImageData(image, false);
  const auto placement = placementMatrix(image->geometry());
  if (image->geometry().is2D()) {
    m_impl->plane = vtkSmartPointer<vtkImageActor>::New();
    m_impl->plane->GetMapper()->SetInputData(m_impl->data);
    m_impl->plane->GetProperty()->SetInterpolationTypeToLinear();
    m_impl->plane->SetUserMatrix(placement);
    const auto [low, high] = core::quantileRange(*image, 0.005, 0.995);
    setPlaneWindowLevel(std::max(high - low, 1e-3), 0.5 * (low + high));
    m_impl->renderer->AddActor(m_impl->plane);
  } else {
    m_impl->mapper = vtkSmartPointer<vtkSmartVolumeMapper>::New();
    m_impl->mapper->SetInputData(m_impl->data);
    m_impl->mapper->SetBlendModeToComposite();
    m_impl->applyRenderMode();
    m_impl->volume = vtkSmartPointer<vtkVolume>::New();
    m_impl->volume->SetMapper(m_impl->mapper);
    m_impl->volume->SetUserMatrix(placement);
    m_impl->isCt = looksLikeCt(*m_impl->series);
    m_impl->preset = m_impl->isCt ? Preset::CtBone : Preset::Generic;
    m_impl->applyPreset();
    m_impl->renderer->AddVolume(m_impl->volume);
  }
  resetCamera();
}

const std::shared_ptr<const core::Series>& VolumeScene::series() const { return m_impl->series; }

void VolumeScene::setPreset(Preset preset) {
  m_impl->preset = preset;
  m_impl->applyPreset();
}

VolumeScene::Preset VolumeScene::preset() const { return m_impl->preset; }

void VolumeScene::setPlaneWindowLevel(double window, double level) {
  if (!m_impl->plane) return;
  m_impl->plane->GetProperty()->SetColorWindow(window);
  m_impl->plane->GetProperty()->SetColorLevel(level);
}

void VolumeScene::setCpuRayCasting(bool cpu) {
  m_impl->cpu = cpu;
  m_impl->applyRenderMode();
}

bool VolumeScene::cpuRayCasting() const { return m_impl->cpu; }

bool VolumeScene::showsVolume() const { return m_impl->volume != nullptr; }

bool VolumeScene::showsPlane() const { return m_impl->plane != nullptr; }

void VolumeScene::resetCamera() {
  if (!m_impl->series || !m_impl->series->image) return;
  const core::Geometry& g = m_impl->series->image->geometry();
  const Eigen::Vector3d extent((g.size[0] - 1) * g.spacing.x(), (g.size[1] - 1) * g.spacing.y(),
                               (g.size[2] - 1) * g.spacing.z());
  const Eigen::Vector3d center = g.indexToPhysical(
      Eigen::Vector3d(0.5 * (g.size[0] - 1), 0.5 * (g.size[1] - 1), 0.5 * (g.size[2] - 1)));
  const double radius = std::max(1.0, 0.5 * extent.norm());
  vtkCamera* camera = m_impl->renderer->GetActiveCamera();
  Eigen::Vector3d towardsCamera;
  Eigen::Vector3d up;
  if (g.is2D()) {
    // Face-on: image columns to the right, rows downwards, as in the 2D viewer.
    const Eigen::Vector3d i = g.direction.col(0).normalized();
    const Eigen::Vector3d j = g.direction.col(1).normalized();
    towardsCamera = -i.cross(j).normalized();
    up = -j;
    camera->ParallelProjectionOn();
  } else {
    // Anterior view (LPS: anterior is -y), head up.
    towardsCamera = Eigen::Vector3d(0, -1, 0);
    up = Eigen::Vector3d(0, 0, 1);
    camera->ParallelProjectionOff();
  }
  const Eigen::Vector3d position = center + towardsCamera * radius * 3.5;
  camera->SetFocalPoint(center.x(), center.y(), center.z());
  camera->SetPosition(position.x(), position.y(), position.z());
  camera->SetViewUp(up.x(), up.y(), up.z());
  m_impl->renderer->ResetCamera();
  // ResetCamera fits the bounding sphere; the box itself can be shown larger.
  camera->Zoom(g.is2D() ? 1.1 : 1.5);
  m_impl->renderer->ResetCameraClippingRange();
}

}  // namespace openrad::render
