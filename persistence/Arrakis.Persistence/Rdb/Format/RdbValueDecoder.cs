using Arrakis.Persistence.Rdb;
using Arrakis.Persistence.Rdb.Encodings;

namespace Arrakis.Persistence.Rdb.Format;

/// <summary>
/// Decodes a value body of a given RDB type (rdbLoadObject): every encoding Redis 7.0 writes and
/// the older ones it still loads (LIST, ZSET with string scores, ziplists, QUICKLIST with
/// ziplist nodes, intset, zipmap, SET listpack of 7.2), streams (6.x and 7.0). Modules and 7.2 streams yield
/// UnsupportedType. Duplicate members/fields and NaN scores are Corrupt, as in Redis.
/// </summary>
internal static class RdbValueDecoder
{
    /// <summary>Whether <paramref name="type"/> is a value type byte (known or unsupported), not an opcode or junk.</summary>
    public static bool IsValueType(byte type) => type <= RdbFormat.TypeStreamListpacks3 && type != 8;

    /// <summary>Whether <paramref name="type"/> is a value type this decoder reads (not module, stream).</summary>
    public static bool IsSupported(byte type) => IsValueType(type) && type is not (RdbFormat.TypeModulePreGa or RdbFormat.TypeModule2
        or RdbFormat.TypeStreamListpacks3);

    /// <summary>
    /// Reads the body. True with a value; true with null for an empty aggregate (Redis skips
    /// those keys); false after <paramref name="input"/> recorded the failure.
    /// </summary>
    public static bool TryRead(RdbInput input, byte type, out RdbValue? value)
    {
        value = null;
        long at = input.Position;
        switch (type)
        {
            case RdbFormat.TypeStreamListpacks:
            case RdbFormat.TypeStreamListpacks2:
                return RdbStreamCodec.TryRead(input, type, out value);
            case RdbFormat.TypeString:
                if (!input.TryReadString(out byte[] s)) return false;
                value = RdbValue.FromString(s);
                return true;
            case RdbFormat.TypeList:
            case RdbFormat.TypeSet:
                if (!TryReadStrings(input, out var items)) return false;
                if (type == RdbFormat.TypeSet && HasDuplicates(items, 1)) return input.Fail(RdbReadStatus.Corrupt, "duplicate set member", at);
                value = items.Count == 0 ? null : type == RdbFormat.TypeList ? RdbValue.FromList(items) : RdbValue.FromSet(items, RdbEncodingHint.Table);
                return true;
            case RdbFormat.TypeHash:
                if (!TryReadStrings(input, out var flat, pairs: true)) return false;
                return MakeHash(input, flat, RdbEncodingHint.Table, at, out value);
            case RdbFormat.TypeZset:
            case RdbFormat.TypeZset2:
                return TryReadSkiplist(input, type == RdbFormat.TypeZset2, at, out value);
            case RdbFormat.TypeListQuicklist:
            case RdbFormat.TypeListQuicklist2:
                return TryReadQuicklist(input, type == RdbFormat.TypeListQuicklist2, out value);
            case RdbFormat.TypeListZiplist:
            case RdbFormat.TypeSetIntset:
            case RdbFormat.TypeZsetZiplist:
            case RdbFormat.TypeHashZiplist:
            case RdbFormat.TypeHashListpack:
            case RdbFormat.TypeZsetListpack:
            case RdbFormat.TypeSetListpack:
            case RdbFormat.TypeHashZipmap:
                return TryReadBlob(input, type, out value);
            default:
                return input.Fail(RdbReadStatus.UnsupportedType, $"unsupported value type {RdbFormat.TypeName(type)} ({type})", at - 1);
        }
    }

    private static bool TryReadStrings(RdbInput input, out List<byte[]> items, bool pairs = false)
    {
        items = [];
        if (!input.TryReadCount("element count", out int count)) return false;
        long n = pairs ? 2L * count : count;
        items = new List<byte[]>((int)Math.Min(n, 1024));
        for (long i = 0; i < n; i++)
        {
            if (!input.TryReadString(out byte[] s)) return false;
            items.Add(s);
        }
        return true;
    }

    private static bool TryReadSkiplist(RdbInput input, bool binary, long at, out RdbValue? value)
    {
        value = null;
        if (!input.TryReadCount("zset length", out int count)) return false;
        var scored = new List<KeyValuePair<byte[], double>>(Math.Min(count, 1024));
        for (int i = 0; i < count; i++)
        {
            if (!input.TryReadString(out byte[] member)) return false;
            double score;
            if (!(binary ? input.TryReadBinaryDouble(out score) : input.TryReadStringDouble(out score))) return false;
            if (double.IsNaN(score)) return input.Fail(RdbReadStatus.Corrupt, "zset with NaN score", at);
            scored.Add(new(member, score));
        }
        if (scored.Count == 0) return true;
        if (HasDuplicates(scored.Select(p => p.Key).ToList(), 1)) return input.Fail(RdbReadStatus.Corrupt, "duplicate zset member", at);
        SortAscending(scored);
        value = RdbValue.FromSortedSet(scored, RdbEncodingHint.Table);
        return true;
    }

