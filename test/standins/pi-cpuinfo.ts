/**
 * A Raspberry Pi 4's /proc/cpuinfo (4 × Cortex-A72), bind-mounted over /proc/cpuinfo in the
 * stand-in's mount namespace: onnxruntime-node's arm64 CPU detection crashes (SIGSEGV) on the
 * host's x86 cpuinfo when run under qemu-user.
 */
const CORE = (n: number) => `processor\t: ${n}
BogoMIPS\t: 108.00
Features\t: fp asimd evtstrm crc32 cpuid
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x0
CPU part\t: 0xd08
CPU revision\t: 3
`;

/** The file's text. */
export const PI4_CPUINFO = `${[0, 1, 2, 3].map(CORE).join('\n')}
Hardware\t: BCM2835
Revision\t: c03114
Serial\t\t: 10000000deadbeef
Model\t\t: Raspberry Pi 4 Model B Rev 1.4
`;
