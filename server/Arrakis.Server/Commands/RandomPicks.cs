namespace Arrakis.Server.Commands;

/// <summary>Index choices for HRANDFIELD / SRANDMEMBER / ZRANDMEMBER: a positive count gives distinct
/// elements (at most all of them), a negative count allows repeats and returns exactly |count|.</summary>
internal static class RandomPicks
{
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