    private static bool TryReadQuicklist(RdbInput input, bool v2, out RdbValue? value)
    {
        value = null;
        if (!input.TryReadCount("quicklist node count", out int nodes)) return false;
        var elements = new List<byte[]>();
        for (int i = 0; i < nodes; i++)
        {
            long container = RdbFormat.ContainerPacked;
            if (v2)
            {
                if (!input.TryReadLength(2, "quicklist container", out ulong c)) return false;
                container = (long)c;
                if (container != RdbFormat.ContainerPlain && container != RdbFormat.ContainerPacked)
                    return input.Fail(RdbReadStatus.Corrupt, $"quicklist container {container}");
            }
            long at = input.Position;
            if (!input.TryReadString(out byte[] blob)) return false;
            if (container == RdbFormat.ContainerPlain)
            {
                elements.Add(blob);
                continue;
            }
            int before = elements.Count;
            bool ok = v2 ? ListpackReader.TryDecode(blob, elements) : ZiplistReader.TryDecode(blob, elements);
            if (!ok) return input.Fail(RdbReadStatus.Corrupt, v2 ? "invalid listpack in quicklist" : "invalid ziplist in quicklist", at);
            if (elements.Count == before) return input.Fail(RdbReadStatus.Corrupt, "empty quicklist node", at);
        }
        if (elements.Count > 0) value = RdbValue.FromList(elements);
        return true;
    }

    private static bool TryReadBlob(RdbInput input, byte type, out RdbValue? value)
    {
        value = null;
        long at = input.Position;
        if (!input.TryReadString(out byte[] blob)) return false;
        var items = new List<byte[]>();
        bool ok = type switch
        {
            RdbFormat.TypeSetIntset => Intset.TryDecode(blob, items),
            RdbFormat.TypeListZiplist or RdbFormat.TypeZsetZiplist or RdbFormat.TypeHashZiplist => ZiplistReader.TryDecode(blob, items),
            RdbFormat.TypeHashZipmap => ZipmapReader.TryDecode(blob, items),
            _ => ListpackReader.TryDecode(blob, items),
        };
        string name = RdbFormat.TypeName(type);
        if (!ok) return input.Fail(RdbReadStatus.Corrupt, $"invalid {name} blob", at);
        if (items.Count == 0) return true;
        switch (type)
        {
            case RdbFormat.TypeListZiplist:
                value = RdbValue.FromList(items);
                return true;
            case RdbFormat.TypeSetIntset:
            case RdbFormat.TypeSetListpack:
                if (HasDuplicates(items, 1)) return input.Fail(RdbReadStatus.Corrupt, $"duplicate member in {name}", at);
                value = RdbValue.FromSet(items, RdbEncodingHint.Compact);
                return true;
            case RdbFormat.TypeHashZiplist:
            case RdbFormat.TypeHashListpack:
            case RdbFormat.TypeHashZipmap:
                return MakeHash(input, items, RdbEncodingHint.Compact, at, out value);
            default:
                return MakeZsetFromPairs(input, items, at, out value);
        }
    }

    private static bool MakeHash(RdbInput input, List<byte[]> flat, RdbEncodingHint hint, long at, out RdbValue? value)
    {
        value = null;
        if (flat.Count % 2 != 0) return input.Fail(RdbReadStatus.Corrupt, "hash with an odd number of elements", at);
        if (flat.Count == 0) return true;
        if (HasDuplicates(flat, 2)) return input.Fail(RdbReadStatus.Corrupt, "duplicate hash field", at);
        var pairs = new List<KeyValuePair<byte[], byte[]>>(flat.Count / 2);
        for (int i = 0; i < flat.Count; i += 2) pairs.Add(new(flat[i], flat[i + 1]));
        value = RdbValue.FromHash(pairs, hint);
        return true;
    }

    private static bool MakeZsetFromPairs(RdbInput input, List<byte[]> flat, long at, out RdbValue? value)
    {
        value = null;
        if (flat.Count % 2 != 0) return input.Fail(RdbReadStatus.Corrupt, "zset with an odd number of elements", at);
        if (HasDuplicates(flat, 2)) return input.Fail(RdbReadStatus.Corrupt, "duplicate zset member", at);
        var scored = new List<KeyValuePair<byte[], double>>(flat.Count / 2);
        for (int i = 0; i < flat.Count; i += 2)
        {
            if (!RedisNumbers.TryParseDouble(flat[i + 1], out double score) || double.IsNaN(score))
                return input.Fail(RdbReadStatus.Corrupt, "bad zset score", at);
            scored.Add(new(flat[i], score));
        }
        value = RdbValue.FromSortedSet(scored, RdbEncodingHint.Compact);
        return true;
    }

    /// <summary>Whether the elements at indexes 0, stride, 2*stride... repeat.</summary>
    private static bool HasDuplicates(List<byte[]> items, int stride)
    {
        var seen = new HashSet<byte[]>(ByteArrayComparer.Instance);
        for (int i = 0; i < items.Count; i += stride)
            if (!seen.Add(items[i])) return true;
        return false;
    }

    private static void SortAscending(List<KeyValuePair<byte[], double>> scored) =>
        scored.Sort(static (a, b) =>
        {
            int c = a.Value.CompareTo(b.Value);
            return c != 0 ? c : a.Key.AsSpan().SequenceCompareTo(b.Key);
        });
}
