using System.Buffers.Binary;
using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Format;

namespace Arrakis.Fuzz.Targets;

/// <summary>
/// RDB files and DUMP payloads (persistence/Arrakis.Persistence/Rdb): input = a file. The reader
/// must end every input with a status (at most one step per input byte), the same status whether
/// the stream is seekable or trickles 7 bytes per read, and what it reads whole (End) must survive
/// a write + read round trip unchanged. The same bytes are also decoded as a DUMP payload body
/// (type byte first, a valid footer appended): Ok values re-encode and decode to the same value.
/// </summary>
internal static class RdbTarget
{
    private const long MaxString = 16L << 20;

    public static void Run(ReadOnlySpan<byte> data)
    {
        var bytes = data.ToArray();
        var (status, entries) = ReadAll(new MemoryStream(bytes, writable: false), bytes.Length);
        var (trickled, trickledEntries) = ReadAll(new TrickleStream(bytes, 7), bytes.Length);
        if (status != trickled || entries.Count != trickledEntries.Count)
            throw new FuzzFailure($"seekable read {status} with {entries.Count} entries, trickled {trickled} with {trickledEntries.Count}");
        if (status == RdbReadStatus.End) RoundTripFile(entries);
        foreach (var e in entries) if (e.Value.Kind == RdbValueKind.Stream) LoadStream(e.Value.Stream!);
        if (bytes.Length > 0 && bytes.Length < 1 << 20) RoundTripPayload(bytes);
    }

    /// <summary>The server's stream loader: refuses a node that is not a stream's layout, or builds a stream
    /// that every walk (both directions, deletes, trims, XINFO's rax count) handles without throwing.</summary>
    private static void LoadStream(RdbStream stream)
    {
        var s = Arrakis.Server.Commands.Streams.StreamRdb.FromRdb(stream, out string? error);
        if (s is null)
        {
            if (error is null) throw new FuzzFailure("stream refused without a reason");
            return;
        }
        long forward = 0, backward = 0;
        var it = new Arrakis.Server.Commands.Streams.StreamIterator(s, Arrakis.Server.Commands.Streams.StreamId.Zero, Arrakis.Server.Commands.Streams.StreamId.Max, reverse: false);
        while (it.Next(out var e))
        {
            e.CopyFields();
            forward++;
        }
        it = new Arrakis.Server.Commands.Streams.StreamIterator(s, Arrakis.Server.Commands.Streams.StreamId.Zero, Arrakis.Server.Commands.Streams.StreamId.Max, reverse: true);
        while (it.Next(out _)) backward++;
        if (forward != s.Length || backward != s.Length) throw new FuzzFailure($"stream of length {s.Length} walks {forward} forward, {backward} backward");
        s.RaxNodeCount();
        s.Trim(new Arrakis.Server.Commands.Streams.StreamTrim { Strategy = Arrakis.Server.Commands.Streams.StreamTrimStrategy.MaxLen, MaxLen = s.Length / 2 });
    }

    private static (RdbReadStatus, List<RdbEntry>) ReadAll(Stream s, int length)
    {
        var reader = new RdbReader(s, MaxString);
        var entries = new List<RdbEntry>();
        RdbReadStatus status;
        while ((status = reader.ReadNext(out var e)) == RdbReadStatus.Ok)
        {
            entries.Add(e!);
            if (entries.Count > length) throw new FuzzFailure("more entries than input bytes");
        }
        if (status != RdbReadStatus.End && reader.Error is null) throw new FuzzFailure($"{status} without a message");
        return (status, entries);
    }

    private static void RoundTripFile(List<RdbEntry> entries)
    {
        var ms = new MemoryStream();
        var w = new RdbWriter(ms);
        w.WriteHeader([]);
        int db = -1;
        foreach (var e in entries)
        {
            if (e.Db != db) w.SelectDb(db = e.Db, 0, 0);
            w.WriteEntry(e.Key, e.Value, e.ExpireAtMs);
        }
        w.Finish();
        ms.Position = 0;
        var (status, back) = ReadAll(ms, (int)ms.Length);
        if (status != RdbReadStatus.End || back.Count != entries.Count) throw new FuzzFailure($"rewritten file reads {status}, {back.Count} entries");
        for (int i = 0; i < back.Count; i++)
        {
            if (back[i].Db != entries[i].Db || !back[i].Key.AsSpan().SequenceEqual(entries[i].Key) || back[i].ExpireAtMs != entries[i].ExpireAtMs
                || ValueText.Of(back[i].Value) != ValueText.Of(entries[i].Value))
                throw new FuzzFailure($"entry {i} changed in a round trip");
        }
    }

    private static void RoundTripPayload(byte[] body)
    {
        var payload = new byte[body.Length + 10];
        body.CopyTo(payload, 0);
        payload[body.Length] = 10;
        BinaryPrimitives.WriteUInt64LittleEndian(payload.AsSpan(body.Length + 2), Crc64Jones.Compute(payload.AsSpan(0, body.Length + 2)));
        var status = RdbPayload.TryDecode(payload, out var value, out var error);
        if (status != RdbReadStatus.Ok)
        {
            if (error is null) throw new FuzzFailure($"payload {status} without a message");
            return;
        }
        if (RdbPayload.TryDecode(RdbPayload.Encode(value!), out var again, out error) != RdbReadStatus.Ok)
            throw new FuzzFailure("re-encoded payload does not decode: " + error);
        if (ValueText.Of(again!) != ValueText.Of(value!)) throw new FuzzFailure("payload value changed in a round trip");
    }
}
