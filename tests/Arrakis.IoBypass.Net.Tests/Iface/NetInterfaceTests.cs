using Arrakis.IoBypass.Net.Iface;
using Arrakis.IoBypass.Net.Wire;
using static Arrakis.IoBypass.Net.Tests.Iface.Frames;

namespace Arrakis.IoBypass.Net.Tests.Iface;

public sealed class NetInterfaceTests
{
    private static NetInterface Dedicated() => new(new InterfaceConfig(OurMac, Us, Dedicated: true));

    private static NetInterface Shared() => new(new InterfaceConfig(OurMac, Us, Dedicated: false));

    [Fact]
    public void An_arp_request_for_our_address_is_answered_in_place_and_the_asker_learned()
    {
        var iface = Dedicated();
        var (buffer, length) = Arp(ArpOperation.Request, Us);
        Assert.Equal(RxAction.Transmit, iface.Receive(buffer, length, 0, out _, out int reply));
        Assert.Equal(42, reply);
        Assert.Equal(WireStatus.Ok, EthernetRepr.TryParse(buffer.AsSpan(0, reply), out var eth));
        Assert.Equal(new EthernetRepr(PeerMac, OurMac, EtherType.Arp), eth);
        Assert.Equal(WireStatus.Ok, ArpRepr.TryParse(buffer.AsSpan(14, 28), out var arp));
        Assert.Equal(new ArpRepr(ArpOperation.Reply, OurMac, Us, PeerMac, Peer), arp);
        Assert.True(iface.Neighbors.TryLookup(Peer, 0, out var mac));
        Assert.Equal(PeerMac, mac);
        Assert.Equal(1, iface.Counters.ArpRequestsAnswered);
    }

    [Fact]
    public void Arp_for_another_address_is_not_answered()
    {
        var iface = Dedicated();
        var (buffer, length) = Arp(ArpOperation.Request, new Ipv4Address(198, 18, 0, 9));
        Assert.Equal(RxAction.Drop, iface.Receive(buffer, length, 0, out _, out _));
        Assert.Equal(1, iface.Counters.NotForUs);
        Assert.False(iface.Neighbors.TryLookup(Peer, 0, out _)); // RFC 826: only merged when already known
    }

    [Fact]
    public void In_shared_mode_arp_and_ping_are_left_to_the_host()
    {
        var iface = Shared();
        var (arp, arpLength) = Arp(ArpOperation.Request, Us);
        Assert.Equal(RxAction.Drop, iface.Receive(arp, arpLength, 0, out _, out _));
        var (ping, pingLength) = Ipv4(IpProtocol.Icmp, EchoRequest(1, 1, "abc"u8));
        Assert.Equal(RxAction.Drop, iface.Receive(ping, pingLength, 0, out _, out _));
        Assert.Equal(2, iface.Counters.LeftToHost);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(56)]
    [InlineData(1400)]
    public void An_echo_request_is_answered_with_the_same_identifier_sequence_and_data(int dataLength)
    {
        var iface = Dedicated();
        var data = Enumerable.Range(0, dataLength).Select(i => (byte)(i * 7)).ToArray();
        var (buffer, length) = Ipv4(IpProtocol.Icmp, EchoRequest(0x1234, 9, data));
        Assert.Equal(RxAction.Transmit, iface.Receive(buffer, length, 0, out _, out int reply));
        Assert.Equal(length, reply);
        Assert.Equal(WireStatus.Ok, EthernetRepr.TryParse(buffer.AsSpan(0, reply), out var eth));
        Assert.Equal((PeerMac, OurMac), (eth.Destination, eth.Source));
        Assert.Equal(WireStatus.Ok, Ipv4Repr.TryParse(buffer.AsSpan(14, reply - 14), out var ip));
        Assert.Equal((Us, Peer, IpProtocol.Icmp, 64), (ip.Source, ip.Destination, ip.Protocol, (int)ip.TimeToLive));
        Assert.Equal(WireStatus.Ok, IcmpV4Repr.TryParse(buffer.AsSpan(34, reply - 34), out var icmp));
        Assert.Equal(new IcmpV4Repr(IcmpV4EchoKind.EchoReply, 0x1234, 9, dataLength), icmp);
        Assert.Equal(data, buffer.AsSpan(42, dataLength).ToArray());
    }

    [Fact]
    public void A_tcp_segment_for_us_is_delivered_with_its_payload_in_the_frame()
    {
        var iface = Dedicated();
        var (buffer, length) = Ipv4(IpProtocol.Tcp, TcpSegment(TcpFlags.Psh | TcpFlags.Ack, "PING\r\n"u8));
        Assert.Equal(RxAction.DeliverTcp, iface.Receive(buffer, length, 5, out var tcp, out _));
        Assert.Equal((Peer, Us, (ushort)6379, 6), (tcp.Source, tcp.Destination, tcp.Repr.DestinationPort, tcp.PayloadLength));
        Assert.Equal("PING\r\n"u8.ToArray(), buffer.AsSpan(tcp.PayloadOffset, tcp.PayloadLength).ToArray());
        Assert.True(iface.Neighbors.TryLookup(Peer, 5, out var mac)); // learned from the frame (shared mode hears no ARP)
        Assert.Equal(PeerMac, mac);
    }

