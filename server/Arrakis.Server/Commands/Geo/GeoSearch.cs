using Arrakis.Server.Commands.SortedSets;

namespace Arrakis.Server.Commands.Geo;

/// <summary>A search area: a circle (radius) or an axis-aligned box (width × height) around a
/// centre, its sizes in the request's unit, <see cref="Conversion"/> metres per unit (GeoShape).</summary>
internal sealed class GeoShape
{
    public double Longitude;
    public double Latitude;
    public bool IsBox;
    public double Radius;
    public double Width;
    public double Height;
    public double Conversion;
}

/// <summary>One member found by a search (geoPoint): its decoded position, distance in metres
/// from the centre and raw score.</summary>
internal sealed record GeoPoint(byte[] Member, double Score, double Longitude, double Latitude, double Distance);

/// <summary>
/// The area search of GEOSEARCH and GEORADIUS as Redis runs it (geohashCalculateAreasByShapeWGS84,
/// membersOfAllNeighbors, geoGetPointsInRange, geoWithinShape): a cell size estimated from the
/// radius, the centre cell and its 8 neighbours with the useless ones dropped, each cell's score
/// range scanned in order, every candidate checked against the exact circle or box.
/// </summary>
internal static class GeoSearch
{
    /// <summary>The members inside <paramref name="shape"/>, in Redis's scan order; with a
    /// <paramref name="limit"/> (ANY) the scan stops once that many are found.</summary>
    public static List<GeoPoint> Find(SortedSetValue zset, GeoShape shape, long limit)
    {
        var cells = Cells(shape);
        var found = new List<GeoPoint>();
        int lastProcessed = 0;
        for (int i = 0; i < cells.Length; i++)
        {
            if (cells[i].IsZero) continue;
            // Huge radii can make neighbours coincide: Redis skips a cell equal to the last one
            // scanned (only once something after the centre cell was scanned, as its test reads).
            if (lastProcessed != 0 && cells[i] == cells[lastProcessed]) continue;
            if (found.Count > 0 && limit > 0 && found.Count >= limit) break;
            ScanCell(zset, cells[i], shape, found, limit);
            lastProcessed = i;
        }
        return found;
    }

    /// <summary>The 9 cells in Redis's order: centre, N, S, E, W, NE, NW, SE, SW (zero = skipped).</summary>
    private static GeoHashBits[] Cells(GeoShape shape)
    {
        var (minLon, minLat, maxLon, maxLat) = BoundingBox(shape);
        double radiusMeters = shape.IsBox
            ? Math.Sqrt((shape.Width / 2) * (shape.Width / 2) + (shape.Height / 2) * (shape.Height / 2))
            : shape.Radius;
        radiusMeters *= shape.Conversion;
        int steps = GeoHash.EstimateSteps(radiusMeters, shape.Latitude);
        GeoHash.TryEncodeWgs84(shape.Longitude, shape.Latitude, steps, out var hash);
        var n = Neighbours(hash);
        var area = GeoHash.Decode(hash);
        // The estimated step may leave the box poking out of the neighbours when the centre sits
        // near the edge of its cell: then one step coarser.
        bool decrease = GeoHash.Decode(n[1]).LatMax < maxLat
            || GeoHash.Decode(n[2]).LatMin > minLat
            || GeoHash.Decode(n[3]).LongMax < maxLon
            || GeoHash.Decode(n[4]).LongMin > minLon;
        if (steps > 1 && decrease)
        {
            steps--;
            GeoHash.TryEncodeWgs84(shape.Longitude, shape.Latitude, steps, out hash);
            n = Neighbours(hash);
            area = GeoHash.Decode(hash);
        }
        if (steps >= 2)
        {
            if (area.LatMin < minLat) n[2] = n[7] = n[8] = default;
            if (area.LatMax > maxLat) n[1] = n[5] = n[6] = default;
            if (area.LongMin < minLon) n[4] = n[8] = n[6] = default;
            if (area.LongMax > maxLon) n[3] = n[7] = n[5] = default;
        }
        return n;
    }

