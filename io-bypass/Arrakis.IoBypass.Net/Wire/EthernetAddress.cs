using System.Buffers.Binary;

namespace Arrakis.IoBypass.Net.Wire;

/// <summary>A 48-bit Ethernet (MAC) address, a value: the six bytes in wire order in the low 48 bits of <see cref="Value"/>.</summary>
internal readonly record struct EthernetAddress
{
    /// <summary>The address length in bytes.</summary>
    public const int Length = 6;

    /// <summary>ff:ff:ff:ff:ff:ff.</summary>
    public static readonly EthernetAddress Broadcast = new(0xFFFF_FFFF_FFFFUL);

    /// <summary>The address as a big-endian 48-bit number (first wire byte most significant).</summary>
    public ulong Value { get; }

    /// <summary>From a 48-bit number (bits above 48 are dropped).</summary>
    public EthernetAddress(ulong value) => Value = value & 0xFFFF_FFFF_FFFFUL;

    public EthernetAddress(byte a, byte b, byte c, byte d, byte e, byte f)
        : this(((ulong)a << 40) | ((ulong)b << 32) | ((ulong)c << 24) | ((ulong)d << 16) | ((ulong)e << 8) | f)
    {
    }

    /// <summary>Reads the first six bytes of <paramref name="bytes"/>; false (and the zero address) when there are fewer.</summary>
    public static bool TryRead(ReadOnlySpan<byte> bytes, out EthernetAddress address)
    {
        if (bytes.Length < Length)
        {
            address = default;
            return false;
        }
        address = new(((ulong)BinaryPrimitives.ReadUInt16BigEndian(bytes) << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes[2..]));
        return true;
    }

    /// <summary>Writes the six bytes; <paramref name="destination"/> must hold at least six (a bug otherwise: throws).</summary>
    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt16BigEndian(destination, (ushort)(Value >> 32));
        BinaryPrimitives.WriteUInt32BigEndian(destination[2..], (uint)Value);
    }

    /// <summary>The group bit, the least significant bit of the first byte (IEEE 802 §8.2); broadcast is a group address.</summary>
    public bool IsMulticast => (Value & 0x0100_0000_0000UL) != 0;

    public bool IsBroadcast => Value == Broadcast.Value;

    public bool IsUnicast => !IsMulticast;

    public override string ToString()
    {
        Span<byte> b = stackalloc byte[Length];
        CopyTo(b);
        return $"{b[0]:x2}:{b[1]:x2}:{b[2]:x2}:{b[3]:x2}:{b[4]:x2}:{b[5]:x2}";
    }
}
