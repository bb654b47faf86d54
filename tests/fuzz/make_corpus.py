#!/usr/bin/env python3
"""Regenerate the named seeds of tests/fuzz/corpus/decode/ and syscall/.

    tests/fuzz/make_corpus.py GUEST_DIR

GUEST_DIR is a build's guest test programs (build/default/guest/tests).
decode: a 40-byte header (register seeds, budget, flush bit; see
fuzz_decode.c) followed by the machine code of main() of guests that
exercise one extension each, as the cross compiler emitted it.
syscall: short scripted sequences in the record format of fuzz_syscall.c
(a file created, written, read back, stat'ed, renamed, removed; a pipe;
mappings; threads; signals; unknown numbers), so the fuzzer starts from
calls that succeed.  Needs python3 and riscv64-linux-gnu-nm.  The output is
committed; run this only to change the seeds (the other files of those
directories come from fuzzing runs, minimised with -merge=1).
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


# ---- decode -------------------------------------------------------------------

def function_bytes(path, sym, limit=2048):
    out = subprocess.run(["riscv64-linux-gnu-nm", "-S", path], capture_output=True,
                         text=True, check=True).stdout
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[3] == sym:
            addr, size = int(f[0], 16), int(f[1], 16)
            break
    else:
        return None
    # Static executables: file offset = vaddr - 0x10000 for the text segment.
    with open(path, "rb") as fh:
        fh.seek(addr - 0x10000)
        return fh.read(min(size, limit))


def decode_seeds(guest_dir):
    headers = {
        "run": bytes([0x00, 0xff, 0x00]) + bytes(range(1, 38)),
        "step": bytes([0x20, 0x00, 0x01]) + bytes(range(40, 77)),
        "chunk16": bytes([0xe0, 0x0f, 0x00]) + bytes(range(0x90, 0xb5)) + b"\xe5\xe7\xf0",
    }
    progs = ["rv64i_alu", "m_ext", "a_amo", "a_lrsc", "fp_arith", "fp_cvt", "fp_fma",
             "fp_flags", "fp_nanbox", "fp_round", "fp_cmp", "crc32", "nqueens", "prng"]
    for prog in progs:
        code = function_bytes(os.path.join(guest_dir, prog), "main")
        if not code:
            print("no main in", prog, file=sys.stderr)
            continue
        for hname, hdr in headers.items():
            write("decode", "%s-%s" % (prog, hname), hdr[:40].ljust(40, b"\0") + code)


# ---- syscall ------------------------------------------------------------------

NRS = [17, 23, 24, 25, 29, 34, 35, 37, 43, 44, 45, 46, 47, 48, 49, 52, 53, 54, 56, 57, 59,
       61, 62, 63, 64, 65, 66, 67, 68, 73, 78, 79, 80, 81, 82, 83, 88, 93, 94, 96, 98, 99,
       101, 113, 114, 115, 122, 123, 124, 129, 130, 131, 132, 134, 135, 136, 139, 140, 141,
       148, 150, 153, 154, 155, 156, 158, 160, 163, 164, 165, 166, 167, 168, 169, 172, 173,
       174, 175, 176, 177, 178, 179, 214, 215, 216, 220, 222, 223, 226, 227, 228, 229, 230,
       231, 233, 236, 259, 260, 261, 276, 278, 291, 293, 435, 439,
       0, 38, 1000, 0x4d4d0, 2**64 - 1]
PATHS = ["a", "b", "/a", "d", "d/a", "/d/b", ".", "/", "..", "../..", "a/../b", "",
         "/proc/self/maps", "/proc/self/exe", "/dev/null", "d/../../a", "//a//", "/tmp"]


def small(v):   return bytes([0, v & 0xff])
def fd(v):      return bytes([1, 0xf0 if v < 0 else v])
def buf(off):   return bytes([2]) + (off & 0xffff).to_bytes(2, "little")
def path(p):    return bytes([3, PATHS.index(p)])
def u32(v):     return bytes([4]) + (v & 0xffffffff).to_bytes(4, "little")
def u64(v):     return bytes([5]) + (v & (2**64 - 1)).to_bytes(8, "little")
def size(v):    return bytes([7]) + v.to_bytes(2, "little")


def call(nr, *args):
    args = list(args) + [small(0)] * (6 - len(args))
    return bytes([NRS.index(nr)]) + b"".join(args)


AT = fd(-1)


def syscall_seeds():
    O_RDWR_CREAT = 0o102
    seeds = {
        "file-roundtrip": [
            call(56, AT, path("a"), u32(O_RDWR_CREAT), u32(0o644)),
            call(64, fd(3), buf(0), size(100)),
            call(62, fd(3), small(0), small(0)),
            call(63, fd(3), buf(512), size(100)),
            call(80, fd(3), buf(1024)),
            call(46, fd(3), u32(10)),
            call(57, fd(3)),
            call(79, AT, path("a"), buf(1024), small(0)),
            call(276, AT, path("a"), AT, path("b"), small(0)),
            call(35, AT, path("b"), small(0)),
        ],
        "dirs": [
            call(34, AT, path("d"), u32(0o755)),
            call(49, path("d")),
            call(17, buf(0), size(256)),
            call(56, AT, path("a"), u32(O_RDWR_CREAT), u32(0o600)),
            call(49, path("..")),
            call(56, AT, path("d"), u32(0o200000), small(0)),     # O_DIRECTORY
            call(61, fd(4), buf(0), size(2048)),
            call(35, fd(4), path("a"), small(0)),
            call(35, AT, path("d"), u32(0x200)),                   # AT_REMOVEDIR
        ],
        "pipe-rw": [
            call(59, buf(0), small(0)),
            call(64, fd(4), buf(64), size(40)),
            call(63, fd(3), buf(128), size(40)),
            call(63, fd(3), buf(128), size(40)),                   # empty: EAGAIN
            call(73, buf(0), small(2), small(0)),
            call(25, fd(3), small(4), small(0)),                   # F_SETFL
            call(24, fd(3), fd(7), small(0)),
        ],
        "iov": [
            call(56, AT, path("a"), u32(O_RDWR_CREAT), u32(0o644)),
            call(66, fd(3), u64(0x21000), small(8)),
            call(67, fd(3), buf(4000), size(64), small(0)),
            call(65, fd(3), u64(0x21000), small(4)),
            call(68, fd(3), buf(0), size(16), u32(4096)),
        ],
        "mm": [
            call(214, small(0)),
            call(222, small(0), u32(0x10000), small(3), small(0x22), fd(-1), small(0)),
            call(222, u64(0x40000000), u32(0x3000), small(3), u32(0x32), fd(-1), small(0)),
            call(226, u64(0x40000000), u32(0x1000), small(1)),
            call(216, u64(0x40000000), u32(0x3000), u32(0x6000), small(1)),
            call(233, u64(0x40000000), u32(0x2000), small(4)),
            call(215, u64(0x40000000), u32(0x6000)),
            call(278, u64(0x40000000), size(64), small(0)),
        ],
        "mmap-file": [
            call(56, AT, path("a"), u32(O_RDWR_CREAT), u32(0o644)),
            call(64, fd(3), buf(0), size(3000)),
            call(222, small(0), u32(0x2000), small(5), small(2), fd(3), small(0)),
            call(222, small(0), u32(0x1000), small(3), small(1), fd(3), small(0)),
            call(56, AT, path("/proc/self/maps"), small(0), small(0)),
            call(63, fd(4), buf(0), size(4096)),
        ],
        "threads": [
            call(220, u32(0x50f00), u64(0x21800), small(0), small(0), small(0)),
            call(178),
            call(98, buf(0), small(0), small(0), small(0)),
            call(98, buf(0), small(1), small(1)),
            call(124),
            call(93, small(3)),
        ],
        "signals": [
            call(134, small(10), buf(0), buf(64), small(8)),
            call(135, small(0), buf(128), buf(192), small(8)),
            call(129, small(0), small(10)),
            call(131, small(1), small(1), small(12)),
            call(136, buf(256), small(8)),
            call(132, buf(512), buf(600)),
            call(139),
        ],
        "time-ids": [
            call(113, small(1), buf(0)), call(114, small(0), buf(16)),
            call(101, buf(32), buf(48)), call(115, small(1), small(0), buf(32), small(0)),
            call(169, buf(64), small(0)), call(153, buf(96)), call(165, small(0), buf(128)),
            call(179, buf(512)), call(160, buf(1024)), call(172), call(173), call(174),
            call(178), call(148, buf(0), buf(8), buf(16)), call(158, small(4), buf(0)),
        ],
        "limits-affinity": [
            call(163, small(7), buf(0)), call(164, small(7), buf(0)),
            call(261, small(0), small(7), buf(0), buf(64)),
            call(123, small(0), small(8), buf(128)), call(122, small(0), small(8), buf(128)),
            call(168, buf(0), buf(8), small(0)), call(236, buf(0), buf(8), small(64), small(0), small(0)),
            call(167, small(15), buf(0)), call(166, u32(0o22)),
        ],
        "unknown": [
            call(0), call(38), call(1000), call(2**64 - 1),
            bytes([0xf8, 0x39, 0x01]) + small(0) * 6,
            bytes([0xfc]) + (0x4d4d0).to_bytes(8, "little") + small(2) * 6,
            call(0x4d4d0, small(0)), call(0x4d4d0, small(1)),
        ],
        "fds-fcntl-ioctl": [
            call(23, fd(0)), call(24, fd(1), fd(9), small(0)),
            call(25, fd(3), small(1)), call(25, fd(3), small(2), small(1)),
            call(25, fd(0), small(0), small(10)), call(25, fd(3), small(3)),
            call(29, fd(0), u32(0x5401), buf(0)), call(29, fd(1), u32(0x5413), buf(0)),
            call(57, fd(3)), call(57, fd(9)), call(57, fd(200)),
        ],
        "paths-odd": [
            call(56, AT, path("../.."), small(0), small(0)),
            call(56, AT, path("d/../../a"), u32(O_RDWR_CREAT), small(0)),
            call(48, AT, path("/"), small(0)), call(439, AT, path(""), small(0), u32(0x1000)),
            call(78, AT, path("/proc/self/exe"), buf(0), size(64)),
            call(43, path("/"), buf(0)), call(45, path("//a//"), small(5)),
            call(88, AT, path("a"), small(0), small(0)), call(53, AT, path("a"), u32(0o600)),
            call(54, AT, path("a"), small(0), small(0), small(0)),
            call(37, AT, path("a"), AT, path("b"), small(0)),
            call(291, AT, path("b"), small(0), u32(0xfff), buf(0)),
        ],
    }
    for name, recs in seeds.items():
        body = b"".join(recs)
        write("syscall", name, body)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: make_corpus.py GUEST_DIR")
    decode_seeds(sys.argv[1])
    syscall_seeds()
