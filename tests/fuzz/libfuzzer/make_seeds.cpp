// openrad-fuzz-seeds OUT: writes the seed inputs the project itself can make into OUT/<target>/: DICOM files from the
// DICOM writer (native and JPEG lossless, CT/MR/DX), a DICOMDIR naming the fuzz target's IM000001, NIfTI (.nii and
// .nii.gz, several pixel types), PNG/JPEG/TIFF radiographs and a session.json. scripts/openrad.sh adds the real
// files of ../shared/data to them.
#include "FuzzSupport.h"

#include "openrad/core/Image.h"
#include "openrad/io/DicomWriter.h"
#include "openrad/io/Nifti.h"

#include <dcmtk/dcmdata/dcddirif.h>
#include <opencv2/imgcodecs.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace openrad;

namespace {

core::Image ramp(std::array<std::int64_t, 3> size, core::PixelType type) {
  core::Geometry g;
  g.size = size;
  g.spacing = {0.7, 0.7, 2.0};
  core::Image image(g, type);
  for (std::int64_t i = 0; i < g.voxelCount(); ++i) {
    switch (type) {
      case core::PixelType::UInt8: image.as<std::uint8_t>()[i] = static_cast<std::uint8_t>(i * 7); break;
      case core::PixelType::Int16: image.as<std::int16_t>()[i] = static_cast<std::int16_t>(i * 13 % 2000 - 1000); break;
      case core::PixelType::UInt16: image.as<std::uint16_t>()[i] = static_cast<std::uint16_t>(i * 29 % 4096); break;
      case core::PixelType::Float32: image.as<float>()[i] = static_cast<float>(i) * 0.25f; break;
    }
  }
  return image;
}

void dicomSeeds(const fs::path& out) {
  fs::create_directories(out);
  fuzz::writeSmallDicom(out / "small_native.dcm");
  fuzz::writeSmallDicom(out / "small_jpeg_lossless.dcm", true);
  const fs::path work = out / ".work";
  core::PatientInfo patient{"SEED", "Seed^Patient", "19800101", "F"};
  core::StudyInfo study;
  study.date = "20260101";
  struct Kind { const char* modality; core::PixelType type; std::array<std::int64_t, 3> size; bool jpeg; };
  for (const Kind k : {Kind{"CT", core::PixelType::Int16, {16, 12, 2}, false}, Kind{"MR", core::PixelType::UInt16, {10, 10, 2}, true},
                       Kind{"DX", core::PixelType::UInt16, {20, 30, 1}, false}}) {
    core::SeriesInfo series;
    series.modality = k.modality;
    io::DicomWriteOptions o;
    o.uidSeed = std::string("seed-") + k.modality;
    o.rescaleIntercept = std::string(k.modality) == "CT" ? -1024 : 0;
    o.jpegLossless = k.jpeg;
    const auto written = io::writeDicomSeries(ramp(k.size, k.type), patient, study, series, (work / k.modality).string(), o);
    int n = 0;
    for (const auto& f : written.files)
      fs::copy_file(f, out / (std::string("writer_") + k.modality + "_" + std::to_string(n++) + ".dcm"),
                    fs::copy_options::overwrite_existing);
  }
  fs::remove_all(work);
}

void dicomdirSeeds(const fs::path& out) {
  fs::create_directories(out);
  // The same layout as the dicomdir target's folder: DICOMDIR beside IM000001.
  const fs::path media = out / ".media";
  fs::create_directories(media);
  fuzz::writeSmallDicom(media / "IM000001");
  DicomDirInterface dir;
  const std::string path = (media / "DICOMDIR").string();
  OFCondition c = dir.createNewDicomDir(DicomDirInterface::AP_GeneralPurpose, path.c_str(), "OPENRADFUZZ");
  if (c.good()) c = dir.addDicomFile("IM000001", media.string().c_str());
  if (c.good()) c = dir.writeDicomDir();
  if (c.bad()) {
    std::fprintf(stderr, "warning: no DICOMDIR seed: %s\n", c.text());
  } else {
    fs::copy_file(path, out / "DICOMDIR_one_image", fs::copy_options::overwrite_existing);
  }
  fs::remove_all(media);
}

void niftiSeeds(const fs::path& out) {
  fs::create_directories(out);
  io::writeNifti(ramp({6, 5, 4}, core::PixelType::Int16), (out / "int16.nii").string());
  io::writeNifti(ramp({6, 5, 1}, core::PixelType::UInt8), (out / "uint8_2d.nii").string());
  io::writeNifti(ramp({3, 4, 5}, core::PixelType::Float32), (out / "float.nii").string());
  io::writeNifti(ramp({6, 5, 4}, core::PixelType::UInt16), (out / "uint16.nii.gz").string());
}

void plainSeeds(const fs::path& out) {
  fs::create_directories(out);
  cv::Mat gray8(12, 16, CV_8UC1), gray16(10, 8, CV_16UC1), color(9, 7, CV_8UC3);
  cv::randu(gray8, 0, 255);
  cv::randu(gray16, 0, 65535);
  cv::randu(color, 0, 255);
  cv::imwrite((out / "gray8.png").string(), gray8);
  cv::imwrite((out / "gray16.png").string(), gray16);
  cv::imwrite((out / "color.png").string(), color);
  cv::imwrite((out / "gray8.jpg").string(), gray8);
  cv::imwrite((out / "color.jpg").string(), color);
  cv::imwrite((out / "gray16.tif").string(), gray16);
  cv::imwrite((out / "gray8.tif").string(), gray8);
}

void sessionSeeds(const fs::path& out) {
  fs::create_directories(out);
  const fs::path work = out / ".session";
  fuzz::writeSessionFolder(work);
  fs::copy_file(work / "session.json", out / "session.json", fs::copy_options::overwrite_existing);
  fs::remove_all(work);
  std::ofstream(out / "minimal.json") << R"({"format":"openrad-session","version":1,"series":{}})";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT\n", argv[0]);
    return 2;
  }
  const fs::path out = argv[1];
  try {
    dicomSeeds(out / "dicom_file");
    dicomdirSeeds(out / "dicomdir");
    niftiSeeds(out / "nifti");
    plainSeeds(out / "plain_image");
    sessionSeeds(out / "session");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
