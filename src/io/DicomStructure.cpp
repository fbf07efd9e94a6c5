#include "DicomStructure.h"

#include <dcmtk/dcmdata/dctag.h>
#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <vector>

namespace openrad::io::detail {
namespace {

constexpr std::uint32_t kUndefined = 0xffffffffu;

/// Reads from a file or from an inflated buffer, with the position and the size always known.
class Reader {
 public:
  explicit Reader(const std::string& path) : m_in(path, std::ios::binary) {
    if (!m_in) throw StructureError("cannot open the file");
    std::error_code ec;
    m_size = std::filesystem::file_size(path, ec);
    if (ec) throw StructureError("cannot tell the file's size");
  }
  std::uint64_t pos() const { return m_pos; }
  std::uint64_t size() const { return m_size; }
  std::uint64_t left() const { return m_size - m_pos; }
  bool inflated() const { return m_memory; }
  void read(void* out, std::size_t n) {
    if (n > left()) throw StructureError("the file ends inside an element header");
    if (m_memory) {
      std::memcpy(out, m_buffer.data() + m_pos, n);
    } else {
      // Through a window of the file: a header is a few kilobytes of small elements, read with one system call.
      if (m_pos < m_windowStart || m_pos + n > m_windowStart + m_buffer.size()) {
        m_buffer.resize(static_cast<std::size_t>(std::min<std::uint64_t>(std::max<std::size_t>(n, 64u << 10), left())));
        m_in.clear();
        m_in.seekg(static_cast<std::streamoff>(m_pos));
        m_in.read(reinterpret_cast<char*>(m_buffer.data()), static_cast<std::streamsize>(m_buffer.size()));
        if (static_cast<std::size_t>(m_in.gcount()) != m_buffer.size()) throw StructureError("read error");
        m_windowStart = m_pos;
      }
      std::memcpy(out, m_buffer.data() + (m_pos - m_windowStart), n);
    }
    m_pos += n;
  }
  void skip(std::uint64_t n) { m_pos += n; }  // callers check n against left() first
  /// Goes back to `pos` (already read: inside the window).
  void rewind(std::uint64_t pos) { m_pos = pos; }
  /// Replaces the rest of the file by its raw-deflate inflation (deflated explicit little endian data set).
  void inflateRest(std::uint64_t limit) {
    std::vector<unsigned char> packed(static_cast<std::size_t>(left()));
    read(packed.data(), packed.size());
    z_stream z{};
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK) throw StructureError("cannot start inflating the deflated data set");
    z.next_in = packed.data();
    z.avail_in = static_cast<uInt>(packed.size());
    std::vector<unsigned char> out;
    int status = Z_OK;
    while (status == Z_OK) {
      if (out.size() >= limit) {
        inflateEnd(&z);
        throw StructureError("the deflated data set inflates beyond " + std::to_string(limit >> 20) + " MiB");
      }
      const std::size_t at = out.size();
      out.resize(std::min<std::uint64_t>(limit, at + (1u << 20)));
      z.next_out = out.data() + at;
      z.avail_out = static_cast<uInt>(out.size() - at);
      status = inflate(&z, Z_NO_FLUSH);
      out.resize(out.size() - z.avail_out);
      if (status == Z_BUF_ERROR && z.avail_in == 0) break;  // truncated stream: scan what there is
    }
    inflateEnd(&z);
    if (status != Z_STREAM_END && status != Z_OK && status != Z_BUF_ERROR)
      throw StructureError("the deflated data set is corrupt");
    m_memory = true;
    m_windowStart = 0;
    m_buffer = std::move(out);
    m_pos = 0;
    m_size = m_buffer.size();
  }

 private:
  std::ifstream m_in;
  bool m_memory = false;
  std::vector<unsigned char> m_buffer;  ///< the inflated data set, or the window of the file
  std::uint64_t m_windowStart = 0;
  std::uint64_t m_pos = 0, m_size = 0;
};

std::uint16_t u16(const unsigned char* p, bool big) {
  return big ? static_cast<std::uint16_t>(p[0] << 8 | p[1]) : static_cast<std::uint16_t>(p[1] << 8 | p[0]);
}
std::uint32_t u32(const unsigned char* p, bool big) {
  return big ? (std::uint32_t{p[0]} << 24 | std::uint32_t{p[1]} << 16 | std::uint32_t{p[2]} << 8 | p[3])
             : (std::uint32_t{p[3]} << 24 | std::uint32_t{p[2]} << 16 | std::uint32_t{p[1]} << 8 | p[0]);
}

std::string tagText(std::uint16_t group, std::uint16_t element) {
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "(%04X,%04X)", group, element);
  return buffer;
}

