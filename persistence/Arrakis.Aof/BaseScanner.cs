using Arrakis.Persistence.Rdb;

namespace Arrakis.Aof;

/// <summary>Reads a base RDB through <see cref="RdbReader"/>: every entry, then the EOF opcode and the checksum. Never throws.</summary>
internal static class BaseScanner
{
    public static BaseReport Scan(string file, string path)
    {
        long bytes = 0;
        try
        {
            if (!File.Exists(path)) return new BaseReport(file, path, 0, 0, 0, 0, 0, $"{path} does not exist");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1 << 16);
            bytes = stream.Length;
            var reader = new RdbReader(stream);
            long keys = 0, expires = 0;
            var dbs = new HashSet<int>();
            var status = reader.ReadHeader();
            while (status == RdbReadStatus.Ok)
            {
                status = reader.ReadNext(out var entry);
                if (status != RdbReadStatus.Ok) break;
                keys++;
                if (entry!.ExpireAtMs != 0) expires++;
                dbs.Add(entry.Db);
            }
            string? error = status == RdbReadStatus.End
                ? null
                : $"{status} at byte {reader.ErrorOffset} of {path}: {reader.Error ?? "unreadable"}";
            return new BaseReport(file, path, bytes, reader.Version, keys, expires, dbs.Count, error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return new BaseReport(file, path, bytes, 0, 0, 0, 0, $"{path}: {e.Message}");
        }
    }
}
