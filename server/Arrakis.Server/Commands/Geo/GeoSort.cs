namespace Arrakis.Server.Commands.Geo;

/// <summary>
/// The two sorts Redis orders search results with, reproduced so that equal distances (and NaN,
/// which its comparator calls "less" than anything) come out in the same order: glibc's qsort,
/// a top-down merge sort that keeps equal elements in order (msort.c), for a full sort; Redis's
/// pqsort (<see cref="PartialQuickSort"/>) when COUNT keeps fewer than were found.
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
        PartialQuickSort.Sort(a, (x, y) => Compare(x, y, descending), 0, last);
        items.Clear();
        items.AddRange(a);
    }
}
