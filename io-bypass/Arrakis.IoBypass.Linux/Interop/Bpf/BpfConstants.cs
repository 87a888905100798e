namespace Arrakis.IoBypass.Linux.Interop.Bpf;

/// <summary>bpf(2) commands, types and instruction encodings (include/uapi/linux/bpf.h, bpf_common.h).</summary>
internal static class BpfConstants
{
    // commands
    public const int BPF_MAP_CREATE = 0;
    public const int BPF_MAP_UPDATE_ELEM = 2;
    public const int BPF_PROG_LOAD = 5;
    public const int BPF_PROG_TEST_RUN = 10;
    public const int BPF_LINK_CREATE = 28;

    public const uint BPF_MAP_TYPE_XSKMAP = 17;
    public const uint BPF_PROG_TYPE_XDP = 6;
    public const uint BPF_XDP = 37;
    public const ulong BPF_ANY = 0;

    /// <summary>src_reg of a BPF_LD_IMM64 whose immediate is a map fd.</summary>
    public const int BPF_PSEUDO_MAP_FD = 1;
    public const int BPF_FUNC_redirect_map = 51;

    // instruction classes
    public const byte BPF_LD = 0x00;
    public const byte BPF_LDX = 0x01;
    public const byte BPF_ALU = 0x04;
    public const byte BPF_JMP = 0x05;
    public const byte BPF_JMP32 = 0x06;
    public const byte BPF_ALU64 = 0x07;

    // sizes and modes
    public const byte BPF_W = 0x00;
    public const byte BPF_H = 0x08;
    public const byte BPF_B = 0x10;
    public const byte BPF_DW = 0x18;
    public const byte BPF_IMM = 0x00;
    public const byte BPF_MEM = 0x60;

    // operand source
    public const byte BPF_K = 0x00;
    public const byte BPF_X = 0x08;

    // ALU operations
    public const byte BPF_ADD = 0x00;
    public const byte BPF_AND = 0x50;
    public const byte BPF_LSH = 0x60;
    public const byte BPF_MOV = 0xb0;

    // jump operations
    public const byte BPF_JA = 0x00;
    public const byte BPF_JEQ = 0x10;
    public const byte BPF_JGT = 0x20;
    public const byte BPF_JNE = 0x50;
    public const byte BPF_JLT = 0xa0;
    public const byte BPF_CALL = 0x80;
    public const byte BPF_EXIT = 0x90;
}
