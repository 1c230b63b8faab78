//===- agent/src/bundle.cc - An application in one file -------------------===//

#include "kiln/agent/bundle.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace kiln::agent {

namespace {

constexpr size_t Block = 512;
constexpr size_t MaxEntries = 256;

// Offsets of the ustar header fields Kiln writes and reads.
constexpr size_t NameOff = 0, NameLen = 100;
constexpr size_t ModeOff = 100, UidOff = 108, GidOff = 116;
constexpr size_t SizeOff = 124, SizeLen = 12;
constexpr size_t MtimeOff = 136, ChksumOff = 148, ChksumLen = 8;
constexpr size_t TypeOff = 156, MagicOff = 257;

void octal(uint8_t *Field, size_t Len, uint64_t V) {
  // Len-1 digits and a NUL, as tar writes them.
  std::snprintf(reinterpret_cast<char *>(Field), Len, "%0*llo", int(Len - 1),
                (unsigned long long)V);
}

uint32_t headerSum(const uint8_t *H) {
  uint32_t Sum = 0;
  for (size_t I = 0; I < Block; ++I)
    Sum += (I >= ChksumOff && I < ChksumOff + ChksumLen) ? ' ' : H[I];
  return Sum;
}

bool parseOctal(const uint8_t *Field, size_t Len, uint64_t &Out) {
  Out = 0;
  size_t I = 0;
  while (I < Len && Field[I] == ' ')
    ++I;
  bool Any = false;
  for (; I < Len && Field[I] >= '0' && Field[I] <= '7'; ++I) {
    if (Out >> 60)
      return false;
    Out = Out * 8 + (Field[I] - '0');
    Any = true;
  }
  for (; I < Len; ++I)
    if (Field[I] != 0 && Field[I] != ' ')
      return false;
  return Any;
}

bool isPlainFileName(const std::string &N) {
  return !N.empty() && N.size() < NameLen && N != "." && N != ".." &&
         N.find('/') == std::string::npos && N.front() != '.';
}

} // namespace

bool isBundle(std::span<const uint8_t> Bytes) {
  return Bytes.size() >= Block &&
         std::memcmp(Bytes.data() + MagicOff, "ustar", 5) == 0;
}

std::vector<uint8_t> writeBundle(const BundleFiles &Files) {
  std::vector<uint8_t> Out;
  for (const auto &[Name, Data] : Files) { // a std::map: sorted by name
    uint8_t H[Block] = {};
    std::memcpy(H + NameOff, Name.data(), std::min(Name.size(), NameLen - 1));
    octal(H + ModeOff, 8, 0644);
    octal(H + UidOff, 8, 0);
    octal(H + GidOff, 8, 0);
    octal(H + SizeOff, SizeLen, Data.size());
    octal(H + MtimeOff, 12, 0);
    H[TypeOff] = '0';
    std::memcpy(H + MagicOff, "ustar\0" "00", 8);
    std::snprintf(reinterpret_cast<char *>(H + ChksumOff), ChksumLen, "%06o",
                  headerSum(H));
    H[ChksumOff + 7] = ' ';
    Out.insert(Out.end(), H, H + Block);
    Out.insert(Out.end(), Data.begin(), Data.end());
    Out.resize((Out.size() + Block - 1) / Block * Block, 0);
  }
  Out.resize(Out.size() + 2 * Block, 0); // the end-of-archive marker
  return Out;
}

Expected<BundleFiles> readBundle(std::span<const uint8_t> Bytes) {
  BundleFiles Files;
  size_t Off = 0;
  auto Bad = [&](const std::string &Why) {
    return Error::make(ErrorKind::Malformed,
                       "bundle, offset " + std::to_string(Off) + ": " + Why);
  };
  while (true) {
    if (Off + Block > Bytes.size())
      return Bad("ends without the end-of-archive marker");
    const uint8_t *H = Bytes.data() + Off;
    if (std::all_of(H, H + Block, [](uint8_t B) { return B == 0; }))
      break;
    if (std::memcmp(H + MagicOff, "ustar", 5) != 0)
      return Bad("not a ustar header");
    uint64_t Sum, Size;
    if (!parseOctal(H + ChksumOff, ChksumLen, Sum) || Sum != headerSum(H))
      return Bad("header checksum mismatch");
    if (!parseOctal(H + SizeOff, SizeLen, Size))
      return Bad("bad size field");
    std::string Name(reinterpret_cast<const char *>(H + NameOff),
                     strnlen(reinterpret_cast<const char *>(H + NameOff),
                             NameLen));
    if (H[TypeOff] != '0' && H[TypeOff] != 0)
      return Bad("entry '" + Name + "' is not a regular file");
    if (H[345] != 0) // the ustar prefix: a path, which bundles never have
      return Bad("entry '" + Name + "' has a directory prefix");
    if (!isPlainFileName(Name))
      return Bad("entry name '" + Name + "' is not a plain file name");
    if (Size > Bytes.size() - Off - Block)
      return Bad("entry '" + Name + "' runs past the end of the file");
    if (Files.count(Name))
      return Bad("entry '" + Name + "' appears twice");
    if (Files.size() == MaxEntries)
      return Bad("more than " + std::to_string(MaxEntries) + " entries");
    const uint8_t *Data = H + Block;
    Files.emplace(Name, std::vector<uint8_t>(Data, Data + Size));
    Off += Block + (Size + Block - 1) / Block * Block;
  }
  return Files;
}

} // namespace kiln::agent
