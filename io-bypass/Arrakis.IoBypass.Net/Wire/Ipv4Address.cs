using System.Buffers.Binary;

namespace Arrakis.IoBypass.Net.Wire;

/// <summary>An IPv4 address, a value: the four bytes in wire order as a big-endian 32-bit number.</summary>
internal readonly record struct Ipv4Address(uint Value)
{
    /// <summary>The address length in bytes.</summary>
    public const int Length = 4;

    /// <summary>0.0.0.0.</summary>
    public static readonly Ipv4Address Unspecified = new(0u);

    /// <summary>255.255.255.255, limited broadcast (RFC 919 §7).</summary>
    public static readonly Ipv4Address Broadcast = new(0xFFFF_FFFFu);

    public Ipv4Address(byte a, byte b, byte c, byte d)
        : this(((uint)a << 24) | ((uint)b << 16) | ((uint)c << 8) | d)
    {
    }

    /// <summary>Reads the first four bytes of <paramref name="bytes"/>; false (and 0.0.0.0) when there are fewer.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out Ipv4Address address)
    {
        if (bytes.Length < Length)
        {
            address = default;
            return false;
        }
        address = new(BinaryPrimitives.ReadUInt32BigEndian(bytes));
        return true;
    }

    /// <summary>Parses dotted-quad text ("192.0.2.1"): exactly four decimal parts 0..255; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out Ipv4Address address)
    {
        address = default;
        uint value = 0;
        int parts = 0;
        int part = -1;
        foreach (char c in text)
        {
            if (c == '.')
            {
                if (part < 0 || ++parts > 3) return false;
                value = (value << 8) | (uint)part;
                part = -1;
            }
            else if (c is >= '0' and <= '9')
            {
                part = (part < 0 ? 0 : part * 10) + (c - '0');
                if (part > 255) return false;
            }
            else
            {
                return false;
            }
        }
        if (part < 0 || parts != 3) return false;
        address = new((value << 8) | (uint)part);
        return true;
    }

    /// <summary>Writes the four bytes; <paramref name="destination"/> must hold at least four (a bug otherwise: throws).</summary>
    public void CopyTo(Span<byte> destination) => BinaryPrimitives.WriteUInt32BigEndian(destination, Value);

    public bool IsUnspecified => Value == 0;

    public bool IsBroadcast => Value == 0xFFFF_FFFFu;

    /// <summary>224.0.0.0/4 (RFC 5771).</summary>
    public bool IsMulticast => (Value & 0xF000_0000u) == 0xE000_0000u;

    public override string ToString() => $"{Value >> 24}.{(Value >> 16) & 0xFF}.{(Value >> 8) & 0xFF}.{Value & 0xFF}";
}
