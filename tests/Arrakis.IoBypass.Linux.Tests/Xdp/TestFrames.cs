using System.Buffers.Binary;
using System.Net;

namespace Arrakis.IoBypass.Linux.Tests.Xdp;

/// <summary>Just enough Ethernet/ARP/IPv4 parsing and in-place answering for the AF_XDP tests (the real stack is IoBypass.Net).</summary>
internal static class TestFrames
{
    public enum Kind { Other, ArpRequest, IcmpEchoRequest, TcpSyn, Tcp }

    public static Kind Classify(ReadOnlySpan<byte> f, IPAddress ours, out ushort tcpDstPort)
    {
        tcpDstPort = 0;
        if (f.Length < 14) return Kind.Other;
        ushort type = BinaryPrimitives.ReadUInt16BigEndian(f[12..]);
        Span<byte> ip = stackalloc byte[4];
        ours.TryWriteBytes(ip, out _);
        if (type == 0x0806 && f.Length >= 42)
            return BinaryPrimitives.ReadUInt16BigEndian(f[20..]) == 1 && f.Slice(38, 4).SequenceEqual(ip) ? Kind.ArpRequest : Kind.Other;
        if (type != 0x0800 || f.Length < 34 || !f.Slice(30, 4).SequenceEqual(ip)) return Kind.Other;
        int ihl = (f[14] & 0x0f) * 4;
        int l4 = 14 + ihl;
        if (f[23] == 1 && f.Length > l4 && f[l4] == 8) return Kind.IcmpEchoRequest;
        if (f[23] == 6 && f.Length >= l4 + 14)
        {
            tcpDstPort = BinaryPrimitives.ReadUInt16BigEndian(f[(l4 + 2)..]);
            return (f[l4 + 13] & 0x12) == 0x02 ? Kind.TcpSyn : Kind.Tcp;
        }
        return Kind.Other;
    }

    /// <summary>
    /// Whether an IPv4 TCP segment carries a complete, valid checksum (RFC 9293 §3.1 pseudo-header). A peer
    /// with TX checksum offload on sends CHECKSUM_PARTIAL frames whose checksum is only the pseudo-header's.
    /// </summary>
    public static bool TcpChecksumValid(ReadOnlySpan<byte> f)
    {
        int ihl = (f[14] & 0x0f) * 4;
        int total = BinaryPrimitives.ReadUInt16BigEndian(f[16..]);
        int tcpLength = total - ihl;
        ReadOnlySpan<byte> tcp = f.Slice(14 + ihl, tcpLength);
        uint sum = 0;
        for (int i = 0; i < 8; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(f[(26 + i)..]); // source and destination addresses
        sum += 6u + (uint)tcpLength;
        for (int i = 0; i + 1 < tcp.Length; i += 2) sum += BinaryPrimitives.ReadUInt16BigEndian(tcp[i..]);
        if ((tcp.Length & 1) != 0) sum += (uint)tcp[^1] << 8;
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >> 16);
        return sum == 0xffff;
    }

    /// <summary>Turns an ARP request for <paramref name="ip"/> into the reply from <paramref name="mac"/>, in place; returns the frame length.</summary>
    public static int AnswerArp(Span<byte> f, byte[] mac, IPAddress ip)
    {
        Span<byte> senderMac = stackalloc byte[6];
        Span<byte> senderIp = stackalloc byte[4];
        f.Slice(22, 6).CopyTo(senderMac);
        f.Slice(28, 4).CopyTo(senderIp);
        senderMac.CopyTo(f[0..]);                      // eth dst = requester
        mac.CopyTo(f[6..]);                            // eth src = us
        BinaryPrimitives.WriteUInt16BigEndian(f[20..], 2); // op = reply
        mac.CopyTo(f[22..]);                           // sha = us
        ip.TryWriteBytes(f[28..], out _);              // spa = our address
        senderMac.CopyTo(f[32..]);                     // tha = requester
        senderIp.CopyTo(f[38..]);                      // tpa = requester
        return 42;
    }

    /// <summary>Turns an ICMP echo request into the echo reply, in place (addresses swapped, type 0, checksum adjusted); returns the frame length.</summary>
    public static int AnswerEcho(Span<byte> f, int length)
    {
        Span<byte> tmp = stackalloc byte[6];
        f[0..6].CopyTo(tmp);
        f[6..12].CopyTo(f[0..]);
        tmp.CopyTo(f[6..]);
        f.Slice(26, 4).CopyTo(tmp);
        f.Slice(30, 4).CopyTo(f[26..]);
        tmp[..4].CopyTo(f[30..]); // the IPv4 header checksum is unchanged by swapping addresses
        int l4 = 14 + (f[14] & 0x0f) * 4;
        f[l4] = 0;
        // RFC 1624: type 8 -> 0 lowers the sum by 0x0800, so the checksum (its complement) rises by 0x0800.
        uint sum = BinaryPrimitives.ReadUInt16BigEndian(f[(l4 + 2)..]) + 0x0800u;
        sum = (sum & 0xffff) + (sum >> 16);
        BinaryPrimitives.WriteUInt16BigEndian(f[(l4 + 2)..], (ushort)sum);
        return length;
    }
}
