namespace Arrakis.Server.Commands.Geo;

/// <summary>
/// The two sorts Redis orders search results with, reproduced so that equal distances (and NaN,
/// which its comparator calls "less" than anything) come out in the same order: glibc's qsort,
/// a top-down merge sort that keeps equal elements in order (msort.c), for a full sort; Redis's
/// pqsort (pqsort.c, Bentley-McIlroy quicksort that skips partitions outside the wanted ranks)
/// when COUNT keeps fewer than were found.
/// </summary>
internal static class GeoSort
{
    /// <summary>sort_gp_asc / sort_gp_desc.</summary>
    private static int Compare(GeoPoint a, GeoPoint b, bool descending)
    {
        int r = a.Distance > b.Distance ? 1 : a.Distance == b.Distance ? 0 : -1;
        return descending ? -r : r;
    }

    /// <summary>qsort over all of <paramref name="items"/>.</summary>
    public static void Full(List<GeoPoint> items, bool descending)
    {
        var a = items.ToArray();
        var tmp = new GeoPoint[a.Length];
        MergeSort(a, tmp, 0, a.Length, descending);
        items.Clear();
        items.AddRange(a);
    }

    private static void MergeSort(GeoPoint[] a, GeoPoint[] tmp, int start, int n, bool descending)
    {
        if (n <= 1) return;
        int n1 = n / 2, n2 = n - n1;
        MergeSort(a, tmp, start, n1, descending);
        MergeSort(a, tmp, start + n1, n2, descending);
        int i = start, j = start + n1, k = 0;
        while (n1 > 0 && n2 > 0)
        {
            if (Compare(a[i], a[j], descending) <= 0)
            {
                tmp[k++] = a[i++];
                n1--;
            }
            else
            {
                tmp[k++] = a[j++];
                n2--;
            }
        }
        while (n1-- > 0) tmp[k++] = a[i++]; // what is left of the second half is already in place
        Array.Copy(tmp, 0, a, start, k);
    }

    /// <summary>pqsort(items, 0, <paramref name="last"/>): ranks 0..last end up sorted.</summary>
    public static void Partial(List<GeoPoint> items, long last, bool descending)
    {
        var a = items.ToArray();
        PartialSort(a, 0, a.Length, 0, last, descending);
        items.Clear();
        items.AddRange(a);
    }

    private static void Swap(GeoPoint[] a, int i, int j) => (a[i], a[j]) = (a[j], a[i]);

    /// <summary>vecswap: swaps the runs a[i..i+n) and a[j..j+n).</summary>
    private static void VecSwap(GeoPoint[] a, int i, int j, int n)
    {
        for (int k = 0; k < n; k++) Swap(a, i + k, j + k);
    }

    private static int Med3(GeoPoint[] a, int x, int y, int z, bool d) =>
        Compare(a[x], a[y], d) < 0
            ? (Compare(a[y], a[z], d) < 0 ? y : (Compare(a[x], a[z], d) < 0 ? z : x))
            : (Compare(a[y], a[z], d) > 0 ? y : (Compare(a[x], a[z], d) < 0 ? x : z));

    private static void InsertionSort(GeoPoint[] a, int start, int n, bool d)
    {
        for (int m = start + 1; m < start + n; m++)
        {
            for (int l = m; l > start && Compare(a[l - 1], a[l], d) > 0; l--) Swap(a, l, l - 1);
        }
    }

    /// <summary>_pqsort over a[start..start+n), caring only about ranks lrange..rrange.</summary>
    private static void PartialSort(GeoPoint[] a, int start, int n, long lrange, long rrange, bool d)
    {
        while (true)
        {
            if (n < 7)
            {
                InsertionSort(a, start, n, d);
                return;
            }
            int pm = start + n / 2;
            if (n > 7)
            {
                int pl = start, pn = start + n - 1;
                if (n > 40)
                {
                    int step = n / 8;
                    pl = Med3(a, pl, pl + step, pl + 2 * step, d);
                    pm = Med3(a, pm - step, pm, pm + step, d);
                    pn = Med3(a, pn - 2 * step, pn - step, pn, d);
                }
                pm = Med3(a, pl, pm, pn, d);
            }
            Swap(a, start, pm);
            int pa = start + 1, pb = pa, pc = start + n - 1, pd = pc;
            bool swapped = false;
            while (true)
            {
                int r;
                while (pb <= pc && (r = Compare(a[pb], a[start], d)) <= 0)
                {
                    if (r == 0)
                    {
                        swapped = true;
                        Swap(a, pa, pb);
                        pa++;
                    }
                    pb++;
                }
                while (pb <= pc && (r = Compare(a[pc], a[start], d)) >= 0)
                {
                    if (r == 0)
                    {
                        swapped = true;
                        Swap(a, pc, pd);
                        pd--;
                    }
                    pc--;
                }
                if (pb > pc) break;
                Swap(a, pb, pc);
                swapped = true;
                pb++;
                pc--;
            }
            if (!swapped)
            {
                InsertionSort(a, start, n, d);
                return;
            }
            int end = start + n;
            int s = Math.Min(pa - start, pb - pa);
            VecSwap(a, start, pb - s, s);
            s = Math.Min(pd - pc, end - pd - 1);
            VecSwap(a, pb, end - s, s);
            int left = pb - pa;
            if (left > 1 && Overlaps(start, left, lrange, rrange)) PartialSort(a, start, left, lrange, rrange, d);
            int right = pd - pc;
            if (right <= 1) return;
            start = end - right;
            n = right;
            if (!Overlaps(start, n, lrange, rrange)) return;
        }
    }

    /// <summary>Whether the wanted ranks touch a[start..start+n) (pqsort's pointer test, in elements).</summary>
    private static bool Overlaps(int start, int n, long lrange, long rrange) =>
        !((lrange < start && rrange < start) || (lrange >= start + n && rrange >= start + n));
}
