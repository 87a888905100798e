using System.Buffers.Binary;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Persistence.Rdb;

/// <summary>
/// FUNCTION DUMP / FUNCTION RESTORE payloads: one FUNCTION2 opcode (0xF5) and the library's code
/// per library, then the RDB version u16 LE and a CRC-64 LE over everything before it, as Redis 7.0
/// writes them. Stateless and thread-safe.
/// </summary>
public static class RdbFunctions
{
    public static byte[] Encode(IEnumerable<byte[]> libraryCodes)
    {
        var ms = new MemoryStream();
        var output = new RdbOutput(ms, compress: true);
        foreach (var code in libraryCodes)
        {
            output.WriteByte(RdbFormat.OpFunction2);
            output.WriteString(code);
        }
        Span<byte> version = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(version, RdbFormat.Version);
        output.Write(version);
        output.WriteUInt64LittleEndian(output.Checksum);
        output.Flush();
        return ms.ToArray();
    }

    /// <summary>Checks the footer and reads the libraries' code. Any failure is reported as Redis's
    /// "payload version or checksum are wrong" (bad footer) or a corrupt body (<paramref name="error"/>).</summary>
    public static RdbReadStatus TryDecode(ReadOnlySpan<byte> payload, out List<byte[]> codes, out string? error)
    {
        codes = [];
        error = null;
        if (payload.Length < 10)
        {
            error = "payload shorter than its footer";
            return RdbReadStatus.Truncated;
        }
        var footer = payload[^10..];
        if (BinaryPrimitives.ReadUInt16LittleEndian(footer) > RdbFormat.Version)
        {
            error = "payload version is newer";
            return RdbReadStatus.BadVersion;
        }
        if (BinaryPrimitives.ReadUInt64LittleEndian(footer[2..]) != Crc64Jones.Compute(payload[..^8]))
        {
            error = "payload checksum mismatch";
            return RdbReadStatus.BadChecksum;
        }
        var body = payload[..^10].ToArray();
        var input = new RdbInput(new MemoryStream(body, writable: false), 512L * 1024 * 1024);
        while (input.Position < body.Length)
        {
            if (!input.TryReadByte(out byte op) || op != RdbFormat.OpFunction2)
            {
                error = "given type is not a function";
                return RdbReadStatus.Corrupt;
            }
            if (!input.TryReadString(out byte[] code))
            {
                error = input.Message;
                return RdbReadStatus.Corrupt;
            }
            codes.Add(code);
        }
        return RdbReadStatus.Ok;
    }
}
