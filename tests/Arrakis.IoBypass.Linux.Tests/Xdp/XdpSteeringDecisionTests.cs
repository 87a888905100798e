using System.Net;
using Arrakis.IoBypass.Linux.Interop.Xdp;
using Arrakis.IoBypass.Linux.Interop;
using Arrakis.IoBypass.Linux.Tests.Netns;
using Arrakis.IoBypass.Linux.Xdp;
using Arrakis.IoBypass.Nic;
using static Arrakis.IoBypass.Linux.Tests.Xdp.SteeringFrameBuilder;

namespace Arrakis.IoBypass.Linux.Tests.Xdp;

/// <summary>
/// What the loaded steering program decides, frame by frame, run by the kernel (BPF_PROG_TEST_RUN) with a
/// bound AF_XDP socket in the XSKMAP slot: XDP_REDIRECT for our traffic, XDP_PASS for everything else,
/// including truncated and malformed frames.
/// </summary>
public sealed class XdpSteeringDecisionTests
{
    private const uint R = XdpConstants.XDP_REDIRECT;
    private const uint P = XdpConstants.XDP_PASS;

    [SkippableTheory]
    [InlineData(false)]
    [InlineData(true)]
    public void Program_RedirectsOnlyOurTraffic(bool dedicated)
    {
        RootRequirement.Require("running the XDP program in the kernel");
        using var veth = VethNamespace.Create(localHasAddress: false);
        // The last octet has its high bit set: the address compare must not sign-extend.
        var ours = IPAddress.Parse($"198.18.{veth.Subnet}.200");
        var other = IPAddress.Parse($"198.18.{veth.Subnet}.201");
        const ushort Port = 6379;
        var options = new AfXdpQueueOptions { Interface = veth.Local, Address = ours, Port = Port, Dedicated = dedicated, FrameCount = 256, RingSize = 64 };
        int rc = AfXdpNicQueue.TryOpen(options, out INicQueue? queue, out string report);
        Assert.True(rc == 0, report);
        using (queue!)
        {
            int prog = ((AfXdpQueue)queue!).OwnedSteering!.ProgramFd;
            uint ArpOrIcmp = dedicated ? R : P;
            var cases = new (string Name, byte[] Frame, uint Expected)[]
            {
                ("TCP SYN to ip:port", Tcp(ours, Port), R),
                ("TCP to ip:port with IPv4 options (IHL 6)", Tcp(ours, Port, optionWords: 1), R),
                ("TCP to ip:port with IPv4 options (IHL 15)", Tcp(ours, Port, optionWords: 10), R),
                ("TCP first fragment (MF, offset 0) to ip:port", Tcp(ours, Port, flagsFrag: 0x2000), R),
                ("TCP to ip, another port", Tcp(ours, Port + 1), P),
                ("TCP to another ip, our port", Tcp(other, Port), P),
                ("TCP later fragment to ip:port", Tcp(ours, Port, flagsFrag: 0x0001), P),
                ("UDP to ip:port", Udp(ours, Port), P),
                ("ICMP echo request to ip", Icmp(ours, 8), ArpOrIcmp),
                ("ICMP echo reply to ip", Icmp(ours, 0), P),
                ("ICMP echo request to another ip", Icmp(other, 8), P),
                ("ARP request for ip", Arp(ours), ArpOrIcmp),
                ("ARP request for another ip", Arp(other), P),
                ("ARP truncated", Arp(ours, length: 41), P),
                ("IPv6", Ethernet(0x86dd, 60), P),
                ("Ethernet header only, IPv4 type", Ethernet(0x0800, 0), P),
                ("IPv4 header truncated", Tcp(ours, Port)[..33], P),
                ("TCP ports truncated", Tcp(ours, Port)[..37], P),
                ("IHL below 5", Ipv4(ours, 6, 20, ihlOverride: 4), P),
            };
            foreach (var (name, frame, expected) in cases)
            {
                int run = BpfSyscalls.TestRun(prog, frame, out uint action);
                Assert.True(run == 0, $"{name}: BPF_PROG_TEST_RUN {ErrnoText.Format(run)}");
                Assert.True(expected == action, $"{name}: expected {expected}, the program returned {action}");
            }
        }
    }
}
