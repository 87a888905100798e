using K = Arrakis.Server.Commands.PubSub.KeyspaceEvents.Kind;
using Arrakis.Server.Commands.SortedSets;

namespace Arrakis.Server.Commands.Geo;

/// <summary>
/// GEOADD, GEOPOS, GEODIST, GEOHASH, GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER and
/// the _RO variants, as Redis 7.0's geo.c implements them over sorted sets whose scores are 52-bit
/// geohashes (see <see cref="GeoHash"/>): one argument parser and evaluator for every search
/// command (georadiusGeneric), with Redis's order of checks and its error texts.
/// </summary>
internal static class GeoCommands
{
    [Flags]
    private enum Mode
    {
        Coords = 1,      // GEORADIUS: centre from longitude latitude
        Member = 2,      // GEORADIUSBYMEMBER: centre from a member
        NoStore = 4,     // the _RO variants: no STORE / STOREDIST
        Search = 8,      // GEOSEARCH syntax
        SearchStore = 16, // GEOSEARCHSTORE: destination first, STOREDIST a flag
    }

    public static void Register(Dictionary<string, CommandHandler> h)
    {
        h["geoadd"] = GeoAdd;
        h["geopos"] = GeoPos;
        h["geodist"] = GeoDist;
        h["geohash"] = GeoHashCommand;
        h["georadius"] = c => Search(c, 1, Mode.Coords);
        h["georadius_ro"] = c => Search(c, 1, Mode.Coords | Mode.NoStore);
        h["georadiusbymember"] = c => Search(c, 1, Mode.Member);
        h["georadiusbymember_ro"] = c => Search(c, 1, Mode.Member | Mode.NoStore);
        h["geosearch"] = c => Search(c, 1, Mode.Search);
        h["geosearchstore"] = c => Search(c, 2, Mode.Search | Mode.SearchStore);
    }

    /// <summary>Redis compares option words with strcasecmp, which stops at a NUL byte.</summary>
    private static bool Is(CommandContext c, int i, string word)
    {
        var a = Numbers.CString(c.Arg(i));
        if (a.Length != word.Length) return false;
        for (int k = 0; k < a.Length; k++)
        {
            if (char.ToLowerInvariant((char)a[k]) != word[k]) return false;
        }
        return true;
    }

    /// <summary>extractLongLatOrReply: two doubles within the WGS84 limits.</summary>
    private static bool TryLongLat(CommandContext c, int i, out double longitude, out double latitude)
    {
        latitude = 0;
        if (!c.TryArgDouble(i, out longitude) || !c.TryArgDouble(i + 1, out latitude)) return false;
        if (longitude < GeoHash.LongMin || longitude > GeoHash.LongMax || latitude < GeoHash.LatMin || latitude > GeoHash.LatMax)
        {
            c.Error($"ERR invalid longitude,latitude pair {FixedPoint.Format(longitude, 6)},{FixedPoint.Format(latitude, 6)}");
            return false;
        }
        return true;
    }

    /// <summary>extractUnitOrReply: metres per unit, or -1 after replying the error.</summary>
    private static double Unit(CommandContext c, int i)
    {
        if (Is(c, i, "m")) return 1;
        if (Is(c, i, "km")) return 1000;
        if (Is(c, i, "ft")) return 0.3048;
        if (Is(c, i, "mi")) return 1609.34;
        c.Error("ERR unsupported unit provided. please use M, KM, FT, MI");
        return -1;
    }

    /// <summary>extractDistanceOrReply: a non-negative radius and its unit.</summary>
    private static bool TryRadius(CommandContext c, int i, GeoShape shape)
    {
        if (!c.TryArgDouble(i, out double radius, "ERR need numeric radius")) return false;
        if (radius < 0)
        {
            c.Error("ERR radius cannot be negative");
            return false;
        }
        shape.Radius = radius;
        double unit = Unit(c, i + 1);
        if (unit < 0) return false;
        shape.Conversion = unit;
        return true;
    }

