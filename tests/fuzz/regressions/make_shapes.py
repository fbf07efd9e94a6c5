#!/usr/bin/env python3
"""Writes the known hostile shapes of issue 9 into tests/fuzz/regressions/<target>/ (small hand-built files), so the
replay tests have inputs even before libFuzzer finds anything. Inputs libFuzzer finds are copied in beside them
(named by libFuzzer: crash-<sha1>, leak-..., timeout-..., oom-...). Run: python3 make_shapes.py (idempotent)."""
import gzip, json, os, struct, zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def put(target, name, data):
    os.makedirs(os.path.join(HERE, target), exist_ok=True)
    with open(os.path.join(HERE, target, name), "wb") as f:
        f.write(data)


def el(group, elem, vr, value):
    """Explicit VR little endian element."""
    tag = struct.pack("<HH", group, elem)
    if vr in (b"OB", b"OW", b"OF", b"SQ", b"UN", b"UT"):
        return tag + vr + b"\0\0" + struct.pack("<I", len(value)) + value
    return tag + vr + struct.pack("<H", len(value)) + value


def meta(ts):
    ts = ts.encode() + (b"\0" if len(ts) % 2 else b"")
    body = el(0x0002, 0x0001, b"OB", b"\0\1") + el(0x0002, 0x0002, b"UI", b"1.2.840.10008.5.1.4.1.1.2\0") + \
        el(0x0002, 0x0003, b"UI", b"1.2.3.4.5.6\0") + el(0x0002, 0x0010, b"UI", ts)
    return b"\0" * 128 + b"DICM" + el(0x0002, 0x0000, b"UL", struct.pack("<I", len(body))) + body


def image_header(rows=4, cols=4, bits=16, frames=None, samples=1, photometric=b"MONOCHROME2"):
    out = el(0x0008, 0x0016, b"UI", b"1.2.840.10008.5.1.4.1.1.2\0") + el(0x0008, 0x0018, b"UI", b"1.2.3.4.5.6\0")
    out += el(0x0008, 0x0060, b"CS", b"CT") + el(0x0020, 0x000D, b"UI", b"1.2.3.4\0") + el(0x0020, 0x000E, b"UI", b"1.2.3.5\0")
    out += el(0x0028, 0x0002, b"US", struct.pack("<H", samples)) + el(0x0028, 0x0004, b"CS", photometric)
    if frames is not None:
        f = str(frames).encode()
        out += el(0x0028, 0x0008, b"IS", f + (b" " if len(f) % 2 else b""))
    out += el(0x0028, 0x0010, b"US", struct.pack("<H", rows)) + el(0x0028, 0x0011, b"US", struct.pack("<H", cols))
    out += el(0x0028, 0x0100, b"US", struct.pack("<H", bits)) + el(0x0028, 0x0101, b"US", struct.pack("<H", bits))
    out += el(0x0028, 0x0102, b"US", struct.pack("<H", max(bits - 1, 0))) + el(0x0028, 0x0103, b"US", b"\0\0")
    return out


EXPLICIT = "1.2.840.10008.1.2.1"
UNDEF = b"\xff\xff\xff\xff"
ITEM, ITEM_END, SEQ_END = b"\xfe\xff\x00\xe0", b"\xfe\xff\x0d\xe0\0\0\0\0", b"\xfe\xff\xdd\xe0\0\0\0\0"


def nested(levels, group=0x0040, elem=0xA730):
    seq = struct.pack("<HH", group, elem) + b"SQ\0\0" + UNDEF + ITEM + UNDEF
    return seq * levels + (ITEM_END + SEQ_END) * levels


def encapsulated(fragments):
    out = struct.pack("<HH", 0x7FE0, 0x0010) + b"OB\0\0" + UNDEF + ITEM + b"\0\0\0\0"
    for f in fragments:
        out += ITEM + struct.pack("<I", len(f)) + f
    return out + SEQ_END