    [Fact]
    public void What_is_not_for_us_or_broken_is_dropped_and_counted_once()
    {
        var iface = Dedicated();
        var cases = new List<(byte[] Buffer, int Length)>
        {
            Ipv4(IpProtocol.Tcp, TcpSegment(TcpFlags.Syn, default, destination: new Ipv4Address(198, 18, 0, 7)), destination: new Ipv4Address(198, 18, 0, 7)),
            Ipv4(IpProtocol.Tcp, TcpSegment(TcpFlags.Syn, default), mac: new EthernetAddress(0x02, 9, 9, 9, 9, 9)),
            Ipv4(IpProtocol.Tcp, TcpSegment(TcpFlags.Syn, default), fragmentOffset: 8),
            Ipv4(IpProtocol.Tcp, TcpSegment(TcpFlags.Syn, default), moreFragments: true),
            Ipv4(IpProtocol.Udp, new byte[8]),
        };
        var badTcpChecksum = Ipv4(IpProtocol.Tcp, TcpSegment(TcpFlags.Syn, default));
        badTcpChecksum.Buffer[34 + 16] ^= 1;
        cases.Add(badTcpChecksum);
        var badIpChecksum = Ipv4(IpProtocol.Tcp, TcpSegment(TcpFlags.Syn, default));
        badIpChecksum.Buffer[14 + 10] ^= 1;
        cases.Add(badIpChecksum);
        cases.Add((new byte[2048], 10)); // shorter than an Ethernet header
        foreach (var (buffer, length) in cases) Assert.Equal(RxAction.Drop, iface.Receive(buffer, length, 0, out _, out _));
        var c = iface.Counters;
        Assert.Equal((2L, 2L, 2L, 1L, 1L), (c.NotForUs, c.Fragments, c.BadChecksum, c.Unsupported, c.Malformed));
        Assert.Equal(cases.Count, c.NotForUs + c.Fragments + c.BadChecksum + c.Unsupported + c.Malformed);
    }

    [Fact]
    public void Every_prefix_of_every_frame_is_handled_without_throwing()
    {
        var frames = new[]
        {
            Arp(ArpOperation.Request, Us),
            Ipv4(IpProtocol.Icmp, EchoRequest(1, 2, "hello"u8)),
            Ipv4(IpProtocol.Tcp, TcpSegment(TcpFlags.Syn, "x"u8)),
        };
        var iface = Dedicated();
        foreach (var (buffer, length) in frames)
        {
            for (int cut = 0; cut < length; cut++)
            {
                var copy = (byte[])buffer.Clone();
                var action = iface.Receive(copy, cut, 0, out _, out _);
                Assert.Equal(RxAction.Drop, action);
            }
        }
        Assert.Equal(iface.Counters.RxFrames, iface.Counters.Malformed + iface.Counters.BadChecksum + iface.Counters.NotForUs + iface.Counters.Unsupported);
    }

    [Fact]
    public void An_outgoing_segment_needs_the_neighbour_and_then_parses_back()
    {
        var iface = Dedicated();
        var repr = new TcpRepr { SourcePort = 6379, DestinationPort = 40000, SequenceNumber = 5, AcknowledgmentNumber = 1001, Flags = TcpFlags.Ack | TcpFlags.Psh, Window = 1000, PayloadLength = 5 };
        var buffer = new byte[2048];
        Assert.Equal(0, iface.EmitTcp(buffer, repr, Peer, "+OK\r\n"u8, 0));
        int arpLength = iface.EmitArpRequest(buffer, Peer);
        Assert.Equal(WireStatus.Ok, ArpRepr.TryParse(buffer.AsSpan(14, arpLength - 14), out var request));
        Assert.Equal((ArpOperation.Request, Peer, Us), (request.Operation, request.TargetProtocolAddress, request.SenderProtocolAddress));
        var (answer, answerLength) = Arp(ArpOperation.Reply, Us, OurMac);
        Assert.Equal(RxAction.Drop, iface.Receive(answer, answerLength, 1, out _, out _));
        Assert.Equal(1, iface.Counters.ArpRepliesLearned);
        int length = iface.EmitTcp(buffer, repr, Peer, "+OK\r\n"u8, 2);
        Assert.Equal(14 + 20 + 20 + 5, length);
        Assert.Equal(WireStatus.Ok, EthernetRepr.TryParse(buffer.AsSpan(0, length), out var eth));
        Assert.Equal(new EthernetRepr(PeerMac, OurMac, EtherType.Ipv4), eth);
        Assert.Equal(WireStatus.Ok, Ipv4Repr.TryParse(buffer.AsSpan(14, length - 14), out var ip));
        Assert.True(ip.DontFragment);
        Assert.Equal(WireStatus.Ok, TcpRepr.TryParse(buffer.AsSpan(34, length - 34), Us, Peer, out var back));
        Assert.Equal(repr, back);
        Assert.Equal("+OK\r\n"u8.ToArray(), buffer.AsSpan(54, 5).ToArray());
    }

    [Fact]
    public void A_neighbour_expires_and_a_full_cache_forgets_the_least_recently_heard()
    {
        var cache = new NeighborCache(capacity: 2, lifetimeMs: 100);
        cache.Learn(new Ipv4Address(198, 18, 0, 1), PeerMac, 0);
        cache.Learn(new Ipv4Address(198, 18, 0, 3), PeerMac, 10);
        cache.Learn(new Ipv4Address(198, 18, 0, 1), PeerMac, 20); // heard again
        cache.Learn(new Ipv4Address(198, 18, 0, 4), PeerMac, 30); // full: .3 goes
        Assert.True(cache.TryLookup(new Ipv4Address(198, 18, 0, 1), 30, out _));
        Assert.False(cache.TryLookup(new Ipv4Address(198, 18, 0, 3), 30, out _));
        Assert.False(cache.TryLookup(new Ipv4Address(198, 18, 0, 1), 121, out _));
        cache.Learn(Ipv4Address.Broadcast, PeerMac, 0);
        cache.Learn(new Ipv4Address(198, 18, 0, 5), EthernetAddress.Broadcast, 0);
        Assert.Equal(2, cache.Count);
    }
}
