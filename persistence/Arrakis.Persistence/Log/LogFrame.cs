using System.Buffers.Binary;

namespace Arrakis.Persistence.Log;

/// <summary>
/// The frame: what one device write adds to the log. Frames are packed back to back (a frame starts
/// where the previous one ended); every device write covers whole blocks, so the block holding the end
/// of the previous frame is written again with the same bytes in front of the new frame.
/// </summary>
/// <remarks>
/// Header, 40 bytes little-endian: magic "ARKL" (u32), version (u16), flags (u16, 0), first LSN (u64),
/// durable LSN (u64: every record up to it was known to be on stable storage when this frame was
/// written, which lets recovery tell a torn unflushed write from corruption of acknowledged data),
/// record count (u32), payload length (u32), CRC-32C of the payload (u32), CRC-32C of header bytes
/// 0..36 (u32). The payload is <c>record count</c> records: u32 length of what follows, u32 command
/// count, then per command u16 database and one RESP array (the command's effect, as Redis's AOF
/// writes it). A record is one LSN and is applied atomically (EXEC is one record).
/// </remarks>
internal static class LogFrame
{
    public const uint Magic = 0x4C4B5241; // "ARKL"
    public const ushort Version = 1;
    public const int HeaderSize = 40;

    /// <summary>The largest payload a reader accepts (a frame holds at most what arrived during one flush).</summary>
    public const int MaxPayload = int.MaxValue - 4096;

    public static void WriteHeader(Span<byte> header, long firstLsn, long durableLsn, int records, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
        BinaryPrimitives.WriteUInt16LittleEndian(header[6..], 0);
        BinaryPrimitives.WriteInt64LittleEndian(header[8..], firstLsn);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], durableLsn);
        BinaryPrimitives.WriteInt32LittleEndian(header[24..], records);
        BinaryPrimitives.WriteInt32LittleEndian(header[28..], payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[32..], Crc32C.Compute(payload));
        BinaryPrimitives.WriteUInt32LittleEndian(header[36..], Crc32C.Compute(header[..36]));
    }

    /// <summary>Reads a header whose own checksum, magic, version and lengths hold; false for anything else.</summary>
    public static bool TryReadHeader(ReadOnlySpan<byte> header, out LogFrameHeader h)
    {
        h = default;
        if (header.Length < HeaderSize) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic) return false;
        if (BinaryPrimitives.ReadUInt32LittleEndian(header[36..]) != Crc32C.Compute(header[..36])) return false;
        if (BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) != Version) return false;
        long firstLsn = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        long durableLsn = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        int records = BinaryPrimitives.ReadInt32LittleEndian(header[24..]);
        int payload = BinaryPrimitives.ReadInt32LittleEndian(header[28..]);
        if (firstLsn <= 0 || durableLsn < 0 || durableLsn >= firstLsn || records <= 0 || payload < records * 8L || payload > MaxPayload) return false;
        h = new LogFrameHeader(firstLsn, durableLsn, records, payload, BinaryPrimitives.ReadUInt32LittleEndian(header[32..]));
        return true;
    }
}