    /// <summary>geohashNeighbors, indexed as <see cref="Cells"/> orders them.</summary>
    private static GeoHashBits[] Neighbours(GeoHashBits hash) =>
    [
        hash,
        GeoHash.MoveY(hash, 1),
        GeoHash.MoveY(hash, -1),
        GeoHash.MoveX(hash, 1),
        GeoHash.MoveX(hash, -1),
        GeoHash.MoveY(GeoHash.MoveX(hash, 1), 1),
        GeoHash.MoveY(GeoHash.MoveX(hash, -1), 1),
        GeoHash.MoveY(GeoHash.MoveX(hash, 1), -1),
        GeoHash.MoveY(GeoHash.MoveX(hash, -1), -1),
    ];

    /// <summary>geohashBoundingBox: min/max longitude and latitude around the centre; the
    /// longitude span is taken at the edge nearer the pole (north or south of the equator).</summary>
    private static (double MinLon, double MinLat, double MaxLon, double MaxLat) BoundingBox(GeoShape shape)
    {
        double longitude = shape.Longitude, latitude = shape.Latitude;
        double height = shape.Conversion * (shape.IsBox ? shape.Height / 2 : shape.Radius);
        double width = shape.Conversion * (shape.IsBox ? shape.Width / 2 : shape.Radius);
        double latDelta = height / GeoHash.EarthRadius / (Math.PI / 180.0);
        double longDeltaTop = width / GeoHash.EarthRadius / Math.Cos((latitude + latDelta) * (Math.PI / 180.0)) / (Math.PI / 180.0);
        double longDeltaBottom = width / GeoHash.EarthRadius / Math.Cos((latitude - latDelta) * (Math.PI / 180.0)) / (Math.PI / 180.0);
        double longDelta = latitude < 0 ? longDeltaBottom : longDeltaTop;
        return (longitude - longDelta, latitude - latDelta, longitude + longDelta, latitude + latDelta);
    }

    /// <summary>geoGetPointsInRange over one cell: scores in [cell, next cell), ascending.</summary>
    private static void ScanCell(SortedSetValue zset, GeoHashBits cell, GeoShape shape, List<GeoPoint> found, long limit)
    {
        double min = GeoHash.Align52(cell);
        double max = GeoHash.Align52(cell with { Bits = cell.Bits + 1 });
        long rank = zset.FirstRankInScoreRange(new ScoreBound(min, false), new ScoreBound(max, true));
        if (rank < 0) return;
        foreach (var (member, score) in zset.Walk(rank, reverse: false))
        {
            if (!(score < max)) break;
            if (TryWithin(shape, score, out var point, member)) found.Add(point!);
            if (found.Count > 0 && limit > 0 && found.Count >= limit) break;
        }
    }

    /// <summary>geoWithinShape: the decoded point and its distance when inside the circle or box.</summary>
    private static bool TryWithin(GeoShape shape, double score, out GeoPoint? point, byte[] member)
    {
        point = null;
        var (x, y) = GeoHash.DecodeScore(score);
        double distance;
        if (!shape.IsBox)
        {
            distance = GeoHash.Distance(shape.Longitude, shape.Latitude, x, y);
            if (distance > shape.Radius * shape.Conversion) return false;
        }
        else
        {
            // geohashGetDistanceIfInRectangle: latitude first (cheaper), then longitude along the point's parallel.
            double width = shape.Width * shape.Conversion, height = shape.Height * shape.Conversion;
            if (GeoHash.LatDistance(y, shape.Latitude) > height / 2) return false;
            if (GeoHash.Distance(x, y, shape.Longitude, y) > width / 2) return false;
            distance = GeoHash.Distance(shape.Longitude, shape.Latitude, x, y);
        }
        point = new GeoPoint(member, score, x, y, distance);
        return true;
    }
}
