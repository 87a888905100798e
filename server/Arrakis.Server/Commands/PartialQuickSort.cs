namespace Arrakis.Server.Commands;

/// <summary>
/// Redis 7.0's pqsort (pqsort.c, Bentley and McIlroy's quicksort from NetBSD that only recurses
/// into partitions overlapping a wanted range), step for step; this version has no switch to
/// insertion sort after a partition pass without swaps (other copies of pqsort.c have one).
/// SORT ... BY pattern LIMIT and GEORADIUS/GEOSEARCH ... COUNT use it. It is not stable: elements
/// that compare equal (ALPHA weights or distances that tie) come out in the order this exact
/// sequence of swaps leaves them, so a different algorithm would answer differently.
/// </summary>
internal static class PartialQuickSort
{
    /// <summary>The element size the C code computes its range checks in (sizeof(redisSortObject) on 64-bit).</summary>
    private const long ElementSize = 16;

    /// <summary>Sorts <paramref name="items"/> well enough that positions <paramref name="lrange"/>..<paramref name="rrange"/> hold what a full sort puts there.</summary>
    public static void Sort<T>(T[] items, Comparison<T> cmp, long lrange, long rrange)
    {
        // pqsort passes the range as byte addresses: first byte of lrange, last byte of rrange.
        Run(items, 0, items.Length, cmp, lrange * ElementSize, (rrange + 1) * ElementSize - 1);
    }

    private static void Run<T>(T[] v, int a, int n, Comparison<T> cmp, long lrange, long rrange)
    {
        while (true)
        {
            if (n < 7)
            {
                InsertionSort(v, a, n, cmp);
                return;
            }
            int pm = a + n / 2;
            if (n > 7)
            {
                int pl = a, pn0 = a + n - 1;
                if (n > 40)
                {
                    int d = n / 8;
                    pl = Med3(v, pl, pl + d, pl + 2 * d, cmp);
                    pm = Med3(v, pm - d, pm, pm + d, cmp);
                    pn0 = Med3(v, pn0 - 2 * d, pn0 - d, pn0, cmp);
                }
                pm = Med3(v, pl, pm, pn0, cmp);
            }
            Swap(v, a, pm);
            int pa = a + 1, pb = pa, pc = a + n - 1, pd = pc;
            while (true)
            {
                int r;
                while (pb <= pc && (r = cmp(v[pb], v[a])) <= 0)
                {
                    if (r == 0)
                    {
                        Swap(v, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = cmp(v[pc], v[a])) >= 0)
                {
                    if (r == 0)
                    {
                        Swap(v, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) break;
                Swap(v, pb, pc);
                pb++;
                pc--;
            }
            int pn = a + n;
            int s = Math.Min(pa - a, pb - pa);
            VecSwap(v, a, pb - s, s);
            s = Math.Min(pd - pc, pn - pd - 1);
            VecSwap(v, pb, pn - s, s);
            if ((s = pb - pa) > 1 && Overlaps(a, s, lrange, rrange)) Run(v, a, s, cmp, lrange, rrange);
            if ((s = pd - pc) <= 1) return;
            a = pn - s;
            n = s;
            if (!Overlaps(a, n, lrange, rrange)) return;
        }
    }

    /// <summary>The C test, in bytes: not (the range is wholly before, or wholly after, the partition).</summary>
    private static bool Overlaps(int a, int n, long lrange, long rrange)
    {
        long l = a * ElementSize, r = l + n * ElementSize - 1;
        return !((lrange < l && rrange < l) || (lrange > r && rrange > r));
    }

    private static void InsertionSort<T>(T[] v, int a, int n, Comparison<T> cmp)
    {
        for (int pm = a + 1; pm < a + n; pm++)
        {
            for (int pl = pm; pl > a && cmp(v[pl - 1], v[pl]) > 0; pl--) Swap(v, pl, pl - 1);
        }
    }

    private static int Med3<T>(T[] v, int a, int b, int c, Comparison<T> cmp) =>
        cmp(v[a], v[b]) < 0
            ? (cmp(v[b], v[c]) < 0 ? b : (cmp(v[a], v[c]) < 0 ? c : a))
            : (cmp(v[b], v[c]) > 0 ? b : (cmp(v[a], v[c]) < 0 ? a : c));

    private static void VecSwap<T>(T[] v, int a, int b, int n)
    {
        for (int i = 0; i < n; i++) Swap(v, a + i, b + i);
    }

    private static void Swap<T>(T[] v, int i, int j) => (v[i], v[j]) = (v[j], v[i]);
}
