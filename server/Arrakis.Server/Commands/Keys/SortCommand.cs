using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Server.Keyspace;

namespace Arrakis.Server.Commands.Keys;

/// <summary>
/// SORT and SORT_RO, as Redis 7.0's sort.c runs them: options parsed in its order and with its
/// errors, BY and GET patterns resolved like lookupKeyByPattern (C-string views, the first '*',
/// "->field" of a hash), numeric weights read by strtod, the comparison of sortCompare, glibc's
/// (stable) qsort for a full sort and Redis's pqsort for BY with LIMIT, and STORE as a list.
/// </summary>
/// <remarks>
/// BY and GET read keys the arguments do not name, so the command metadata marks both commands
/// movablekeys and the dispatcher runs them with every stripe held.
/// </remarks>
internal static class SortCommand
{
    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["sort"] = c => Sort(c, readOnly: false);
        h["sort_ro"] = c => Sort(c, readOnly: true);
    }

    /// <summary>
    /// COMMAND GETKEYS for SORT and SORT_RO (Redis's sortGetKeys and sortROGetKeys; args[0] is the
    /// command): the sorted key, and for SORT the key after the last STORE. Like the C code, LIMIT
    /// skips two arguments and GET and BY one, whatever they hold, and any other word none.
    /// </summary>
    public static List<(int Position, string[] Flags)> GetKeys(IReadOnlyList<byte[]> args, bool readOnly)
    {
        var keys = new List<(int Position, string[] Flags)> { (1, ["RO", "access"]) };
        if (readOnly) return keys;
        int store = 0;
        for (int i = 2; i < args.Count; i++)
        {
            if (Is(args[i], "limit")) i += 2;
            else if (Is(args[i], "get") || Is(args[i], "by")) i += 1;
            else if (Is(args[i], "store") && i + 1 < args.Count) store = i + 1;
        }
        if (store > 0) keys.Add((store, ["OW", "update"]));
        return keys;
    }

    /// <summary>strcasecmp against an option name: the argument as C sees it, up to its first NUL byte.</summary>
    private static bool Is(ReadOnlySpan<byte> arg, string word)
    {
        arg = Numbers.CString(arg);
        if (arg.Length != word.Length) return false;
        for (int i = 0; i < arg.Length; i++)
        {
            if ((arg[i] | 0x20) != word[i]) return false;
        }
        return true;
    }

    /// <summary>One element of the sort vector: the element, its numeric weight or its ALPHA weight (null when the BY key is missing).</summary>
    private struct Entry
    {
        public byte[] Element;
        public double Score;
        public byte[]? Weight;
        public int Position;
    }

    private static void Sort(CommandContext c, bool readOnly)
    {
        bool desc = false, alpha = false, dontSort = false;
        long limitStart = 0, limitCount = -1;
        byte[]? sortBy = null, storeKey = null;
        var gets = new List<byte[]>();
        int argc = c.ArgCount;
        for (int j = 2; j < argc; j++)
        {
            int left = argc - j - 1;
            if (Is(c.Arg(j), "asc")) desc = false;
            else if (Is(c.Arg(j), "desc")) desc = true;
            else if (Is(c.Arg(j), "alpha")) alpha = true;
            else if (Is(c.Arg(j), "limit") && left >= 2)
            {
                if (!c.TryArgLong(j + 1, out limitStart) || !c.TryArgLong(j + 2, out limitCount)) return;
                j += 2;
            }
            else if (!readOnly && Is(c.Arg(j), "store") && left >= 1) storeKey = c.ArgBytes(++j);
            else if (Is(c.Arg(j), "by") && left >= 1)
            {
                sortBy = c.ArgBytes(++j);
                // A pattern without '*' names no weight keys: nothing to sort by. Redis never clears
                // the flag again, so a later BY with a '*' does not bring sorting back.
                if (Numbers.CString(sortBy).IndexOf((byte)'*') < 0) dontSort = true;
            }
            else if (Is(c.Arg(j), "get") && left >= 1) gets.Add(c.ArgBytes(++j));
            else
            {
                c.SyntaxError();
                return;
            }
        }

        var db = c.Db;
        object? value = db.View(c.Arg(1), countHits: true); // a view: SORT converts a packed sorted set for good, as Redis 7.0 does
        if (value is not (null or ListValue or SetValue or SortedSetValue))
        {
            c.WrongType();
            return;
        }
        if (dontSort && value is SetValue && storeKey is not null)
        {
            // A set's own order is not reproducible, so what is stored is sorted: ALPHA, by the elements.
            dontSort = false;
            alpha = true;
            sortBy = null;
        }
        if (value is SortedSetValue zset) zset.EnsureSkipList();

        long length = value switch
        {
            ListValue l => l.Count,
            SetValue s => s.Count,
            SortedSetValue z => z.Count,
            _ => 0,
        };
        long start = Math.Min(Math.Max(limitStart, 0), length);
        long count = Math.Min(Math.Max(limitCount, -1), length);
        long end = count < 0 ? length : start + count - 1;
        if (start >= length)
        {
            start = length - 1;
            end = length - 2;
        }
        if (end >= length) end = length - 1;

        var vector = Load(value, dontSort, desc, ref start, ref end);
        if (!dontSort)
        {
            if (!LoadWeights(db, vector, sortBy, alpha))
            {
                // Redis sorts anyway and then answers the error; the order it leaves is never seen.
                c.Error("ERR One or more scores can't be converted into double");
                return;
            }
            var compare = Comparer(desc, alpha, byPattern: sortBy is not null, store: storeKey is not null);
            if (sortBy is not null && (start != 0 || end != vector.Length - 1)) PartialQuickSort.Sort(vector, compare, start, end);
            else
            {
                // glibc's qsort is a merge sort: stable, so ties keep the order the elements were loaded in.
                Array.Sort(vector, (x, y) => compare(x, y) is var r && r != 0 ? r : x.Position.CompareTo(y.Position));
            }
        }
        long outputLength = (gets.Count > 0 ? gets.Count : 1) * (end - start + 1);
        if (storeKey is null) WriteResult(c, db, vector, gets, start, end, outputLength);
        else Store(c, db, storeKey, vector, gets, start, end, outputLength);
    }

    /// <summary>Reads what each element sorts by; false when a numeric weight is not a number (every weight is still read, as Redis does).</summary>
    private static bool LoadWeights(in Db db, Entry[] vector, byte[]? sortBy, bool alpha)
    {
        bool converted = true;
        for (int j = 0; j < vector.Length; j++)
        {
            ref var e = ref vector[j];
            byte[]? weight = e.Element;
            if (sortBy is not null)
            {
                weight = LookupByPattern(db, sortBy, e.Element);
                if (weight is null) continue; // a missing weight key: 0, or before everything under ALPHA
            }
            if (alpha)
            {
                if (sortBy is not null) e.Weight = weight;
            }
            else if (!Numbers.TryParseSortWeight(weight, out e.Score)) converted = false;
        }
        return converted;
    }

    /// <summary>The reply without STORE: the elements of the range, or for each the values of the GET patterns (nil when missing).</summary>
    private static void WriteResult(CommandContext c, in Db db, Entry[] vector, List<byte[]> gets, long start, long end, long outputLength)
    {
        c.Reply.WriteArrayHeader(outputLength);
        for (long j = start; j <= end; j++)
        {
            var element = vector[j].Element;
            if (gets.Count == 0) c.Reply.WriteBulk(element);
            foreach (var pattern in gets)
            {
                if (LookupByPattern(db, pattern, element) is { } found) c.Reply.WriteBulk(found);
                else c.Reply.WriteNull();
            }
        }
    }

    /// <summary>STORE: the result as a list (a missing GET value stored as ""); an empty result deletes the destination.</summary>
    private static void Store(CommandContext c, in Db db, byte[] storeKey, Entry[] vector, List<byte[]> gets, long start, long end, long outputLength)
    {
        var list = new ListValue();
        for (long j = start; j <= end; j++)
        {
            var element = vector[j].Element;
            if (gets.Count == 0) list.PushRight(element);
            foreach (var pattern in gets) list.PushRight(LookupByPattern(db, pattern, element) ?? []);
        }
        if (outputLength > 0)
        {
            db.Set(storeKey, list);
            db.Notify(K.List, "sortstore", storeKey);
            db.Stats.Dirty += outputLength - 1; // Redis counts one change per stored element; Set counted one
        }
        else if (db.Delete(storeKey)) db.Notify(K.Generic, "del", storeKey);
        c.Reply.WriteInteger(outputLength);
    }

    /// <summary>
    /// The sort vector. With nothing to sort, a list or sorted set gives just the LIMIT range in its
    /// own order (reversed for DESC) and the range is moved to the vector's start, as Redis does.
    /// </summary>
    private static Entry[] Load(object? value, bool dontSort, bool desc, ref long start, ref long end)
    {
        var items = new List<byte[]>();
        switch (value)
        {
            case ListValue l when dontSort:
                if (end >= start)
                {
                    for (long i = start; i <= end; i++) items.Add(l[(int)(desc ? l.Count - 1 - i : i)].ToArray());
                    end -= start;
                    start = 0;
                }
                break;
            case ListValue l:
                for (int i = 0; i < l.Count; i++) items.Add(l[i].ToArray());
                break;
            case SetValue s:
                items.AddRange(s.Members);
                break;
            case SortedSetValue z when dontSort:
                long take = end - start + 1;
                if (take > 0)
                {
                    foreach (var (member, _) in z.Walk(desc ? z.Count - 1 - start : start, desc))
                    {
                        if (items.Count == take) break;
                        items.Add(member);
                    }
                }
                end -= start;
                start = 0;
                break;
            case SortedSetValue z:
                // Redis walks the set's hash table here; its order only shows in ALPHA ties, and
                // differs between Redis processes (the hash seed is random), so ascending order stands in.
                foreach (var (member, _) in z.Ascending()) items.Add(member);
                break;
        }
        var vector = new Entry[items.Count];
        for (int i = 0; i < vector.Length; i++) vector[i] = new Entry { Element = items[i], Position = i };
        return vector;
    }

    /// <summary>Redis's sortCompare for the options in force.</summary>
    private static Comparison<Entry> Comparer(bool desc, bool alpha, bool byPattern, bool store)
    {
        Comparison<Entry> cmp;
        if (!alpha)
        {
            // Equal weights fall back to the elements' bytes, so a numeric sort is deterministic.
            cmp = (x, y) => x.Score > y.Score ? 1 : x.Score < y.Score ? -1 : Binary(x.Element, y.Element);
        }
        else if (byPattern)
        {
            cmp = (x, y) =>
            {
                if (x.Weight is null || y.Weight is null) return x.Weight is null ? (y.Weight is null ? 0 : -1) : 1;
                return store ? Binary(x.Weight, y.Weight) : Collate(x.Weight, y.Weight);
            };
        }
        else if (store) cmp = (x, y) => Binary(x.Element, y.Element);
        else cmp = (x, y) => Collate(x.Element, y.Element);
        return desc ? (x, y) => -cmp(x, y) : cmp;
    }

    /// <summary>compareStringObjects: memcmp over the shorter length, then the lengths.</summary>
    private static int Binary(byte[] a, byte[] b) => Math.Sign(a.AsSpan().SequenceCompareTo(b));

    /// <summary>strcoll in the C locale: strcmp, which stops at the first NUL byte.</summary>
    private static int Collate(byte[] a, byte[] b) => Math.Sign(Numbers.CString(a).SequenceCompareTo(Numbers.CString(b)));

    /// <summary>
    /// lookupKeyByPattern: "#" is the element itself; otherwise the first '*' becomes the element and
    /// the key is read, a string value, or with "->field" after the '*' a hash field. Like the C code,
    /// '#', '*' and "->" are searched in the pattern up to its first NUL byte, while the key and field
    /// names take the whole pattern. Null when the pattern has no '*', the key is missing or of
    /// another type, or the field is absent.
    /// </summary>
    private static byte[]? LookupByPattern(in Db db, byte[] pattern, byte[] element)
    {
        var text = Numbers.CString(pattern);
        if (text.Length == 1 && text[0] == (byte)'#') return element;
        int star = text.IndexOf((byte)'*');
        if (star < 0) return null;
        int arrow = text[(star + 1)..].IndexOf("->"u8);
        int fieldLength = 0;
        if (arrow >= 0)
        {
            arrow += star + 1;
            if (arrow + 2 < text.Length) fieldLength = pattern.Length - arrow - 2;
        }
        int postfixLength = pattern.Length - (star + 1) - (fieldLength > 0 ? fieldLength + 2 : 0);
        var key = new byte[star + element.Length + postfixLength];
        pattern.AsSpan(0, star).CopyTo(key);
        element.CopyTo(key.AsSpan(star));
        pattern.AsSpan(star + 1, postfixLength).CopyTo(key.AsSpan(star + element.Length));
        object? found = db.Get(key);
        if (fieldLength > 0) return found is HashValue hash ? hash.Get(pattern.AsSpan(pattern.Length - fieldLength)) : null;
        return found as byte[];
    }
}
