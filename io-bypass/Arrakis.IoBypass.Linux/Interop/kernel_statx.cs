using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>The kernel's struct statx (256 bytes; the fields after the direct-I/O alignments stay opaque).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct kernel_statx
{
    public uint stx_mask;
    public uint stx_blksize;
    public ulong stx_attributes;
    public uint stx_nlink;
    public uint stx_uid;
    public uint stx_gid;
    public ushort stx_mode;
    public ushort spare0;
    public ulong stx_ino;
    public ulong stx_size;
    public ulong stx_blocks;
    public ulong stx_attributes_mask;
    public fixed byte timestamps[64];
    public uint stx_rdev_major;
    public uint stx_rdev_minor;
    public uint stx_dev_major;
    public uint stx_dev_minor;
    public ulong stx_mnt_id;
    public uint stx_dio_mem_align;
    public uint stx_dio_offset_align;
    public fixed ulong spare3[12];
}
