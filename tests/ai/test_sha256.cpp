#include "openrad/ai/ModelError.h"
#include "openrad/ai/Sha256.h"

#include "TempDir.h"

#include <gtest/gtest.h>

#include <fstream>

using openrad::ai::Sha256;

TEST(Sha256, MatchesFips180Vectors) {
  EXPECT_EQ(Sha256::hashHex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256::hashHex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256::hashHex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, MillionAsStreamedInOddChunks) {
  Sha256 h;
  const std::string chunk(997, 'a');
  std::size_t left = 1000000;
  while (left > 0) {
    const std::size_t n = std::min(left, chunk.size());
    h.update(chunk.data(), n);
    left -= n;
  }
  EXPECT_EQ(h.hexDigest(), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, PaddingBoundaries) {
  // 55, 56 and 64 bytes cross the length-field boundary of the padding.
  EXPECT_EQ(Sha256::hashHex(std::string(55, 'a')), "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318");
  EXPECT_EQ(Sha256::hashHex(std::string(56, 'a')), "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a");
  EXPECT_EQ(Sha256::hashHex(std::string(64, 'a')), "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb");
}

TEST(Sha256, FileHashEqualsStringHashAndMissingFileIsModelError) {
  openrad::test::TempDir dir;
  const std::string path = dir.file("f.bin");
  std::ofstream(path, std::ios::binary) << "abc";
  EXPECT_EQ(Sha256::fileHex(path), Sha256::hashHex("abc"));
  EXPECT_THROW(Sha256::fileHex(dir.file("missing.bin")), openrad::ai::ModelError);
}