    /// <summary>extractBoxOrReply: non-negative width and height and their unit.</summary>
    private static bool TryBox(CommandContext c, int i, GeoShape shape)
    {
        if (!c.TryArgDouble(i, out double width, "ERR need numeric width") || !c.TryArgDouble(i + 1, out double height, "ERR need numeric height")) return false;
        if (height < 0 || width < 0)
        {
            c.Error("ERR height or width cannot be negative");
            return false;
        }
        shape.Width = width;
        shape.Height = height;
        double unit = Unit(c, i + 2);
        if (unit < 0) return false;
        shape.Conversion = unit;
        return true;
    }

    /// <summary>addReplyDoubleDistance: "%.4f" as a bulk string in both protocols.</summary>
    private static void WriteDistance(CommandContext c, double distance) => c.Reply.WriteBulk(FixedPoint.Format(distance, 4));

    /// <summary>addReplyHumanLongDouble: a bulk string in RESP2, a RESP3 double, both "%.17Lf" trimmed.</summary>
    private static void WriteCoordinate(CommandContext c, double value)
    {
        string text = FixedPoint.Human(value);
        if (c.Reply.IsResp3) c.Reply.WriteRaw(System.Text.Encoding.ASCII.GetBytes("," + text + "\r\n"));
        else c.Reply.WriteBulk(text);
    }

    /// <summary>GEOADD key [NX|XX] [CH] lon lat member...: Redis rewrites it into ZADD with the
    /// geohash scores (geoaddCommand), so it answers and notifies as ZADD does.</summary>
    private static void GeoAdd(CommandContext c)
    {
        bool nx = false, xx = false, ch = false;
        int first = 2;
        for (; first < c.ArgCount; first++)
        {
            if (Is(c, first, "nx")) nx = true;
            else if (Is(c, first, "xx")) xx = true;
            else if (Is(c, first, "ch")) ch = true;
            else break;
        }
        int elements = (c.ArgCount - first) / 3;
        // No elements left reaches ZADD's own "elements == 0" check, also a syntax error.
        if ((c.ArgCount - first) % 3 != 0 || (xx && nx) || elements == 0)
        {
            c.SyntaxError();
            return;
        }
        var scores = new double[elements];
        for (int j = 0; j < elements; j++)
        {
            if (!TryLongLat(c, first + j * 3, out double lon, out double lat)) return;
            scores[j] = GeoHash.Score(lon, lat);
        }
        var db = c.Db;
        var key = c.Arg(1);
        if (!CollectionValues.TryGet<SortedSetValue>(c, db, key, out var zset, countHits: false)) return;
        long added = 0, updated = 0;
        if (zset is null && !xx)
        {
            zset = new SortedSetValue();
            db.Set(key, zset);
        }
        if (zset is not null)
        {
            for (int j = 0; j < elements; j++)
            {
                var member = c.Arg(first + j * 3 + 2);
                if (zset.TryGetScore(member, out double current))
                {
                    if (nx || current == scores[j]) continue;
                    zset.Set(member, scores[j]);
                    updated++;
                }
                else if (!xx)
                {
                    zset.Set(member, scores[j]);
                    added++;
                }
            }
            if (added + updated > 0) db.Modified(key, K.ZSet, "zadd");
        }
        c.Reply.WriteInteger(ch ? added + updated : added);
        if (added > 0) c.Server.Blocking.SignalReady(db.Index, key);
    }

    /// <summary>GEOPOS key member...: [longitude, latitude] or a null array per member.</summary>
    private static void GeoPos(CommandContext c)
    {
        if (!CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) return;
        c.Reply.WriteArrayHeader(c.ArgCount - 2);
        for (int j = 2; j < c.ArgCount; j++)
        {
            if (z is null || !z.TryGetScore(c.Arg(j), out double score))
            {
                c.Reply.WriteNullArray();
                continue;
            }
            var (x, y) = GeoHash.DecodeScore(score);
            c.Reply.WriteArrayHeader(2);
            WriteCoordinate(c, x);
            WriteCoordinate(c, y);
        }
    }

