//===- tests/agent/bundle_test.cc - Bundles: one file per application -----===//

#include "kiln/agent/bundle.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>

namespace {

using namespace kiln;
using namespace kiln::agent;

BundleFiles sample() {
  BundleFiles F;
  F["manifest.toml"] = {'a', '\n'};
  std::vector<uint8_t> Big(1300);
  for (size_t I = 0; I < Big.size(); ++I)
    Big[I] = uint8_t(I * 7);
  F["filter.kiln"] = Big;
  F["empty.kiln"] = {};
  return F;
}

TEST(Bundle, ReadsBackWhatWasWritten) {
  std::vector<uint8_t> B = writeBundle(sample());
  EXPECT_EQ(B.size() % 512, 0u);
  EXPECT_TRUE(isBundle(B));
  Expected<BundleFiles> Back = readBundle(B);
  ASSERT_TRUE(bool(Back)) << Back.takeError().str();
  EXPECT_EQ(*Back, sample());
  // Reproducible: the same files give the same bytes.
  EXPECT_EQ(writeBundle(sample()), B);
}

TEST(Bundle, IsAnArchiveTarReads) {
  std::vector<uint8_t> B = writeBundle(sample());
  std::string Path = testing::TempDir() + "/kiln-bundle-test.tar";
  {
    std::ofstream Out(Path, std::ios::binary);
    Out.write(reinterpret_cast<const char *>(B.data()), std::streamsize(B.size()));
  }
  std::string Cmd = "tar tf " + Path + " > " + Path + ".list 2>&1";
  ASSERT_EQ(std::system(Cmd.c_str()), 0);
  std::ifstream List(Path + ".list");
  std::string All((std::istreambuf_iterator<char>(List)), {});
  EXPECT_EQ(All, "empty.kiln\nfilter.kiln\nmanifest.toml\n");
  std::remove(Path.c_str());
  std::remove((Path + ".list").c_str());
}

TEST(Bundle, RefusesCorruptArchives) {
  std::vector<uint8_t> B = writeBundle(sample());

  std::vector<uint8_t> Flipped = B;
  Flipped[3] ^= 1; // a byte of the first name: the header checksum breaks
  Expected<BundleFiles> R = readBundle(Flipped);
  ASSERT_FALSE(bool(R));
  EXPECT_NE(R.takeError().message().find("header checksum mismatch"),
            std::string::npos);

  // Cut inside filter.kiln (after empty.kiln's header and its own).
  std::vector<uint8_t> Cut(B.begin(), B.begin() + 1124);
  R = readBundle(Cut);
  ASSERT_FALSE(bool(R));
  EXPECT_NE(R.takeError().message().find("runs past the end"),
            std::string::npos);

  R = readBundle(std::vector<uint8_t>(100, 0));
  ASSERT_FALSE(bool(R));
  EXPECT_NE(R.takeError().message().find("without the end-of-archive"),
            std::string::npos);
}

TEST(Bundle, RefusesPathsLinksAndDuplicates) {
  for (const char *Name : {"../etc/passwd", "dir/file", ".hidden"}) {
    BundleFiles F;
    F[Name] = {1, 2, 3};
    Expected<BundleFiles> R = readBundle(writeBundle(F));
    ASSERT_FALSE(bool(R)) << Name;
    EXPECT_NE(R.takeError().message().find("is not a plain file name"),
              std::string::npos)
        << Name;
  }
  // A symbolic link entry (type '2'), checksum redone as tar would.
  BundleFiles F;
  F["link"] = {};
  std::vector<uint8_t> B = writeBundle(F);
  B[156] = '2';
  uint32_t Sum = 0;
  for (size_t I = 0; I < 512; ++I)
    Sum += (I >= 148 && I < 156) ? ' ' : B[I];
  std::snprintf(reinterpret_cast<char *>(B.data() + 148), 8, "%06o", Sum);
  B[155] = ' ';
  Expected<BundleFiles> R = readBundle(B);
  ASSERT_FALSE(bool(R));
  EXPECT_NE(R.takeError().message().find("not a regular file"),
            std::string::npos);

  // The same name twice: the second header copied after the first entry.
  BundleFiles One;
  One["a.kiln"] = {9};
  std::vector<uint8_t> Once = writeBundle(One);
  std::vector<uint8_t> Twice(Once.begin(), Once.begin() + 1024);
  Twice.insert(Twice.end(), Once.begin(), Once.end());
  R = readBundle(Twice);
  ASSERT_FALSE(bool(R));
  EXPECT_NE(R.takeError().message().find("appears twice"), std::string::npos);
}

} // namespace
