#!/usr/bin/env python3
"""Writes the seed inputs of fuzz_wasi.cc into tests/fuzz/corpus/wasi/.

Each seed is a short call sequence in fuzz_wasi.cc's encoding, aimed at the
sandbox's edges: opening through the planted `out -> ../outside` link,
creating, linking and renaming things, symlinks leading out.
  python3 tests/fuzz/seeds/wasi_seeds.py
"""
import os
import re
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
CALLS = re.findall(r'^KILN_WASI_CALL\((\w+),',
                   open(os.path.join(ROOT, 'runtime/wasi/calls.def')).read(), re.M)
OP = {name: i for i, name in enumerate(CALLS)}
WRITE_MEMORY = len(CALLS)


def small(v):   # arg32: 0..0x3f as is
    assert v < 0x40
    return bytes([v])


def slot(k):    # arg32: offset k * 512 in guest memory
    return bytes([0x40 + k])


def i64(v):     # arg64: odd selector byte = the raw value
    return bytes([1]) + struct.pack('<Q', v)


def mem(k, data):  # copy `data` to slot k
    return bytes([WRITE_MEMORY]) + slot(k) + bytes([len(data)]) + data


def path(k, text):
    return mem(k, text.encode())


ALL = (1 << 64) - 1
SEEDS = {
    # open out/secret (through the bait) for reading and read it
    'open_through_link': path(1, 'out/secret') + bytes([OP['path_open']]) +
        small(3) + small(1) + slot(1) + small(10) + small(0) + i64(ALL) +
        i64(ALL) + small(0) + slot(2),
    # create and write a new file inside, then read it back
    'create_write': path(1, 'new') + mem(3, struct.pack('<II', 4 * 512, 5)) +
        path(4, 'hello') + bytes([OP['path_open']]) + small(3) + small(0) +
        slot(1) + small(3) + small(1) + i64(ALL) + i64(ALL) + small(0) +
        slot(2) + bytes([OP['fd_write']]) + small(4) + slot(3) + small(1) +
        slot(5) + bytes([OP['fd_seek']]) + small(4) + i64(0) + small(0) +
        slot(5) + bytes([OP['fd_read']]) + small(4) + slot(3) + small(1) +
        slot(5),
    # a symlink leading out, a rename of the bait down a level
    'symlink_rename': path(1, '../outside/x') + path(2, 's') +
        bytes([OP['path_symlink']]) + slot(1) + small(12) + small(3) +
        slot(2) + small(1) + path(5, 'out') + path(6, 'd/out') +
        bytes([OP['path_rename']]) + small(3) + slot(5) + small(3) + small(3) +
        slot(6) + small(5),
    # directories, hard links, unlink, readdir
    'dirs_links': path(1, 'x') + path(2, 'd/h') + path(3, 'f') +
        bytes([OP['path_create_directory']]) + small(3) + slot(1) + small(1) +
        bytes([OP['path_link']]) + small(3) + small(0) + slot(3) + small(1) +
        small(3) + slot(2) + small(3) + bytes([OP['fd_readdir']]) + small(3) +
        slot(4) + small(0x3f) + i64(0) + slot(5) +
        bytes([OP['path_unlink_file']]) + small(3) + slot(3) + small(1),
    # set times on the bait, following it, and truncate through it
    'times_truncate': path(1, 'out') + bytes([OP['path_filestat_set_times']]) +
        small(3) + small(1) + slot(1) + small(3) + i64(1) + i64(2) + small(5) +
        path(2, 'out/secret') + bytes([OP['path_open']]) + small(3) + small(1) +
        slot(2) + small(10) + small(8) + i64(ALL) + i64(ALL) + small(0) +
        slot(3),
    # the process-level calls
    'args_env_clock': bytes([OP['args_sizes_get'], 0x41, 0x42,
                             OP['environ_get'], 0x41, 0x42,
                             OP['fd_prestat_dir_name'], 3, 0x43, 8,
                             OP['random_get'], 0x44, 32]),
}

out = os.path.join(ROOT, 'tests/fuzz/corpus/wasi')
os.makedirs(out, exist_ok=True)
for name, body in SEEDS.items():
    for resolver in (0, 1):  # first byte: openat2, or the portable walk
        with open(os.path.join(out, '%s_%d.bin' % (name, resolver)), 'wb') as f:
            f.write(bytes([resolver]) + body)
