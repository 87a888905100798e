using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Bpf;

/// <summary>The BPF_PROG_LOAD variant of the kernel's union bpf_attr, up to expected_attach_type (72 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct bpf_attr_prog_load
{
    public uint prog_type;
    public uint insn_cnt;
    /// <summary>User pointer to the bpf_insn array.</summary>
    public ulong insns;
    /// <summary>User pointer to a NUL-terminated license string.</summary>
    public ulong license;
    public uint log_level;
    public uint log_size;
    /// <summary>User pointer to the verifier log buffer.</summary>
    public ulong log_buf;
    public uint kern_version;
    public uint prog_flags;
    public fixed byte prog_name[16];
    public uint prog_ifindex;
    public uint expected_attach_type;
}
