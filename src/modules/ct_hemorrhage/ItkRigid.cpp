#include "ItkRigid.h"

#include <itkCenteredTransformInitializer.h>
#include <itkImage.h>
#include <itkImageRegistrationMethodv4.h>
#include <itkMattesMutualInformationImageToImageMetricv4.h>
#include <itkMultiThreaderBase.h>
#include <itkRegistrationParameterScalesFromPhysicalShift.h>
#include <itkRegularStepGradientDescentOptimizerv4.h>
#include <itkVersorRigid3DTransform.h>

#include <algorithm>

namespace openrad::modules::ct_hemorrhage::detail {

namespace {

using ItkImage = itk::Image<float, 3>;

ItkImage::Pointer toItk(const FloatVolume& v) {
  auto out = ItkImage::New();
  ItkImage::RegionType region;
  ItkImage::SizeType size;
  for (unsigned d = 0; d < 3; ++d) size[d] = static_cast<itk::SizeValueType>(v.size[d]);
  region.SetSize(size);
  out->SetRegions(region);
  ItkImage::SpacingType spacing;
  ItkImage::PointType origin;
  ItkImage::DirectionType direction;
  for (unsigned r = 0; r < 3; ++r) {
    spacing[r] = v.spacing[r];
    origin[r] = v.origin[r];
    for (unsigned c = 0; c < 3; ++c) direction[r][c] = v.direction[3 * r + c];
  }
  out->SetSpacing(spacing);
  out->SetOrigin(origin);
  out->SetDirection(direction);
  out->Allocate();
  std::copy(v.values.begin(), v.values.end(), out->GetBufferPointer());
  return out;
}

}  // namespace

RigidResult rigidRegister(const FloatVolume& fixedVolume, const FloatVolume& movingVolume) {
  using Transform = itk::VersorRigid3DTransform<double>;
  using Optimizer = itk::RegularStepGradientDescentOptimizerv4<double>;
  using Metric = itk::MattesMutualInformationImageToImageMetricv4<ItkImage, ItkImage>;
  using Registration = itk::ImageRegistrationMethodv4<ItkImage, ItkImage, Transform>;
  // ITK's default thread pool keeps worker threads alive, and a process that forks afterwards (io decodes compressed
  // DICOM in a forked child, which may run ITK again) inherits a pool without threads and aborts. Threads started
  // and joined per call leave nothing behind.
  itk::MultiThreaderBase::SetGlobalDefaultThreader(itk::MultiThreaderBase::ThreaderEnum::Platform);
  const ItkImage::Pointer f = toItk(fixedVolume), m = toItk(movingVolume);

  auto transform = Transform::New();
  using Initializer = itk::CenteredTransformInitializer<Transform, ItkImage, ItkImage>;
  auto initializer = Initializer::New();
  initializer->SetTransform(transform);
  initializer->SetFixedImage(f);
  initializer->SetMovingImage(m);
  initializer->MomentsOn();
  initializer->InitializeTransform();

  auto metric = Metric::New();
  metric->SetNumberOfHistogramBins(48);
  auto optimizer = Optimizer::New();
  optimizer->SetLearningRate(2.0);
  optimizer->SetMinimumStepLength(0.001);
  optimizer->SetRelaxationFactor(0.6);
  optimizer->SetNumberOfIterations(200);
  optimizer->SetGradientMagnitudeTolerance(1e-6);
  // Rotation and translation on one scale: parameter steps are weighed by how far they move points of the head.
  using Scales = itk::RegistrationParameterScalesFromPhysicalShift<Metric>;
  auto scales = Scales::New();
  scales->SetMetric(metric);
  optimizer->SetScalesEstimator(scales);
  optimizer->SetDoEstimateLearningRateOnce(true);

  auto registration = Registration::New();
  registration->SetFixedImage(f);
  registration->SetMovingImage(m);
  registration->SetMetric(metric);
  registration->SetOptimizer(optimizer);
  registration->SetInitialTransform(transform);
  registration->InPlaceOn();
  registration->SetNumberOfLevels(3);
  Registration::ShrinkFactorsPerDimensionContainerType shrink;
  Registration::SmoothingSigmasArrayType sigmas(3);
  const unsigned factors[3] = {4, 2, 1};
  for (unsigned level = 0; level < 3; ++level) {
    shrink[0] = shrink[1] = factors[level];
    shrink[2] = 1;  // 5 mm slices: nothing to gain across them
    registration->SetShrinkFactorsPerDimension(level, shrink);
    sigmas[level] = 0.5 * (factors[level] - 1);
  }
  registration->SetSmoothingSigmasPerLevel(sigmas);
  registration->SetSmoothingSigmasAreSpecifiedInPhysicalUnits(false);
  registration->SetMetricSamplingStrategy(Registration::MetricSamplingStrategyEnum::RANDOM);
  registration->SetMetricSamplingPercentage(0.15);
  registration->MetricSamplingReinitializeSeed(20240611);
  registration->Update();

  RigidResult r;
  const auto matrix = transform->GetMatrix();
  const auto offset = transform->GetOffset();
  for (unsigned i = 0; i < 3; ++i) {
    r.offset[i] = offset[i];
    for (unsigned c = 0; c < 3; ++c) r.matrix[3 * i + c] = matrix[i][c];
  }
  r.metric = optimizer->GetValue();
  r.iterations = static_cast<int>(optimizer->GetCurrentIteration());
  return r;
}

}  // namespace openrad::modules::ct_hemorrhage::detail
