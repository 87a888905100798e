using System.Net;
using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Xdp;

/// <summary>
/// The XDP side of one interface: an XSKMAP, the steering program (<see cref="XdpSteeringProgram"/>) and
/// the BPF link that attaches it (native/driver mode first, generic/SKB mode as the fallback). Closing the
/// link detaches the program, so a crashed process leaves nothing attached. Control plane only.
/// </summary>
internal sealed class XdpSteering : IDisposable
{
    private int _mapFd;
    private int _progFd;
    private int _linkFd;

    private XdpSteering(int mapFd, int progFd, int linkFd, int ifindex, bool driverMode, string? fallbackReason)
    {
        _mapFd = mapFd;
        _progFd = progFd;
        _linkFd = linkFd;
        Ifindex = ifindex;
        DriverMode = driverMode;
        FallbackReason = fallbackReason;
    }

    public int Ifindex { get; }

    /// <summary>Attached in native (driver) mode; false: generic (SKB) mode.</summary>
    public bool DriverMode { get; }

    /// <summary>Why driver mode was not used (null when it was).</summary>
    public string? FallbackReason { get; }

    public int MapFd => _mapFd;

    public int ProgramFd => _progFd;

    /// <summary>
    /// Creates the map (<paramref name="queueSlots"/> slots), loads the program and attaches it to
    /// <paramref name="ifindex"/>. Returns 0 and the steering, or -errno with <paramref name="error"/>
    /// naming the step (and the verifier's log when it refused the program). Nothing is left behind on failure.
    /// </summary>
    public static int Attach(int ifindex, IPAddress ip, ushort port, bool dedicated, uint queueSlots, out XdpSteering? steering, out string error)
    {
        steering = null;
        int map = BpfSyscalls.CreateXskMap(queueSlots, "arrakis_xsks");
        if (map < 0)
        {
            error = $"bpf(BPF_MAP_CREATE, XSKMAP): {ErrnoText.Format(-map)}";
            return map;
        }
        var code = XdpSteeringProgram.Build(ip, port, map, dedicated);
        int prog = BpfSyscalls.LoadXdpProgram(code, "arrakis_steer", out string log);
        if (prog < 0)
        {
            XskNativeMethods.Close(map);
            error = $"bpf(BPF_PROG_LOAD, XDP): {ErrnoText.Format(-prog)}" + (log.Length > 0 ? $"; verifier: {log}" : "");
            return prog;
        }
        int link = BpfSyscalls.CreateXdpLink(prog, ifindex, XdpConstants.XDP_FLAGS_DRV_MODE);
        string? fallback = null;
        bool driver = link >= 0;
        if (link < 0)
        {
            fallback = $"driver-mode attach refused ({ErrnoText.Format(-link)})";
            link = BpfSyscalls.CreateXdpLink(prog, ifindex, XdpConstants.XDP_FLAGS_SKB_MODE);
        }
        if (link < 0)
        {
            XskNativeMethods.Close(prog);
            XskNativeMethods.Close(map);
            error = $"bpf(BPF_LINK_CREATE, XDP) on ifindex {ifindex}: {ErrnoText.Format(-link)} ({fallback}; EEXIST or EBUSY: another XDP program is attached to the interface)";
            return link;
        }
        steering = new XdpSteering(map, prog, link, ifindex, driver, fallback);
        error = "";
        return 0;
    }

    /// <summary>Steers frames of queue <paramref name="queueId"/> to the AF_XDP socket <paramref name="xskFd"/>: 0 or -errno.</summary>
    public int Register(uint queueId, int xskFd) => BpfSyscalls.UpdateElement(_mapFd, queueId, (uint)xskFd);

    /// <summary>Detaches the program (closes the link), then closes the program and the map.</summary>
    public void Dispose()
    {
        CloseFd(ref _linkFd);
        CloseFd(ref _progFd);
        CloseFd(ref _mapFd);
    }

    private static void CloseFd(ref int fd)
    {
        if (fd >= 0) XskNativeMethods.Close(fd);
        fd = -1;
    }
}
