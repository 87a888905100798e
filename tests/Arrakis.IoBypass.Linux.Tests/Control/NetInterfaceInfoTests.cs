using Arrakis.IoBypass.Linux.Control;
using Arrakis.IoBypass.Linux.Tests.Netns;

namespace Arrakis.IoBypass.Linux.Tests.Control;

public sealed class NetInterfaceInfoTests
{
    [Fact]
    public void Loopback_is_read_with_its_index_and_address()
    {
        Assert.True(NetInterfaceInfo.TryRead("lo", out var lo, out string error), error);
        Assert.Equal(1, lo!.Index);
        Assert.Equal("127.0.0.1", lo.Ipv4);
        Assert.Equal("00:00:00:00:00:00", lo.Mac);
    }

    [Theory]
    [InlineData("no-such-if0")]
    [InlineData("")]
    [InlineData("../../etc")]
    [InlineData("a-name-far-too-long-for-ifnamsiz")]
    public void A_missing_or_impossible_interface_is_refused_with_a_reason(string name)
    {
        Assert.False(NetInterfaceInfo.TryRead(name, out var info, out string error));
        Assert.Null(info);
        Assert.NotEmpty(error);
    }

    [Fact]
    public void Without_capabilities_every_missing_one_is_named()
    {
        var support = XdpSupport.Probe(0);
        Assert.False(support.Granted);
        Assert.Contains(support.Missing, m => m.StartsWith("CAP_NET_ADMIN", StringComparison.Ordinal));
        Assert.Contains(support.Missing, m => m.StartsWith("CAP_BPF", StringComparison.Ordinal));
        Assert.Contains(support.Missing, m => m.StartsWith("CAP_NET_RAW", StringComparison.Ordinal));
        Assert.StartsWith("AF_XDP unavailable: CAP_NET_ADMIN", support.ToString());
        // CAP_SYS_ADMIN stands in for CAP_BPF, as the kernel accepts.
        Assert.DoesNotContain(XdpSupport.Probe((1UL << 12) | (1UL << 13) | (1UL << 21)).Missing, m => m.StartsWith("CAP_BPF", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void As_root_on_this_kernel_af_xdp_is_granted()
    {
        RootRequirement.Require("probing AF_XDP support");
        var support = XdpSupport.Probe();
        Assert.True(support.Granted, support.ToString());
    }

    [SkippableFact]
    public void A_veth_end_is_read_with_its_driver_address_and_queues()
    {
        RootRequirement.Require("a veth pair in a network namespace");
        using var veth = VethNamespace.Create(localHasAddress: true);
        Assert.True(NetInterfaceInfo.TryRead(veth.Local, out var info, out string error), error);
        Assert.Equal("veth", info!.Driver);
        Assert.Equal(veth.LocalAddress.ToString(), info.Ipv4);
        Assert.Equal(int.Parse(File.ReadAllText($"/sys/class/net/{veth.Local}/ifindex").Trim(), System.Globalization.CultureInfo.InvariantCulture), info.Index);
        Assert.True(info.RxQueues >= 1 && info.TxQueues >= 1, info.ToString());
        Assert.Equal(Convert.ToHexString(veth.LocalMac).ToLowerInvariant(), info.Mac.Replace(":", ""));
        Assert.False(NetInterfaceInfo.TryRead(veth.Peer, out _, out error)); // in the other namespace
        Assert.Contains("no network interface", error);
    }
}
