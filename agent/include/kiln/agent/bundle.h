//===- kiln/agent/bundle.h - An application in one file ----------*- C++ -*-===//
//
// `kiln bundle app.toml -o app.kbundle` packs an application for a device
// that has no network: a POSIX ustar archive (so `tar tvf` lists it) of
//
//   manifest.toml        the manifest, its artifact paths made flat
//   manifest.toml.sig    optional: a signature block (kiln/signature.h) over
//                        manifest.toml; the manifest pins every artifact's
//                        sha256, so it vouches for the whole bundle
//   NAME.kiln ...        every artifact the manifest names
//
// The archive is reproducible: entries sorted by name, owner 0, time 0.
// Reading refuses anything but regular files with plain names (no
// directories, links or paths), sizes beyond the file, bad header checksums
// and more than 256 entries.
//
//===----------------------------------------------------------------------===//
#ifndef KILN_AGENT_BUNDLE_H
#define KILN_AGENT_BUNDLE_H

#include "kiln/error.h"

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace kiln::agent {

using BundleFiles = std::map<std::string, std::vector<uint8_t>>;

inline constexpr const char *BundleManifestName = "manifest.toml";
inline constexpr const char *BundleSignatureName = "manifest.toml.sig";

std::vector<uint8_t> writeBundle(const BundleFiles &Files);
Expected<BundleFiles> readBundle(std::span<const uint8_t> Bytes);
/// Whether the bytes look like a ustar archive (a bundle, for `kiln ctl
/// deploy`, which takes an artifact or a bundle).
bool isBundle(std::span<const uint8_t> Bytes);

} // namespace kiln::agent

#endif // KILN_AGENT_BUNDLE_H
