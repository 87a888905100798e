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
        score = BinaryPrimitives.ReadDoubleLittleEndian(_data.AsSpan(pos, 8));
        pos += 8;
        return PackedPairs.ReadItem(_data, ref pos);
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
        int size = 8 + PackedPairs.ItemSize(member.Length);
        var bigger = new byte[_data.Length + size];
        _data.AsSpan(0, insertAt).CopyTo(bigger);
        BinaryPrimitives.WriteDoubleLittleEndian(bigger.AsSpan(insertAt, 8), score);
        PackedPairs.WriteItem(bigger.AsSpan(insertAt + 8), member);
        _data.AsSpan(insertAt).CopyTo(bigger.AsSpan(insertAt + size));
        _data = bigger;
        Count++;
    }

    public PackedZSet Clone() => new() { _data = (byte[])_data.Clone(), Count = Count };
}
