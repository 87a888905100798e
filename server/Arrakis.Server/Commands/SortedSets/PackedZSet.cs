using System.Buffers.Binary;

namespace Arrakis.Server.Commands.SortedSets;

/// <summary>
/// A small sorted set packed into one byte array, entries ordered by (score, member):
/// [8-byte score][varint length][member]... Redis's listpack idea: one object per set.
/// Everything is a scan; small by construction (zset-max-listpack-entries).
/// </summary>
internal sealed class PackedZSet
{
    private byte[] _data = [];

    public int Count { get; private set; }

    public int Length => _data.Length;

    /// <summary>Reads the entry at <paramref name="pos"/> and moves past it.</summary>
    private ReadOnlySpan<byte> Read(ref int pos, out double score)
    {
        score = ReadScore(_data, ref pos);
        return PackedPairs.ReadItem(_data, ref pos);
    }

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
    private int Find(ReadOnlySpan<byte> member, out int rank, out double score)
    {
        int pos = 0;
        for (rank = 0; rank < Count; rank++)
        {
            int entry = pos;
            var m = Read(ref pos, out score);
            if (m.SequenceEqual(member)) return entry;
        }
        score = 0;
        rank = -1;
        return -1;
    }

    public bool TryGetScore(ReadOnlySpan<byte> member, out double score) => Find(member, out _, out score) >= 0;

    public long RankOf(ReadOnlySpan<byte> member)
    {
        Find(member, out int rank, out _);
        return rank;
    }

    public (byte[] Member, double Score) At(long rank)
    {
        int pos = 0;
        for (long i = 0; i < rank; i++) Read(ref pos, out _);
        var m = Read(ref pos, out double s);
        return (m.ToArray(), s);
    }

    public List<(byte[] Member, double Score)> All()
    {
        var list = new List<(byte[], double)>(Count);
        int pos = 0;
        for (int i = 0; i < Count; i++)
        {
            var m = Read(ref pos, out double s);
            list.Add((m.ToArray(), s));
        }
        return list;
    }

    public bool Remove(ReadOnlySpan<byte> member)
    {
        int at = Find(member, out _, out _);
        if (at < 0) return false;
        int end = at;
        Read(ref end, out _);
        var smaller = new byte[_data.Length - (end - at)];
        _data.AsSpan(0, at).CopyTo(smaller);
        _data.AsSpan(end).CopyTo(smaller.AsSpan(at));
        _data = smaller;
        Count--;
        return true;
    }

    /// <summary>Inserts a member that is not present, at its (score, member) position.</summary>
    public void Insert(ReadOnlySpan<byte> member, double score)
    {
        int pos = 0, insertAt = _data.Length;
        for (int i = 0; i < Count; i++)
        {
            int entry = pos;
            var m = Read(ref pos, out double s);
            int c = s.CompareTo(score);
            if (c > 0 || (c == 0 && m.SequenceCompareTo(member) > 0))
            {
                insertAt = entry;
                break;
            }
        }
        int scoreSize = ScoreSize(score);
        int size = scoreSize + PackedPairs.ItemSize(member.Length);
        var bigger = new byte[_data.Length + size];
        _data.AsSpan(0, insertAt).CopyTo(bigger);
        WriteScore(bigger.AsSpan(insertAt, scoreSize), score);
        PackedPairs.WriteItem(bigger.AsSpan(insertAt + scoreSize), member);
        _data.AsSpan(insertAt).CopyTo(bigger.AsSpan(insertAt + size));
        _data = bigger;
        Count++;
    }

    public PackedZSet Clone() => new() { _data = (byte[])_data.Clone(), Count = Count };
}
