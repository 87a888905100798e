using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop.Bpf;

/// <summary>The BPF_LINK_CREATE variant of the kernel's union bpf_attr, its common head (16 bytes; no target-specific part for XDP).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct bpf_attr_link_create
{
    public uint prog_fd;
    /// <summary>For XDP: the interface index.</summary>
    public uint target_ifindex;
    public uint attach_type;
    /// <summary>For XDP: XDP_FLAGS_DRV_MODE or XDP_FLAGS_SKB_MODE.</summary>
    public uint flags;
}
