namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>
/// Delta debugging (ddmin) over the steps before a failing step: removes chunks of earlier steps while
/// the failure still reproduces, halving the chunk size down to single steps. The last step (the
/// failing one) is always kept. Stops at <paramref name="deadline"/>; the result always reproduces.
/// </summary>
internal static class Shrinker
{
    /// <summary>A subsequence of <paramref name="steps"/> ending with its last step for which <paramref name="reproduces"/> holds.</summary>
    public static List<T> Minimize<T>(IReadOnlyList<T> steps, Func<IReadOnlyList<T>, bool> reproduces, DateTime deadline, out bool complete)
    {
        var last = steps[^1];
        var prefix = steps.Take(steps.Count - 1).ToList();
        complete = false;
        if (prefix.Count > 0 && reproduces([last])) prefix.Clear();
        int parts = 2;
        while (prefix.Count > 0)
        {
            if (DateTime.UtcNow > deadline) return [.. prefix, last];
            int chunk = (prefix.Count + parts - 1) / parts;
            bool removed = false;
            for (int start = 0; start < prefix.Count && DateTime.UtcNow <= deadline; start += chunk)
            {
                var candidate = prefix.Take(start).Concat(prefix.Skip(start + chunk)).ToList();
                if (!reproduces([.. candidate, last])) continue;
                prefix = candidate;
                parts = Math.Max(parts - 1, 2);
                removed = true;
                break;
            }
            if (removed) continue;
            if (chunk == 1) break;
            parts = Math.Min(parts * 2, prefix.Count);
        }
        complete = DateTime.UtcNow <= deadline;
        return [.. prefix, last];
    }
}
