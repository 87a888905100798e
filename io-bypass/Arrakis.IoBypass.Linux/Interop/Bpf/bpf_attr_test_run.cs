using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Bpf;

/// <summary>The BPF_PROG_TEST_RUN variant of the kernel's union bpf_attr, up to cpu (72 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct bpf_attr_test_run
{
    public uint prog_fd;
    /// <summary>Out: the program's return value.</summary>
    public uint retval;
    public uint data_size_in;
    public uint data_size_out;
    public ulong data_in;
    public ulong data_out;
    public uint repeat;
    public uint duration;
    public uint ctx_size_in;
    public uint ctx_size_out;
    public ulong ctx_in;
    public ulong ctx_out;
    public uint flags;
    public uint cpu;
}
