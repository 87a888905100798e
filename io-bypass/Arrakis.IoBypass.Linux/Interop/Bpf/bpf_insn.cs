using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Bpf;

/// <summary>The kernel's struct bpf_insn (8 bytes): opcode, dst_reg:4 | src_reg:4 (low nibble dst), signed offset, signed immediate.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct bpf_insn
{
    public byte code;
    public byte regs;
    public short off;
    public int imm;

    public bpf_insn(byte code, int dst, int src, short off, int imm)
    {
        this.code = code;
        regs = (byte)((dst & 0xf) | ((src & 0xf) << 4));
        this.off = off;
        this.imm = imm;
    }

    public int dst_reg => regs & 0xf;
    public int src_reg => regs >> 4;
}
