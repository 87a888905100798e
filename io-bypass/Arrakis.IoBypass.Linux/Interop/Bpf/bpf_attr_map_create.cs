using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Bpf;

/// <summary>The BPF_MAP_CREATE variant of the kernel's union bpf_attr, up to map_ifindex (48 bytes; the kernel zero-fills the rest).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct bpf_attr_map_create
{
    public uint map_type;
    public uint key_size;
    public uint value_size;
    public uint max_entries;
    public uint map_flags;
    public uint inner_map_fd;
    public uint numa_node;
    public fixed byte map_name[16];
    public uint map_ifindex;
}
