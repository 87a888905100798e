using System.Buffers.Binary;
using System.Text;
using Arrakis.Integration.Tests.Infrastructure;

namespace Arrakis.Integration.Tests.Persistence;

/// <summary>A Redis 6.x stream (RDB_TYPE_STREAM_LISTPACKS, without first ID, entries added or entries read)
/// loads into Arrakis as redis-server 7.0 migrates it: the same XINFO STREAM FULL and XINFO GROUPS (lag unknown
/// where 7.0 cannot estimate it).</summary>
[Collection("servers")]
public sealed class StreamRdbMigrationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("arrakis-stream-v1-").FullName;

    private static byte[] Len(int n) => n < 64 ? [(byte)n] : [(byte)(0x40 | (n >> 8)), (byte)n];

    private static byte[] Str(byte[] b) => [.. Len(b.Length), .. b];

    private static byte[] Str(string s) => Str(Encoding.ASCII.GetBytes(s));

    private static byte[] Key(ulong ms, ulong seq)
    {
        var k = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(k, ms);
        BinaryPrimitives.WriteUInt64BigEndian(k.AsSpan(8), seq);
        return k;
    }

    private static byte[] Ms(long v)
    {
        var b = new byte[8];
        BinaryPrimitives.WriteInt64LittleEndian(b, v);
        return b;
    }

    /// <summary>A listpack of small elements: 0..127 as 7-bit integers, others as 6-bit strings.</summary>
    private static byte[] Listpack(params string[] elements)
    {
        var body = new List<byte>();
        foreach (var e in elements)
        {
            byte[] enc = int.TryParse(e, out int v) && v is >= 0 and <= 127 ? [(byte)v] : [(byte)(0x80 | e.Length), .. Encoding.ASCII.GetBytes(e)];
            body.AddRange(enc);
            body.Add((byte)enc.Length);
        }
        var lp = new byte[6 + body.Count + 1];
        BinaryPrimitives.WriteUInt32LittleEndian(lp, (uint)lp.Length);
        BinaryPrimitives.WriteUInt16LittleEndian(lp.AsSpan(4), (ushort)elements.Length);
        body.CopyTo(lp, 6);
        lp[^1] = 0xFF;
        return lp;
    }

    private static byte[] File()
    {
        var node = Listpack("3", "0", "1", "f", "0", "2", "0", "0", "a", "4", "2", "1", "0", "b", "4", "2", "2", "0", "c", "4");
        return
        [
            .. "REDIS0009"u8, 0xFE, 0x00,
            15, .. Str("s"), .. Len(1), .. Str(Key(7, 0)), .. Str(node), .. Len(3), .. Len(9), .. Len(0),
            .. Len(2),
            .. Str("g"), .. Len(8), .. Len(0), .. Len(1), .. Key(7, 0), .. Ms(1000), .. Len(3), .. Len(1), .. Str("alice"), .. Ms(2000), .. Len(1), .. Key(7, 0),
            .. Str("h"), .. Len(0), .. Len(0), .. Len(0), .. Len(0),
            0xFF, 0, 0, 0, 0, 0, 0, 0, 0, // checksum 0: not checked
        ];
    }

    private static string Info(RespConnection c) => c.Call("XINFO", "STREAM", "s", "FULL").ToString() + c.Call("XINFO", "GROUPS", "s");

    [Fact]
    public void A_redis_6_stream_migrates_as_redis_7_0_migrates_it()
    {
        System.IO.File.WriteAllBytes(Path.Combine(_dir, "dump.rdb"), File());
        string theirs, ours;
        using (var redis = ServerProcess.StartRedis("--dir", _dir, "--dbfilename", "dump.rdb"))
        using (var r = new RespConnection(redis.Port)) theirs = Info(r);
        using (var server = ServerProcess.StartArrakis("--dir", _dir))
        using (var c = new RespConnection(server.Port)) ours = Info(c);
        Assert.Contains("alice", theirs, StringComparison.Ordinal);
        Assert.Equal(theirs, ours);
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
