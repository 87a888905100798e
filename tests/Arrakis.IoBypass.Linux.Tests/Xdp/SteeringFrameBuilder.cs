using System.Buffers.Binary;
using System.Net;

namespace Arrakis.IoBypass.Linux.Tests.Xdp;

/// <summary>Builds the frames the steering program is tried on (checksums are not filled: the program does not look at them).</summary>
internal static class SteeringFrameBuilder
{
    private static readonly byte[] Dst = { 0x02, 0, 0, 0, 0, 1 };
    private static readonly byte[] Src = { 0x02, 0, 0, 0, 0, 2 };

    public static byte[] Ethernet(ushort type, int payload)
    {
        var f = new byte[14 + payload];
        Dst.CopyTo(f, 0);
        Src.CopyTo(f, 6);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(12), type);
        return f;
    }

    /// <summary>IPv4 with <paramref name="optionWords"/> 4-byte option words, then <paramref name="l4"/> bytes of L4 header.</summary>
    public static byte[] Ipv4(IPAddress dst, byte proto, int l4, int optionWords = 0, ushort flagsFrag = 0x4000, int ihlOverride = -1)
    {
        int ihl = 20 + 4 * optionWords;
        byte[] f = Ethernet(0x0800, ihl + l4);
        Span<byte> ip = f.AsSpan(14);
        ip[0] = (byte)(0x40 | (ihlOverride >= 0 ? ihlOverride : ihl / 4));
        BinaryPrimitives.WriteUInt16BigEndian(ip[2..], (ushort)(ihl + l4));
        BinaryPrimitives.WriteUInt16BigEndian(ip[6..], flagsFrag);
        ip[8] = 64;
        ip[9] = proto;
        IPAddress.Parse("198.18.0.99").TryWriteBytes(ip[12..], out _);
        dst.TryWriteBytes(ip[16..], out _);
        for (int i = 20; i < ihl; i++) ip[i] = 1; // NOP options
        return f;
    }

    public static byte[] Tcp(IPAddress dst, ushort port, int optionWords = 0, ushort flagsFrag = 0x4000)
    {
        byte[] f = Ipv4(dst, 6, 20, optionWords, flagsFrag);
        Span<byte> tcp = f.AsSpan(14 + 20 + 4 * optionWords);
        BinaryPrimitives.WriteUInt16BigEndian(tcp, 40000);
        BinaryPrimitives.WriteUInt16BigEndian(tcp[2..], port);
        tcp[12] = 5 << 4;
        tcp[13] = 0x02; // SYN
        return f;
    }

    public static byte[] Udp(IPAddress dst, ushort port)
    {
        byte[] f = Ipv4(dst, 17, 8);
        BinaryPrimitives.WriteUInt16BigEndian(f.AsSpan(14 + 20 + 2), port);
        return f;
    }

    public static byte[] Icmp(IPAddress dst, byte type)
    {
        byte[] f = Ipv4(dst, 1, 8);
        f[14 + 20] = type;
        return f;
    }

    public static byte[] Arp(IPAddress target, int length = 42)
    {
        byte[] f = Ethernet(0x0806, 28);
        Span<byte> a = f.AsSpan(14);
        BinaryPrimitives.WriteUInt16BigEndian(a, 1);          // htype Ethernet
        BinaryPrimitives.WriteUInt16BigEndian(a[2..], 0x0800); // ptype IPv4
        a[4] = 6;
        a[5] = 4;
        BinaryPrimitives.WriteUInt16BigEndian(a[6..], 1);     // request
        Src.CopyTo(a[8..]);
        IPAddress.Parse("198.18.0.99").TryWriteBytes(a[14..], out _);
        target.TryWriteBytes(a[24..], out _);
        return f[..length];
    }
}
