using System.Globalization;
using Tmds.Linux;

namespace Arrakis.IoBypass.Linux.Control;

/// <summary>
/// Whether this process can use AF_XDP here, and if not, what exactly is missing, in the words the
/// startup report uses: the capabilities (CAP_NET_ADMIN to attach an XDP program, CAP_BPF or
/// CAP_SYS_ADMIN to load it, CAP_NET_RAW for the AF_XDP socket) read from /proc/self/status, and the
/// kernel's AF_XDP support (a socket(AF_XDP) that fails with EAFNOSUPPORT means no CONFIG_XDP_SOCKETS).
/// </summary>
public sealed record XdpSupport(bool Granted, IReadOnlyList<string> Missing)
{
    private const int AF_XDP = 44;
    private const int SOCK_RAW = 3;
    private const int EAFNOSUPPORT = 97;
    private const int CAP_NET_ADMIN = 12, CAP_NET_RAW = 13, CAP_SYS_ADMIN = 21, CAP_BPF = 39;

    /// <summary>"AF_XDP available" or "AF_XDP unavailable: ...; ..." for the startup report.</summary>
    public override string ToString() => Granted ? "AF_XDP available" : "AF_XDP unavailable: " + string.Join("; ", Missing);

    public static XdpSupport Probe() => Probe(ReadEffectiveCapabilities());

    /// <summary>The probe with a given effective capability mask (tests pass masks a root process does not have).</summary>
    public static XdpSupport Probe(ulong effectiveCapabilities)
    {
        var missing = new List<string>();
        bool Has(int cap) => (effectiveCapabilities & (1UL << cap)) != 0;
        if (!Has(CAP_NET_ADMIN)) missing.Add("CAP_NET_ADMIN (to attach the XDP program; run as root or grant it)");
        if (!Has(CAP_BPF) && !Has(CAP_SYS_ADMIN)) missing.Add("CAP_BPF (to load the XDP program; CAP_SYS_ADMIN also does)");
        if (!Has(CAP_NET_RAW)) missing.Add("CAP_NET_RAW (for the AF_XDP socket)");
        int fd = LibC.socket(AF_XDP, SOCK_RAW | LibC.SOCK_CLOEXEC, 0);
        if (fd >= 0) LibC.close(fd);
        else if (LibC.errno == EAFNOSUPPORT) missing.Add("the kernel has no AF_XDP sockets (CONFIG_XDP_SOCKETS is off)");
        return new XdpSupport(missing.Count == 0, missing);
    }

    /// <summary>CapEff from /proc/self/status (0 when it cannot be read).</summary>
    public static ulong ReadEffectiveCapabilities()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith("CapEff:", StringComparison.Ordinal))
                    return ulong.Parse(line.AsSpan(7).Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