    /// <summary>GEODIST key a b [unit]: the unit is checked before the key, as in geodistCommand.</summary>
    private static void GeoDist(CommandContext c)
    {
        double toMeter = 1;
        if (c.ArgCount == 5)
        {
            toMeter = Unit(c, 4);
            if (toMeter < 0) return;
        }
        else if (c.ArgCount > 5)
        {
            c.SyntaxError();
            return;
        }
        if (!CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) return;
        if (z is null || !z.TryGetScore(c.Arg(2), out double s1) || !z.TryGetScore(c.Arg(3), out double s2))
        {
            c.Reply.WriteNull();
            return;
        }
        var (x1, y1) = GeoHash.DecodeScore(s1);
        var (x2, y2) = GeoHash.DecodeScore(s2);
        WriteDistance(c, GeoHash.Distance(x1, y1, x2, y2) / toMeter);
    }

    /// <summary>GEOHASH key member...: 11-character standard geohashes, null for missing members.</summary>
    private static void GeoHashCommand(CommandContext c)
    {
        if (!CollectionValues.TryGet<SortedSetValue>(c, c.Db, c.Arg(1), out var z)) return;
        c.Reply.WriteArrayHeader(c.ArgCount - 2);
        for (int j = 2; j < c.ArgCount; j++)
        {
            if (z is not null && z.TryGetScore(c.Arg(j), out double score)) c.Reply.WriteBulk(GeoHash.StandardString(score));
            else c.Reply.WriteNull();
        }
    }