def dicom_shapes():
    shapes = {
        "empty": b"",
        "preamble_only": b"\0" * 128 + b"DICM",
        "meta_group_length_huge": b"\0" * 128 + b"DICM" + el(0x0002, 0x0000, b"UL", b"\xff\xff\xff\x7f"),
        "nesting_2000": meta(EXPLICIT) + nested(2000),
        "nesting_unclosed": meta(EXPLICIT) + (struct.pack("<HH", 0x0040, 0xA730) + b"SQ\0\0" + UNDEF + ITEM + UNDEF) * 300,
        "length_past_end": meta(EXPLICIT) + image_header() + struct.pack("<HH", 0x7FE0, 0x0010) + b"OW\0\0" + b"\xf0\xff\xff\xff",
        "rows_cols_frames_huge": meta(EXPLICIT) + image_header(65535, 65535, 16, 2147483647) +
        el(0x7FE0, 0x0010, b"OW", b"\0" * 32),
        "pixel_data_short": meta(EXPLICIT) + image_header(64, 64) + el(0x7FE0, 0x0010, b"OW", b"\1\0" * 10),
        "bits_allocated_0": meta(EXPLICIT) + image_header(4, 4, 0) + el(0x7FE0, 0x0010, b"OW", b"\0" * 32),
        "bits_allocated_64_rgb5": meta(EXPLICIT) + image_header(4, 4, 64, None, 5, b"RGB ") + el(0x7FE0, 0x0010, b"OW", b"\0" * 32),
        "jpeg_fragments_garbage": meta("1.2.840.10008.1.2.4.70") + image_header(16, 16) +
        encapsulated([b"\xff\xd8\xff\xc3\x00\x0b\x10\x40\x00\x40\x00\x01\x01\x11\x00" + b"\xff" * 40]),
        "jpegls_truncated": meta("1.2.840.10008.1.2.4.80") + image_header(16, 16) +
        encapsulated([b"\xff\xd8\xff\xf7\x00\x0b\x10\xff\xff\xff\xff\x01\x01\x11\x00"]),
        "rle_segments_past_end": meta("1.2.840.10008.1.2.5") + image_header(16, 16) +
        encapsulated([struct.pack("<16I", 15, 64, *([0xfffffff0] * 14)) + b"\x80" * 8]),
        "j2k_siz_huge": meta("1.2.840.10008.1.2.4.90") + image_header(16, 16) +
        encapsulated([b"\xff\x4f\xff\x51\x00\x29\x00\x00" + struct.pack(">IIIIIIII", 0xffffff, 0xffffff, 0, 0, 1, 1, 0, 0) +
                      b"\x00\x01\x0f\x01\x01\xff\xd9"]),
        "htj2k_empty_codestream": meta("1.2.840.10008.1.2.4.201") + image_header(16, 16) + encapsulated([b"\xff\x4f\xff\xd9"]),
        "empty_fragment": meta("1.2.840.10008.1.2.4.50") + image_header(16, 16) + encapsulated([b""]),
        "deflate_garbage": meta("1.2.840.10008.1.2.1.99") + b"\x78\x9c" + b"\xde\xad\xbe\xef" * 16,
        "deflate_bomb_header": meta("1.2.840.10008.1.2.1.99") +
        zlib.compress(image_header(64, 64) + struct.pack("<HH", 0x7FE0, 0x0010) + b"OW\0\0" + struct.pack("<I", 8192) +
                      b"\0" * 8192)[2:-4],
        "big_endian_odd_lengths": meta("1.2.840.10008.1.2.2") + struct.pack(">HH", 0x0028, 0x0010) + b"US" + b"\x00\x03\x01\x02\x03",
    }
    return shapes


def dicomdir_shapes():
    rec = el(0x0004, 0x1430, b"CS", b"IMAGE ") + el(0x0004, 0x1500, b"CS", b"IM000001")
    item = ITEM + struct.pack("<I", len(rec)) + rec
    seq = struct.pack("<HH", 0x0004, 0x1220) + b"SQ\0\0" + struct.pack("<I", len(item)) + item
    base = meta(EXPLICIT).replace(b"1.2.840.10008.5.1.4.1.1.2\0", b"1.2.840.10008.1.3.10")
    outside = el(0x0004, 0x1430, b"CS", b"IMAGE ") + el(0x0004, 0x1500, b"CS", b"..\\..\\ETC\\PASSWD")
    oitem = ITEM + struct.pack("<I", len(outside)) + outside
    return {
        "empty": b"",
        "one_record": base + seq,
        "record_outside_folder": base + struct.pack("<HH", 0x0004, 0x1220) + b"SQ\0\0" + struct.pack("<I", len(oitem)) + oitem,
        "records_length_past_end": base + struct.pack("<HH", 0x0004, 0x1220) + b"SQ\0\0" + b"\xf0\xff\xff\x7f" + item,
        "nesting_2000": base + nested(2000, 0x0004, 0x1220),
    }


def nifti_header(dims, datatype=4, bitpix=16, vox_offset=352.0, sizeof_hdr=348):
    h = bytearray(348)
    struct.pack_into("<i", h, 0, sizeof_hdr)
    struct.pack_into("<8h", h, 40, *(list(dims) + [1] * 8)[:8])
    struct.pack_into("<hh", h, 70, datatype, bitpix)
    struct.pack_into("<8f", h, 76, 1, 1, 1, 1, 1, 1, 1, 1)
    struct.pack_into("<f", h, 108, vox_offset)
    struct.pack_into("<f", h, 112, 1.0)
    struct.pack_into("<h", h, 252, 1)
    struct.pack_into("<h", h, 254, 1)
    h[344:348] = b"n+1\0"
    return bytes(h) + b"\0\0\0\0"


