namespace Arrakis.Server.Commands;

/// <summary>Index choices for HRANDFIELD / SRANDMEMBER / ZRANDMEMBER: a positive count gives distinct
/// elements (at most all of them), a negative count allows repeats and returns exactly |count|.</summary>
internal static class RandomPicks
{
    /// <summary>Largest reply a count with repeats may ask for: our reply buffer is one contiguous
    /// array, and Redis itself runs out of memory and dies on such requests.</summary>
    public const long MaxRepeatReplyBytes = 1L << 30;

    /// <summary>The count argument as Redis 7.0 reads it: -LONG_MAX..LONG_MAX, and half that range
    /// when each pick is a pair (WITHVALUES, WITHSCORES).</summary>
    public static bool TryParseCount(CommandContext c, int index, out long count)
    {
        if (!c.TryArgLong(index, out count)) return false;
        if (count == long.MinValue)
        {
            c.Error("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807");
            return false;
        }
        return true;
    }

    /// <summary>The WITHVALUES / WITHSCORES range check, after the option was recognised.</summary>
    public static bool CheckPairCount(CommandContext c, long count)
    {
        if (count >= -long.MaxValue / 2 && count <= long.MaxValue / 2) return true;
        c.Error("ERR value is out of range");
        return false;
    }

    /// <summary>
    /// For a negative count (picks with repeats, exactly |count| of them): refuses a reply that would
    /// pass <see cref="MaxRepeatReplyBytes"/>, estimating each pick's RESP size from a sample of the
    /// collection's elements (<paramref name="elementBytes"/> for the first few indexes).
    /// </summary>
    public static bool CheckRepeatReply(CommandContext c, long count, int size, Func<int, long> elementBytes)
    {
        if (count >= 0) return true;
        long sampled = 0;
        int samples = Math.Min(size, 16);
        for (int i = 0; i < samples; i++) sampled += elementBytes(i) + 16;
        long perPick = Math.Max(8, sampled / Math.Max(1, samples));
        if (-count <= MaxRepeatReplyBytes / perPick) return true;
        c.Error($"ERR count is too large: the reply would pass {MaxRepeatReplyBytes >> 20} MiB (see docs/compatibility.md)");
        return false;
    }

    public static List<int> Choose(int size, long count)
    {
        var picks = new List<int>();
        if (count < 0)
        {
            long n = -count;
            for (long i = 0; i < n; i++) picks.Add(Random.Shared.Next(size));
            return picks;
        }
        if (count >= size)
        {
            for (int i = 0; i < size; i++) picks.Add(i);
            return picks;
        }
        // Distinct indexes without touching all of them when few are wanted.
        if (count * 4 < size)
        {
            var chosen = new HashSet<int>();
            while (chosen.Count < count) chosen.Add(Random.Shared.Next(size));
            picks.AddRange(chosen);
            return picks;
        }
        var all = Enumerable.Range(0, size).ToArray();
        Random.Shared.Shuffle(all);
        picks.AddRange(all.Take((int)count));
        return picks;
    }
}
