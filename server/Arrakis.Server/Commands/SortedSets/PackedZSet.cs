using System.Buffers;
using System.Buffers.Binary;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.SortedSets;

/// <summary>
/// A small sorted set packed into bytes, entries ordered by (score, member): [score][varint length]
/// [member]... (Redis's listpack idea). Everything is a scan; small by construction
/// (zset-max-listpack-entries). The bytes are an array it owns, or, attached, the value of a key's
/// record in a <see cref="KeyTable"/> (<see cref="KeyTable.PackedZSet"/>), where every change is written back.
/// </summary>
internal sealed class PackedZSet
{
    private PackedBytes _data = PackedBytes.Owned([]);
    private int _count;

    /// <summary>A view of the packed sorted set in a table's slot.</summary>
    public static PackedZSet Attached(KeyTable table, int slot) => new() { _data = PackedBytes.In(table, slot), _count = -1 };

    /// <summary>A packed sorted set owning <paramref name="data"/>.</summary>
    public static PackedZSet FromBytes(byte[] data) => new() { _data = PackedBytes.Owned(data), _count = -1 };

    /// <summary>Makes this a view of a slot whose record value now holds its bytes.</summary>
    public void Attach(KeyTable table, int slot) => _data.Attach(table, slot);

    /// <summary>The slot this is a view of (table null when it owns its bytes).</summary>
    public (KeyTable? Table, int Slot) Home => _data.Home;

    /// <summary>The packed bytes (valid until the next change).</summary>
    public ReadOnlySpan<byte> Data => _data.Span;

    public int Count
    {
        get
        {
            if (_count >= 0) return _count;
            var data = Data;
            int n = 0;
            for (int pos = 0; pos < data.Length; n++) Read(data, ref pos, out _);
            return _count = n;
        }
    }

    public int Length => Data.Length;

    /// <summary>Reads the entry at <paramref name="pos"/> and moves past it.</summary>
    private static ReadOnlySpan<byte> Read(ReadOnlySpan<byte> data, ref int pos, out double score)
    {
        score = ReadScore(data, ref pos);
        return PackedPairs.ReadItem(data, ref pos);
    }

    private void Store(ReadOnlySpan<byte> data) => _data.Store(KeyTable.PackedZSet, data);

    // A score takes a tag byte and what it needs (as Redis's listpack keeps "3" shorter than "3.25"):
    // an integer in int32 range as a zigzag varint, a value a float holds exactly in 4 bytes, else 8.
    private const byte IntegerScore = 0, FloatScore = 1, DoubleScore = 2;

    private static byte ScoreKind(double score) =>
        score == Math.Floor(score) && score >= int.MinValue && score <= int.MaxValue && !(score == 0 && double.IsNegative(score)) ? IntegerScore
        : (double)(float)score == score || double.IsNaN(score) ? FloatScore : DoubleScore;

    private static int ScoreSize(double score) => ScoreKind(score) switch
    {
        IntegerScore => 1 + PackedPairs.VarintSize((int)ZigZag((int)score)),
        FloatScore => 5,
        _ => 9,
    };

    private static uint ZigZag(int v) => (uint)((v << 1) ^ (v >> 31));

    private static int WriteScore(Span<byte> dest, double score)
    {
        byte kind = ScoreKind(score);
        dest[0] = kind;
        switch (kind)
        {
            case IntegerScore:
                return 1 + PackedPairs.WriteVarint(dest[1..], (int)ZigZag((int)score));
            case FloatScore:
                BinaryPrimitives.WriteSingleLittleEndian(dest[1..], (float)score);
                return 5;
            default:
                BinaryPrimitives.WriteDoubleLittleEndian(dest[1..], score);
                return 9;
        }
    }

    private static double ReadScore(ReadOnlySpan<byte> src, ref int pos)
    {
        byte kind = src[pos++];
        switch (kind)
        {
            case IntegerScore:
                uint z = (uint)PackedPairs.ReadVarint(src, ref pos);
                return (int)(z >> 1) ^ -(int)(z & 1);
            case FloatScore:
                pos += 4;
                return BinaryPrimitives.ReadSingleLittleEndian(src.Slice(pos - 4, 4));
            default:
                pos += 8;
                return BinaryPrimitives.ReadDoubleLittleEndian(src.Slice(pos - 8, 8));
        }
    }

    /// <summary>Offset of the member's entry and its rank, or -1.</summary>
    private static int Find(ReadOnlySpan<byte> data, ReadOnlySpan<byte> member, out int rank, out double score)
    {
        int pos = 0;
        for (rank = 0; pos < data.Length; rank++)
        {
            int entry = pos;
            var m = Read(data, ref pos, out score);
            if (m.SequenceEqual(member)) return entry;
        }
        score = 0;
        rank = -1;
        return -1;
    }

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score) => Find(Data, member, out _, out score) >= 0;

    public long RankOf(ReadOnlySpan<byte> member)
    {
        Find(Data, member, out int rank, out _);
        return rank;
    }

    public (byte[] Member, double Score) At(long rank)
    {
        var data = Data;
        int pos = 0;
        for (long i = 0; i < rank; i++) Read(data, ref pos, out _);
        var m = Read(data, ref pos, out double s);
        return (m.ToArray(), s);
    }

    public List<(byte[] Member, double Score)> All()
    {
        var data = Data;
        var list = new List<(byte[], double)>(Count);
        for (int pos = 0; pos < data.Length;)
        {
            var m = Read(data, ref pos, out double s);
            list.Add((m.ToArray(), s));
        }
        return list;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        var data = Data;
        int at = Find(data, member, out _, out _);
        if (at < 0) return false;
        int count = Count, end = at;
        Read(data, ref end, out _);
        int length = data.Length - (end - at);
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        data[..at].CopyTo(buffer);
        data[end..].CopyTo(buffer.AsSpan(at));
        Store(buffer.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(buffer);
        _count = count - 1;
        return true;
    }

    /// <summary>Inserts a member that is not present, at its (score, member) position.</summary>
    public void Insert(ReadOnlySpan<byte> member, double score)
    {
        var data = Data;
        int count = Count, pos = 0, insertAt = data.Length;
        while (pos < data.Length)
        {
            int entry = pos;
            var m = Read(data, ref pos, out double s);
            int c = s.CompareTo(score);
            if (c > 0 || (c == 0 && m.SequenceCompareTo(member) > 0))
            {
                insertAt = entry;
                break;
            }
        }
        int scoreSize = ScoreSize(score);
        int size = scoreSize + PackedPairs.ItemSize(member.Length);
        var buffer = ArrayPool<byte>.Shared.Rent(data.Length + size);
        data[..insertAt].CopyTo(buffer);
        WriteScore(buffer.AsSpan(insertAt, scoreSize), score);
        PackedPairs.WriteItem(buffer.AsSpan(insertAt + scoreSize), member);
        data[insertAt..].CopyTo(buffer.AsSpan(insertAt + size));
        Store(buffer.AsSpan(0, data.Length + size));
        ArrayPool<byte>.Shared.Return(buffer);
        _count = count + 1;
    }

    /// <summary>A copy that owns its bytes.</summary>
    public PackedZSet Clone() => new() { _data = PackedBytes.Owned(Data.ToArray()), _count = _count };
}
