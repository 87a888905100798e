using System.Buffers.Binary;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Persistence.Rdb;

/// <summary>
/// DUMP / RESTORE payloads: type byte, value body as in an RDB, RDB version u16 LE (10), CRC-64
/// LE over everything before it. Stateless and thread-safe.
/// Mapping to Redis's errors: Truncated, BadVersion, BadChecksum → "ERR DUMP payload version or
/// checksum are wrong"; Corrupt, UnsupportedType → "ERR Bad data format".
/// </summary>
public static class RdbPayload
{
    /// <summary>Longest string a payload may hold once decompressed (proto-max-bulk-len's default).</summary>
    private const long MaxStringBytes = 512L * 1024 * 1024;

    /// <summary>The DUMP payload of <paramref name="value"/> (throws ArgumentException for an empty aggregate).</summary>
    public static byte[] Encode(RdbValue value)
    {
        var ms = new MemoryStream();
        var output = new RdbOutput(ms, compress: true);
        byte type = RdbValueEncoder.TypeOf(value);
        output.WriteByte(type);
        RdbValueEncoder.WriteBody(output, value, type);
        Span<byte> version = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(version, RdbFormat.Version);
        output.Write(version);
        output.WriteUInt64LittleEndian(output.Checksum);
        output.Flush();
        return ms.ToArray();
    }

    /// <summary>
    /// Verifies the footer (version ≤ 10, CRC-64) and decodes the value. Ok sets
    /// <paramref name="value"/>; otherwise <paramref name="error"/> says why and where. Bytes
    /// after the value and before the footer are ignored, as Redis's RESTORE does; an empty
    /// aggregate is Corrupt (Redis answers "Bad data format").
    /// </summary>
    public static RdbReadStatus TryDecode(ReadOnlySpan<byte> payload, out RdbValue? value, out string? error)
    {
        value = null;
        error = null;
        if (payload.Length < 10)
        {
            error = "payload shorter than its footer";
            return RdbReadStatus.Truncated;
        }
        var footer = payload[^10..];
        int version = BinaryPrimitives.ReadUInt16LittleEndian(footer);
        if (version > RdbFormat.Version)
        {
            error = $"payload RDB version {version} is newer than {RdbFormat.Version}";
            return RdbReadStatus.BadVersion;
        }
        ulong stored = BinaryPrimitives.ReadUInt64LittleEndian(footer[2..]);
        ulong computed = Crc64Jones.Compute(payload[..^8]);
        if (stored != computed)
        {
            error = $"payload checksum 0x{stored:x16} stored, 0x{computed:x16} computed";
            return RdbReadStatus.BadChecksum;
        }
        var body = payload[..^10].ToArray();
        var input = new RdbInput(new MemoryStream(body, writable: false), MaxStringBytes);
        if (!input.TryReadByte(out byte type) || !RdbValueDecoder.IsValueType(type))
        {
            error = "bad value type";
            return RdbReadStatus.Corrupt;
        }
        if (!RdbValueDecoder.TryRead(input, type, out value))
        {
            error = input.Message;
            return input.Status == RdbReadStatus.UnsupportedType ? RdbReadStatus.UnsupportedType : RdbReadStatus.Corrupt;
        }
        if (value == null)
        {
            error = "empty aggregate";
            return RdbReadStatus.Corrupt;
        }
        return RdbReadStatus.Ok;
    }
}