bool hasLongLength(const char vr[2]) {
  static const char* const kLong[] = {"OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV"};
  for (const char* v : kLong)
    if (vr[0] == v[0] && vr[1] == v[1]) return true;
  return false;
}

struct Container {
  enum Kind { DataSet, Sequence, Item, Fragments } kind;
  bool undefined;
  std::uint64_t end;             ///< when defined
  bool implicit;                 ///< implicit VR inside (a UN sequence of undefined length is implicit little endian)
  bool offsetTableSeen = false;  ///< Fragments: the first item (the basic offset table) was read
  std::uint32_t tag = 0;         ///< Sequence: its tag (group << 16 | element)
};

constexpr std::uint32_t kDirectoryRecordSequence = 0x00041220;

}  // namespace

StructureScan scanDicomStructure(const std::string& path, const StructureLimits& limits) {
  StructureScan scan;
  Reader in(path);
  bool implicit = false, big = false;

  // Meta header (explicit VR little endian) after the 128-byte preamble, when there is one.
  unsigned char head[132] = {};
  if (in.size() >= 132) {
    in.read(head, 132);
    if (std::memcmp(head + 128, "DICM", 4) != 0) in.rewind(0);
  }
  if (in.pos() == 132) {
    while (in.left() >= 8) {
      unsigned char h[8];
      const std::uint64_t at = in.pos();
      in.read(h, 8);
      if (u16(h, false) != 0x0002) {
        in.rewind(at);
        break;
      }
      std::uint32_t length = u16(h + 6, false);
      if (hasLongLength(reinterpret_cast<const char*>(h + 4))) {
        unsigned char l[4];
        in.read(l, 4);
        length = u32(l, false);
      }
      if (length == kUndefined || length > in.left()) throw StructureError("the meta header is malformed");
      if (u16(h + 2, false) == 0x0010 && length < 128) {
        std::string ts(length, '\0');
        in.read(ts.data(), length);
        while (!ts.empty() && (ts.back() == '\0' || ts.back() == ' ')) ts.pop_back();
        scan.transferSyntax = ts;
      } else {
        in.skip(length);
      }
      ++scan.elements;
    }
    if (scan.transferSyntax == "1.2.840.10008.1.2")
      implicit = true;
    else if (scan.transferSyntax == "1.2.840.10008.1.2.2")
      big = true;
    else if (scan.transferSyntax == "1.2.840.10008.1.2.1.99")
      in.inflateRest(limits.maxInflatedBytes);
  } else if (in.left() >= 6) {
    // No meta header: explicit VR when the bytes after the first tag look like a VR, as DCMTK guesses.
    unsigned char h[6];
    in.read(h, 6);
    in.rewind(0);
    implicit = !(std::isupper(h[4]) && std::isupper(h[5]));
  }

  std::vector<Container> stack{{Container::DataSet, false, in.size(), implicit}};
  int sequences = 0;
  const auto fragmentLimit = [&] {
    return std::max<std::int64_t>(limits.maxFragmentsFloor, limits.maxFragmentsPerFrame * scan.frames);
  };
  for (;;) {
    Container& top = stack.back();
    if (!top.undefined && in.pos() >= top.end) {
      if (in.pos() > top.end) throw StructureError("an element runs past the end of its sequence or item");
      if (stack.size() == 1) break;
      if (top.kind == Container::Sequence) --sequences;
      stack.pop_back();
      continue;
    }
    // Trailing bytes too short for an element header, or a file ending inside undefined-length sequences: the
    // parsers stop there too; nothing deeper can follow.
    if (in.left() < 8) break;
    unsigned char h[8];
    in.read(h, 8);
    const std::uint16_t group = u16(h, big), element = u16(h + 2, big);
    if (++scan.elements > limits.maxElements)
      throw StructureError("more than " + std::to_string(limits.maxElements) + " data elements");

    if (group == 0xfffe) {
      const std::uint32_t length = u32(h + 4, big);
      if (element == 0xe000) {
        if (top.kind == Container::Sequence) {
          if (length != kUndefined && length > in.left())
            throw StructureError("a sequence item runs past the end of the file");
          if (stack.size() == 2 && top.tag == kDirectoryRecordSequence) ++scan.directoryRecords;
          stack.push_back(
              {Container::Item, length == kUndefined, in.pos() + (length == kUndefined ? 0 : length), top.implicit});
        } else if (top.kind == Container::Fragments) {
          if (length == kUndefined || length > in.left())
            throw StructureError("a pixel data fragment runs past the end of the file");
          if (top.offsetTableSeen) {
            if (length == 0) throw StructureError("an encapsulated pixel data fragment is empty");
            if (++scan.fragments > fragmentLimit())
              throw StructureError(std::to_string(scan.fragments) + "+ pixel data fragments for " +
                                   std::to_string(scan.frames) + " frame(s)");
          }
          if (top.offsetTableSeen && stack.size() == 2 && !in.inflated())
            scan.fragmentSpans.emplace_back(in.pos(), length);
          top.offsetTableSeen = true;  // the first item of encapsulated pixel data is the basic offset table
          in.skip(length);
        } else {
          throw StructureError("a sequence item outside any sequence");
        }
      } else if (element == 0xe00d) {
        if (top.kind == Container::Item) stack.pop_back();  // stray item delimiters elsewhere are ignored
      } else if (element == 0xe0dd) {
        if (top.kind == Container::Item && top.undefined) stack.pop_back();  // missing item delimiter
        Container& now = stack.back();
        if ((now.kind == Container::Sequence || now.kind == Container::Fragments) && now.undefined) {
          if (now.kind == Container::Sequence) --sequences;
          stack.pop_back();
        }
      } else {
        throw StructureError("unknown item tag " + tagText(group, element));
      }
      continue;
    }
    if (top.kind == Container::Sequence || top.kind == Container::Fragments)
      throw StructureError("data element " + tagText(group, element) + " where a sequence item was expected");

    std::uint32_t length = 0;
    bool sequence = false, unknown = false;
    if (top.implicit) {
      length = u32(h + 4, big);
      sequence = DcmTag(group, element).getEVR() == EVR_SQ;
      unknown = DcmTag(group, element).getEVR() == EVR_UNKNOWN || DcmTag(group, element).getEVR() == EVR_UN;
    } else {
      const char vr[2] = {static_cast<char>(h[4]), static_cast<char>(h[5])};
      if (hasLongLength(vr)) {
        unsigned char l[4];
        in.read(l, 4);
        length = u32(l, big);
      } else {
        length = u16(h + 6, big);
      }
      sequence = vr[0] == 'S' && vr[1] == 'Q';
      unknown = vr[0] == 'U' && vr[1] == 'N';
    }
    const bool pixelData = group == 0x7fe0 && element == 0x0010;
    if (length == kUndefined) {
      if (pixelData && !sequence) {
        if (stack.size() == 1) scan.encapsulated = true;
        stack.push_back({Container::Fragments, true, 0, top.implicit});
        continue;
      }
      if (!sequence && !unknown)
        throw StructureError("undefined length on non-sequence element " + tagText(group, element));
    }
    if (sequence || (unknown && length == kUndefined)) {
      if (++sequences > limits.maxDepth)
        throw StructureError("sequences nested deeper than " + std::to_string(limits.maxDepth) + " levels");
      scan.maxDepth = std::max(scan.maxDepth, sequences);
      if (length != kUndefined && length > in.left())
        throw StructureError("sequence " + tagText(group, element) + " runs past the end of the file");
      // A UN element of undefined length holds an implicit little-endian sequence.
      const std::uint32_t tag = static_cast<std::uint32_t>(group) << 16 | element;
      if (stack.size() == 1 && tag == kDirectoryRecordSequence)
        scan.directoryRecords = std::max<std::int64_t>(scan.directoryRecords, 0);
      stack.push_back({Container::Sequence, length == kUndefined, in.pos() + (length == kUndefined ? 0 : length),
                       top.implicit || !sequence, false, tag});
      continue;
    }
    if (length > in.left())
      throw StructureError("element " + tagText(group, element) + " declares " + std::to_string(length) +
                           " bytes, more than the " + std::to_string(in.left()) + " left in the file");
    if (group == 0x0028 && element == 0x0008 && stack.size() == 1 && length > 0 && length <= 16) {
      char text[17] = {};
      in.read(text, length);
      const long frames = std::strtol(text, nullptr, 10);
      scan.frames = frames > 0 && frames < (1L << 30) ? static_cast<int>(frames) : 1;
    } else if (group == 0x0004 && element == 0x1500 && stack.size() == 3 && stack[1].tag == kDirectoryRecordSequence &&
               length <= 4096) {
      std::string id(length, '\0');
      in.read(id.data(), length);
      while (!id.empty() && (id.back() == '\0' || id.back() == ' ')) id.pop_back();
      scan.referencedFileIds.push_back(std::move(id));
    } else {
      in.skip(length);
    }
  }
  return scan;
}

}  // namespace openrad::io::detail