def nifti_shapes():
    return {
        "empty": b"",
        "header_only_dims_huge": nifti_header([3, 32767, 32767, 32767]),
        "dim0_0": nifti_header([0, 4, 4, 4]) + b"\0" * 128,
        "dim0_7_negative": nifti_header([7, -4, 4, 4, 4, 4, 4, 4]) + b"\0" * 128,
        "vox_offset_huge": nifti_header([3, 2, 2, 2], vox_offset=3.0e38) + b"\0" * 16,
        "datatype_unknown": nifti_header([3, 2, 2, 2], datatype=0x7fff, bitpix=16) + b"\0" * 16,
        "sizeof_hdr_swapped": nifti_header([3, 2, 2, 2], sizeof_hdr=0x5C010000) + b"\0" * 16,
        "data_short": nifti_header([3, 64, 64, 64]) + b"\1" * 100,
        "gzip_truncated.gz": gzip.compress(nifti_header([3, 8, 8, 8]) + b"\0" * 1024)[:200],
        "gzip_dims_huge": gzip.compress(nifti_header([3, 30000, 30000, 30000]) + b"\0" * 64),
    }


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)


def plain_shapes():
    png = b"\x89PNG\r\n\x1a\n"
    return {
        "empty.png": b"",
        "png_ihdr_huge": png + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 0x7fffffff, 0x7fffffff, 16, 0, 0, 0, 0)) +
        png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + png_chunk(b"IEND", b""),
        "png_idat_short": png + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 4000, 4000, 8, 0, 0, 0, 0)) +
        png_chunk(b"IDAT", zlib.compress(b"\0" * 64)) + png_chunk(b"IEND", b""),
        "jpeg_sof_huge": b"\xff\xd8\xff\xc0\x00\x0b\x08\xff\xff\xff\xff\x01\x01\x11\x00\xff\xd9",
        "jpeg_truncated": b"\xff\xd8\xff\xe0\x00\x10JFIF\0\1\1\0\0\1\0\1\0\0\xff\xdb\x00",
        "tiff_dims_huge": b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 4) +
        struct.pack("<HHII", 256, 4, 1, 0x7fffffff) + struct.pack("<HHII", 257, 4, 1, 0x7fffffff) +
        struct.pack("<HHII", 258, 3, 1, 16) + struct.pack("<HHII", 273, 4, 1, 0xfffffff0) + b"\0\0\0\0",
        "tiff_ifd_loop": b"II*\0" + struct.pack("<I", 8) + struct.pack("<H", 1) + struct.pack("<HHII", 256, 4, 1, 4) +
        struct.pack("<I", 8),
    }


def session_shapes():
    ok_series = {"landmarkSets": [{"name": "ap", "points": [{"name": "a", "position": [1, 2, 3]}]}]}
    return {
        "empty.json": b"",
        "not_json.json": b"{\"format\": \"openrad-session\", \"series\": [",
        "deep_arrays.json": b"[" * 30000 + b"]" * 30000,
        "deep_objects.json": b"{\"a\":" * 20000 + b"1" + b"}" * 20000,
        "wrong_types.json": json.dumps({"format": "openrad-session", "version": 1, "series": {"1": {
            "landmarkSets": [{"name": 5, "points": "x"}], "boxes": [{"label": "b", "slice": 1e300, "min": [], "max": [1]}]}}}).encode(),
        "label_file_outside.json": json.dumps({"format": "openrad-session", "version": 1, "series": {"1": {
            "labelMaps": [{"name": "m", "file": "../../../etc/passwd"}]}}}).encode(),
        "label_file_is_session.json": json.dumps({"format": "openrad-session", "version": 1, "series": {"1": {
            "labelMaps": [{"name": "m", "file": "session.json"}]}}}).encode(),
        "position_short.json": json.dumps({"format": "openrad-session", "version": 1, "series": {"1": {
            "landmarkSets": [{"name": "ap", "points": [{"name": "a", "position": [1]}]}],
            "meshes": [{"name": "m", "vertices": [[0]], "triangles": [[0, 1]], "color": [1]}]}}}).encode(),
        "version_huge.json": json.dumps({"format": "openrad-session", "version": 2 ** 70,
                                          "series": {"1": ok_series}}).encode(),
    }


def main():
    for name, data in dicom_shapes().items():
        put("dicom_file", name, data)
        put("dicom_structure", name, data)
    for name, data in dicomdir_shapes().items():
        put("dicomdir", name, data)
    for name, data in nifti_shapes().items():
        put("nifti", name, data)
    for name, data in plain_shapes().items():
        put("plain_image", name, data)
    for name, data in session_shapes().items():
        put("session", name, data)


if __name__ == "__main__":
    main()
