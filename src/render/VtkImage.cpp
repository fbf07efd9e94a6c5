#include "openrad/render/VtkImage.h"

#include <vtkImageData.h>
#include <vtkMatrix4x4.h>
#include <vtkPointData.h>
#include <vtkFloatArray.h>
#include <vtkShortArray.h>
#include <vtkUnsignedCharArray.h>
#include <vtkUnsignedShortArray.h>

#include <map>
#include <mutex>

namespace openrad::render {
namespace {

// VTK's free callback is a plain function pointer that only receives the buffer address, so the
// shared_ptr that keeps each borrowed buffer alive lives in this registry, keyed by address.
struct Borrowed {
  std::shared_ptr<const core::Image> image;
  int uses = 0;
};
std::mutex g_mutex;
std::map<const void*, Borrowed> g_borrowed;

void releaseBuffer(void* pointer) {
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = g_borrowed.find(pointer);
  if (it != g_borrowed.end() && --it->second.uses <= 0) g_borrowed.erase(it);
}

template <class ArrayT, class T>
vtkSmartPointer<vtkDataArray> borrow(const std::shared_ptr<const core::Image>& image) {
  auto* pointer = const_cast<T*>(image->as<T>());  // VTK only reads it: views never modify voxels
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    Borrowed& entry = g_borrowed[pointer];
    entry.image = image;
    ++entry.uses;
  }
  auto array = vtkSmartPointer<ArrayT>::New();
  array->SetNumberOfComponents(1);
  array->SetArray(pointer, static_cast<vtkIdType>(image->geometry().voxelCount()), 1);
  array->SetArrayFreeFunction(&releaseBuffer);
  array->SetName("scalars");
  return array;
}

}  // namespace

vtkSmartPointer<vtkImageData> toVtkImageData(const std::shared_ptr<const core::Image>& image, bool placement) {
  auto data = vtkSmartPointer<vtkImageData>::New();
  if (!image) return data;
  const core::Geometry& g = image->geometry();
  data->SetDimensions(static_cast<int>(g.size[0]), static_cast<int>(g.size[1]), static_cast<int>(g.size[2]));
  data->SetSpacing(g.spacing.x(), g.spacing.y(), g.spacing.z());
  if (placement) {
    data->SetOrigin(g.origin.x(), g.origin.y(), g.origin.z());
    double direction[9];
    for (int r = 0; r < 3; ++r)
      for (int c = 0; c < 3; ++c) direction[r * 3 + c] = g.direction(r, c);
    data->SetDirectionMatrix(direction);
  }

  vtkSmartPointer<vtkDataArray> scalars;
  switch (image->pixelType()) {
    case core::PixelType::UInt8: scalars = borrow<vtkUnsignedCharArray, std::uint8_t>(image); break;
    case core::PixelType::Int16: scalars = borrow<vtkShortArray, std::int16_t>(image); break;
    case core::PixelType::UInt16: scalars = borrow<vtkUnsignedShortArray, std::uint16_t>(image); break;
    case core::PixelType::Float32: scalars = borrow<vtkFloatArray, float>(image); break;
  }
  data->GetPointData()->SetScalars(scalars);
  return data;
}

vtkSmartPointer<vtkMatrix4x4> placementMatrix(const core::Geometry& geometry) {
  auto matrix = vtkSmartPointer<vtkMatrix4x4>::New();
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 3; ++c) matrix->SetElement(r, c, geometry.direction(r, c));
    matrix->SetElement(r, 3, geometry.origin[r]);
  }
  return matrix;
}

int borrowedImageCount() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return static_cast<int>(g_borrowed.size());
}

}  // namespace openrad::render
