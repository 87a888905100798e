using System.Runtime.InteropServices;

namespace Arrakis.IoBypass.Linux.Interop;

/// <summary>The kernel's struct ethtool_drvinfo (196 bytes), answer to ETHTOOL_GDRVINFO through SIOCETHTOOL.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct ethtool_drvinfo
{
    public const uint ETHTOOL_GDRVINFO = 0x00000003;

    public uint cmd;
    public fixed byte driver[32];
    public fixed byte version[32];
    public fixed byte fw_version[32];
    public fixed byte bus_info[32];
    public fixed byte erom_version[32];
    public fixed byte reserved2[12];
    public uint n_priv_flags;
    public uint n_stats;
    public uint testinfo_len;
    public uint eedump_len;
    public uint regdump_len;
}
