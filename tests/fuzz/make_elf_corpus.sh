#!/bin/sh
# Regenerate the named seeds of tests/fuzz/corpus/elf/: tiny RISC-V
# executables built from a few lines of assembly with riscv64-linux-gnu-gcc
# -static -nostdlib, plus truncated and corrupted variants (each one defect
# that elf_check must name).  Needs riscv64-linux-gnu-gcc and python3.  The output is committed;
# run this only to change the seeds.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/corpus/elf"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat >"$tmp/start.S" <<'EOF'
    .globl _start
_start:
    li a0, 0
    li a7, 93
    ecall
EOF
cat >"$tmp/data.S" <<'EOF'
    .globl _start
    .text
_start:
    la t0, counter
    ld a0, 0(t0)
    li a7, 93
    ecall
    .data
counter: .dword 7
    .bss
buf: .skip 8192
EOF

cc=riscv64-linux-gnu-gcc
f="-nostdlib -Wl,--build-id=none -Wl,-z,max-page-size=4096 -s"
$cc -static $f -o "$tmp/exec-min" "$tmp/start.S"
$cc -static $f -o "$tmp/exec-data-bss" "$tmp/data.S"
$cc -static $f -Wl,-z,execstack -o "$tmp/exec-execstack" "$tmp/start.S"
# -N: text and data in one RWX segment, not page aligned in the file.
$cc -static $f -Wl,-N -o "$tmp/exec-one-rwx-segment" "$tmp/data.S" 2>/dev/null
$cc -static-pie -fPIE $f -Wl,--no-dynamic-linker -o "$tmp/pie-data-bss" "$tmp/data.S"
# Dynamically linked (PT_INTERP): must be refused with the interpreter named.
$cc -fPIE -pie $f -o "$tmp/dyn-interp" "$tmp/start.S"

# Only the named seeds are rewritten: the minimised fuzzer finds (files
# named by their SHA-1) stay.
mkdir -p "$out"
python3 - "$tmp" "$out" <<'EOF'
import struct, sys, os
tmp, out = sys.argv[1], sys.argv[2]
def rd(n): return bytearray(open(os.path.join(tmp, n), 'rb').read())
def wr(n, b): open(os.path.join(out, n), 'wb').write(bytes(b))

for n in ['exec-min', 'exec-data-bss', 'exec-execstack', 'exec-one-rwx-segment',
          'pie-data-bss', 'dyn-interp']:
    wr(n, rd(n))

e = rd('exec-data-bss')
phoff, = struct.unpack_from('<Q', e, 0x20)
phnum, = struct.unpack_from('<H', e, 0x38)
def ph(i): return phoff + 56 * i

wr('trunc-ident', e[:10])
wr('trunc-header', e[:40])
wr('trunc-phdrs', e[:phoff + 60])
wr('trunc-segment', e[:ph(phnum)] + e[ph(phnum):ph(phnum) + 8])
b = e[:]; b[4] = 1; wr('bad-class32', b)
b = e[:]; b[5] = 2; wr('bad-bigendian', b)
b = e[:]; struct.pack_into('<H', b, 0x12, 62); wr('bad-machine-x86-64', b)
b = e[:]; struct.pack_into('<H', b, 0x10, 1); wr('bad-type-rel', b)
b = e[:]; struct.pack_into('<H', b, 0x36, 32); wr('bad-phentsize', b)
b = e[:]; struct.pack_into('<Q', b, 0x20, 0xffffffffffff0000); wr('bad-phoff', b)
b = e[:]; struct.pack_into('<Q', b, 0x18, 0x7fff0000); wr('bad-entry', b)
# First PT_LOAD: memsz smaller than filesz; an address below mmap_min_addr;
# the second PT_LOAD moved on top of the first; a huge bss.
b = e[:]; struct.pack_into('<Q', b, ph(0) + 40, 1); wr('bad-memsz', b)
b = e[:]; struct.pack_into('<Q', b, ph(0) + 16, 0); wr('bad-vaddr-zero', b)
v0, = struct.unpack_from('<Q', e, ph(0) + 16)
off1, = struct.unpack_from('<Q', e, ph(1) + 8)
b = e[:]; struct.pack_into('<Q', b, ph(1) + 16, v0 + (off1 & 0xfff)); wr('bad-overlap', b)
b = e[:]; struct.pack_into('<Q', b, ph(1) + 40, 0x3000000000); wr('bad-huge-bss', b)
b = e[:]; struct.pack_into('<Q', b, ph(1) + 48, 3); wr('bad-align', b)
b = e[:]; struct.pack_into('<Q', b, ph(1) + 8, len(e) - 4); wr('bad-offset', b)
EOF
ls -l "$out" | grep -v ' [0-9a-f]\{40\}$' 
