using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Bpf;

/// <summary>The BPF_MAP_*_ELEM variant of the kernel's union bpf_attr (32 bytes): key and value are user pointers.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct bpf_attr_map_elem
{
    public uint map_fd;
    private uint _pad;
    public ulong key;
    public ulong value;
    public ulong flags;
}
