#include "OpenJpegDecoder.h"

// Spelled with its folder: ITK 5.2 ships an older, mangled openjpeg.h on the ITK include path.
#include <openjpeg-2.5/openjpeg.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>

namespace openrad::io::detail {
namespace {

struct MemoryStream {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;
};

OPJ_SIZE_T readFn(void* buffer, OPJ_SIZE_T bytes, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (s->at >= s->size) return static_cast<OPJ_SIZE_T>(-1);
  const std::size_t n = std::min<std::size_t>(bytes, s->size - s->at);
  std::memcpy(buffer, s->data + s->at, n);
  s->at += n;
  return n;
}

OPJ_OFF_T skipFn(OPJ_OFF_T bytes, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  const auto target = std::clamp<OPJ_OFF_T>(static_cast<OPJ_OFF_T>(s->at) + bytes, 0, static_cast<OPJ_OFF_T>(s->size));
  const OPJ_OFF_T moved = target - static_cast<OPJ_OFF_T>(s->at);
  s->at = static_cast<std::size_t>(target);
  return moved;
}

OPJ_BOOL seekFn(OPJ_OFF_T position, void* user) {
  auto* s = static_cast<MemoryStream*>(user);
  if (position < 0 || static_cast<std::size_t>(position) > s->size) return OPJ_FALSE;
  s->at = static_cast<std::size_t>(position);
  return OPJ_TRUE;
}

void quiet(const char*, void*) {}

}  // namespace

J2kFrame decodeJpeg2000(const std::uint8_t* bytes, std::size_t size, int width, int height) {
  if (size < 4) throw std::runtime_error("empty JPEG 2000 stream");
  const bool jp2 = size >= 12 && bytes[4] == 'j' && bytes[5] == 'P';
  std::unique_ptr<opj_codec_t, void (*)(opj_codec_t*)> codec(opj_create_decompress(jp2 ? OPJ_CODEC_JP2 : OPJ_CODEC_J2K),
                                                             opj_destroy_codec);
  if (!codec) throw std::runtime_error("OpenJPEG codec unavailable");
  opj_set_info_handler(codec.get(), quiet, nullptr);
  opj_set_warning_handler(codec.get(), quiet, nullptr);
  opj_set_error_handler(codec.get(), quiet, nullptr);
  opj_dparameters_t parameters;
  opj_set_default_decoder_parameters(&parameters);
  if (!opj_setup_decoder(codec.get(), &parameters)) throw std::runtime_error("OpenJPEG setup failed");

  MemoryStream memory{bytes, size};
  std::unique_ptr<opj_stream_t, void (*)(opj_stream_t*)> stream(opj_stream_create(1 << 16, OPJ_TRUE), opj_stream_destroy);
  opj_stream_set_user_data(stream.get(), &memory, nullptr);
  opj_stream_set_user_data_length(stream.get(), size);
  opj_stream_set_read_function(stream.get(), readFn);
  opj_stream_set_skip_function(stream.get(), skipFn);
  opj_stream_set_seek_function(stream.get(), seekFn);

  opj_image_t* raw = nullptr;
  if (!opj_read_header(stream.get(), codec.get(), &raw) || !raw) throw std::runtime_error("invalid JPEG 2000 header");
  std::unique_ptr<opj_image_t, void (*)(opj_image_t*)> image(raw, opj_image_destroy);
  const auto w = static_cast<std::int64_t>(image->x1) - image->x0, h = static_cast<std::int64_t>(image->y1) - image->y0;
  if (w != width || h != height || (image->numcomps != 1 && image->numcomps != 3))
    throw std::runtime_error("JPEG 2000 stream is " + std::to_string(w) + " x " + std::to_string(h) + " with " +
                             std::to_string(image->numcomps) + " component(s), the DICOM header says " +
                             std::to_string(width) + " x " + std::to_string(height) + "; not decoded");
  for (OPJ_UINT32 c = 0; c < image->numcomps; ++c)
    if (image->comps[c].dx != 1 || image->comps[c].dy != 1 || image->comps[c].prec < 1 || image->comps[c].prec > 31)
      throw std::runtime_error("JPEG 2000 component " + std::to_string(c) + " is subsampled or has an odd precision");
  if (!opj_decode(codec.get(), stream.get(), image.get()) || !opj_end_decompress(codec.get(), stream.get()))
    throw std::runtime_error("corrupt JPEG 2000 data");
  if (image->numcomps < 1 || !image->comps[0].data) throw std::runtime_error("JPEG 2000 image without components");

  J2kFrame frame;
  frame.components = static_cast<int>(image->numcomps);
  frame.width = static_cast<int>(image->comps[0].w);
  frame.height = static_cast<int>(image->comps[0].h);
  frame.precision = static_cast<int>(image->comps[0].prec);
  frame.isSigned = image->comps[0].sgnd != 0;
  const std::size_t plane = static_cast<std::size_t>(frame.width) * static_cast<std::size_t>(frame.height);
  frame.data.resize(plane * static_cast<std::size_t>(frame.components));
  for (int c = 0; c < frame.components; ++c) {
    const auto& comp = image->comps[c];
    if (comp.w != image->comps[0].w || comp.h != image->comps[0].h || !comp.data)
      throw std::runtime_error("subsampled JPEG 2000 components are not supported");
    std::copy(comp.data, comp.data + plane, frame.data.begin() + static_cast<long>(c * plane));
  }
  return frame;
}

}  // namespace openrad::io::detail
