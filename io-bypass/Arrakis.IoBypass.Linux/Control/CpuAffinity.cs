using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Control;

/// <summary>
/// Redis's CPU lists (server_cpulist: "0-3", "1,5", "0-7:2") and pinning a thread to one, as Redis pins
/// its main thread: the data-plane threads of a bypass server are meant to own their cores.
/// </summary>
public static class CpuAffinity
{
    /// <summary>The highest CPU number accepted (the kernel's cpu_set_t holds 1024).</summary>
    public const int MaxCpu = 1023;

    /// <summary>Parses comma-separated items, each <c>n</c>, <c>a-b</c> or <c>a-b:step</c>; false on anything else or an empty list.</summary>
    public static bool TryParse(string list, out int[] cpus)
    {
        var set = new SortedSet<int>();
        cpus = [];
        foreach (var item in list.Split(','))
        {
            var range = item.Trim();
            int step = 1;
            int colon = range.IndexOf(':');
            if (colon >= 0)
            {
                if (!int.TryParse(range.AsSpan(colon + 1), System.Globalization.NumberStyles.None, null, out step) || step < 1) return false;
                range = range[..colon];
            }
            int dash = range.IndexOf('-');
            int from, to;
            if (dash < 0)
            {
                if (colon >= 0 || !int.TryParse(range, System.Globalization.NumberStyles.None, null, out from)) return false;
                to = from;
            }
            else if (!int.TryParse(range.AsSpan(0, dash), System.Globalization.NumberStyles.None, null, out from)
                     || !int.TryParse(range.AsSpan(dash + 1), System.Globalization.NumberStyles.None, null, out to) || to < from)
            {
                return false;
            }
            if (to > MaxCpu) return false;
            for (int c = from; c <= to; c += step) set.Add(c);
        }
        cpus = set.ToArray();
        return cpus.Length > 0;
    }

    /// <summary>Restricts the calling thread to <paramref name="cpus"/> (sched_setaffinity); 0 or -errno.</summary>
    public static int PinCurrentThread(IReadOnlyList<int> cpus) => NativeMethods.SetCurrentThreadAffinity(cpus);
}
