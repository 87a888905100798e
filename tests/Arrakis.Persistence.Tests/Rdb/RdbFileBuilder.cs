using System.Buffers.Binary;
using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Persistence.Tests.Rdb;

/// <summary>Hand-assembles RDB files and old-format blobs (ziplists) for reader tests.</summary>
internal sealed class RdbFileBuilder
{
    private readonly MemoryStream _ms = new();

    public RdbFileBuilder(int version = 9) => Raw(System.Text.Encoding.ASCII.GetBytes($"REDIS{version:D4}"));

    public RdbFileBuilder Raw(params byte[] bytes)
    {
        _ms.Write(bytes);
        return this;
    }

    /// <summary>A 6/14/32-bit length.</summary>
    public RdbFileBuilder Len(uint n)
    {
        if (n < 64) return Raw((byte)n);
        if (n < 16384) return Raw((byte)(0x40 | (n >> 8)), (byte)n);
        var b = new byte[5];
        b[0] = 0x80;
        BinaryPrimitives.WriteUInt32BigEndian(b.AsSpan(1), n);
        return Raw(b);
    }

    public RdbFileBuilder Str(byte[] s) => Len((uint)s.Length).Raw(s);

    public RdbFileBuilder Str(string s) => Str(System.Text.Encoding.UTF8.GetBytes(s));

    /// <summary>EOF and the CRC-64 (or 0 when <paramref name="checksum"/> is false).</summary>
    public byte[] Finish(bool checksum = true)
    {
        Raw(RdbFormat.OpEof);
        ulong crc = checksum ? Crc64Jones.Compute(_ms.ToArray()) : 0;
        var b = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(b, crc);
        Raw(b);
        return _ms.ToArray();
    }

    /// <summary>A ziplist of strings (6-bit lengths) and small integers (int8 / immediate encodings).</summary>
    public static byte[] Ziplist(params string[] items)
    {
        var body = new MemoryStream();
        int prev = 0, lastStart = 10;
        foreach (var item in items)
        {
            int start = 10 + (int)body.Length;
            var entry = new MemoryStream();
            entry.WriteByte((byte)prev);
            if (long.TryParse(item, out long v) && v.ToString() == item && v >= -128 && v <= 127)
            {
                if (v >= 0 && v <= 12) entry.WriteByte((byte)(0xF1 + v));
                else
                {
                    entry.WriteByte(0xFE);
                    entry.WriteByte((byte)(sbyte)v);
                }
            }
            else
            {
                var s = System.Text.Encoding.ASCII.GetBytes(item);
                entry.WriteByte((byte)s.Length);
                entry.Write(s);
            }
            body.Write(entry.ToArray());
            prev = (int)entry.Length;
            lastStart = start;
        }
        var zl = new byte[10 + body.Length + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(zl, (uint)zl.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(zl.AsSpan(4), (uint)lastStart);
        BinaryPrimitives.WriteUInt16LittleEndian(zl.AsSpan(8), (ushort)items.Length);
        body.ToArray().CopyTo(zl, 10);
        zl[^1] = 0xFF;
        return zl;
    }

    /// <summary>Reads every entry; returns the final status.</summary>
    public static (RdbReadStatus Status, List<RdbEntry> Entries, RdbReader Reader) ReadAll(Stream s)
    {
        var reader = new RdbReader(s);
        var list = new List<RdbEntry>();
        RdbReadStatus status;
        while ((status = reader.ReadNext(out var e)) == RdbReadStatus.Ok) list.Add(e!);
        return (status, list, reader);
    }

    public static (RdbReadStatus Status, List<RdbEntry> Entries, RdbReader Reader) ReadAll(byte[] file) => ReadAll(new MemoryStream(file));
}