    /// <summary>georadiusGeneric: every search command. <paramref name="sourceIndex"/> is the
    /// argument holding the geo set; checks run in Redis's order (the source key's type first).</summary>
    private static void Search(CommandContext c, int sourceIndex, Mode mode)
    {
        var db = c.Db;
        if (!CollectionValues.TryGet<SortedSetValue>(c, db, c.Arg(sourceIndex), out var zset)) return;
        var shape = new GeoShape();
        int baseArgs;
        int storeKey = -1;
        bool storeDist = false;
        if (mode.HasFlag(Mode.Coords))
        {
            baseArgs = 6;
            if (!TryLongLat(c, 2, out shape.Longitude, out shape.Latitude) || !TryRadius(c, 4, shape)) return;
        }
        else if (mode.HasFlag(Mode.Member))
        {
            // Without the source key Redis does not look at the member or the radius, only the options.
            baseArgs = 5;
            if (zset is not null)
            {
                if (!TryMemberPosition(c, zset, 2, shape) || !TryRadius(c, 3, shape)) return;
            }
        }
        else
        {
            baseArgs = 2;
            if (mode.HasFlag(Mode.SearchStore))
            {
                baseArgs = 3;
                storeKey = 1;
            }
        }
        bool search = mode.HasFlag(Mode.Search);
        bool withDist = false, withHash = false, withCoord = false, any = false;
        bool fromMember = false, fromLonLat = false, byRadius = false, byBox = false;
        int sort = 0; // 0 none, 1 ascending, 2 descending
        long count = 0;
        int remaining = c.ArgCount - baseArgs;
        for (int i = 0; i < remaining; i++)
        {
            int a = baseArgs + i;
            if (Is(c, a, "withdist")) withDist = true;
            else if (Is(c, a, "withhash")) withHash = true;
            else if (Is(c, a, "withcoord")) withCoord = true;
            else if (Is(c, a, "any")) any = true;
            else if (Is(c, a, "asc")) sort = 1;
            else if (Is(c, a, "desc")) sort = 2;
            else if (Is(c, a, "count") && i + 1 < remaining)
            {
                if (!c.TryArgLong(a + 1, out count)) return;
                if (count <= 0)
                {
                    c.Error("ERR COUNT must be > 0");
                    return;
                }
                i++;
            }
            else if ((Is(c, a, "store") || Is(c, a, "storedist")) && i + 1 < remaining && !mode.HasFlag(Mode.NoStore) && !search)
            {
                storeKey = a + 1;
                storeDist = Is(c, a, "storedist");
                i++;
            }
            else if (Is(c, a, "storedist") && mode.HasFlag(Mode.SearchStore)) storeDist = true;
            else if (Is(c, a, "frommember") && i + 1 < remaining && search && !fromLonLat)
            {
                if (zset is not null && !TryMemberPosition(c, zset, a + 1, shape)) return;
                fromMember = true;
                i++;
            }
            else if (Is(c, a, "fromlonlat") && i + 2 < remaining && search && !fromMember)
            {
                if (!TryLongLat(c, a + 1, out shape.Longitude, out shape.Latitude)) return;
                fromLonLat = true;
                i += 2;
            }
            else if (Is(c, a, "byradius") && i + 2 < remaining && search && !byBox)
            {
                if (!TryRadius(c, a + 1, shape)) return;
                shape.IsBox = false;
                byRadius = true;
                i += 2;
            }
            else if (Is(c, a, "bybox") && i + 3 < remaining && search && !byRadius)
            {
                if (!TryBox(c, a + 1, shape)) return;
                shape.IsBox = true;
                byBox = true;
                i += 3;
            }
            else
            {
                c.SyntaxError();
                return;
            }
        }
        if (storeKey >= 0 && (withDist || withHash || withCoord))
        {
            c.Error($"ERR {(mode.HasFlag(Mode.SearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")} is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
            return;
        }
        if (search && !(fromMember || fromLonLat))
        {
            c.Error($"ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for {c.ArgText(0)}");
            return;
        }
        if (search && !(byRadius || byBox))
        {
            c.Error($"ERR exactly one of BYRADIUS and BYBOX can be specified for {c.ArgText(0)}");
            return;
        }
        if (any && count == 0)
        {
            c.Error("ERR the ANY argument requires COUNT argument");
            return;
        }
        if (zset is null)
        {
            if (storeKey >= 0)
            {
                var dst = c.Arg(storeKey);
                if (db.Delete(dst)) db.Notify(K.Generic, "del", dst);
                c.Reply.WriteInteger(0);
            }
            else
            {
                c.Reply.WriteArrayHeader(0);
            }
            return;
        }
        // COUNT without an order means the nearest ones (not with ANY, which takes the first found).
        if (count != 0 && sort == 0 && !any) sort = 1;
        var found = GeoSearch.Find(zset, shape, any ? count : 0);
        if (found.Count == 0 && storeKey < 0)
        {
            c.Reply.WriteArrayHeader(0);
            return;
        }
        int returned = count == 0 || found.Count < count ? found.Count : (int)count;
        if (sort != 0)
        {
            if (returned == found.Count) GeoSort.Full(found, descending: sort == 2);
            else GeoSort.Partial(found, returned - 1, descending: sort == 2);
        }
        if (storeKey < 0)
        {
            int options = (withDist ? 1 : 0) + (withCoord ? 1 : 0) + (withHash ? 1 : 0);
            c.Reply.WriteArrayHeader(returned);
            for (int i = 0; i < returned; i++)
            {
                var p = found[i];
                if (options > 0) c.Reply.WriteArrayHeader(options + 1);
                c.Reply.WriteBulk(p.Member);
                if (withDist) WriteDistance(c, p.Distance / shape.Conversion);
                if (withHash) c.Reply.WriteInteger((long)p.Score);
                if (withCoord)
                {
                    c.Reply.WriteArrayHeader(2);
                    WriteCoordinate(c, p.Longitude);
                    WriteCoordinate(c, p.Latitude);
                }
            }
            return;
        }
        var key = c.Arg(storeKey);
        if (returned > 0)
        {
            var built = new SortedSetValue();
            for (int i = 0; i < returned; i++) built.Set(found[i].Member, storeDist ? found[i].Distance / shape.Conversion : found[i].Score);
            built.SetEncodingForNewSet();
            db.Set(key, built);
            db.Notify(K.ZSet, search ? "geosearchstore" : "georadiusstore", key);
        }
        else if (db.Delete(key))
        {
            db.Notify(K.Generic, "del", key);
        }
        c.Reply.WriteInteger(returned);
    }

    /// <summary>longLatFromMember: the centre from a member's position, else Redis's error.</summary>
    private static bool TryMemberPosition(CommandContext c, SortedSetValue zset, int i, GeoShape shape)
    {
        if (!zset.TryGetScore(c.Arg(i), out double score))
        {
            c.Error("ERR could not decode requested zset member");
            return false;
        }
        (shape.Longitude, shape.Latitude) = GeoHash.DecodeScore(score);
        return true;
    }
}
