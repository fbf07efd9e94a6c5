#pragma once

#include "openrad/core/Image.h"

#include <vtkSmartPointer.h>

#include <memory>

class vtkImageData;
class vtkMatrix4x4;

namespace openrad::render {

/// Wraps a core image as vtkImageData without copying the voxels: the VTK array points into the
/// image buffer and keeps the image alive until VTK releases the array. Spacing, origin and the
/// direction matrix are set from the geometry (LPS millimetres).
/// With `placement` false the grid keeps its spacing but sits at the origin with identity direction:
/// place the prop with placementMatrix() instead (not every VTK 9.1 mapper honours the direction).
vtkSmartPointer<vtkImageData> toVtkImageData(const std::shared_ptr<const core::Image>& image, bool placement = true);

/// Rigid transform from a grid at the origin with identity direction to its LPS placement
/// (rotation = direction, translation = origin), for vtkProp3D::SetUserMatrix.
vtkSmartPointer<vtkMatrix4x4> placementMatrix(const core::Geometry& geometry);

/// Number of core buffers currently borrowed by VTK arrays (for tests).
int borrowedImageCount();

}  // namespace openrad::render
