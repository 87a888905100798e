namespace Arrakis.Aof.Tests.Infrastructure;

/// <summary>Damages copies of an append-only directory the way crashes and bad disks do.</summary>
internal static class Damage
{
    /// <summary>The last segment's file and where its valid log ends (offset, next LSN), as the tool reads it.</summary>
    public static (string Path, long End, long NextLsn, long Records) LastSegment(string appendDir)
    {
        var dir = AofDirectory.Open(appendDir, out string error) ?? throw new InvalidOperationException(error);
        var s = DirectoryCheck.Run(dir).Segments[^1];
        return (s.Path, s.Read!.EndOffset, s.Read.NextLsn, s.Read.Records);
    }

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> of <paramref name="path"/>.</summary>
    public static void Write(string path, long offset, byte[] bytes)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        fs.Position = offset;
        fs.Write(bytes);
    }

    /// <summary>Flips every bit of the byte at <paramref name="offset"/>.</summary>
    public static void Flip(string path, long offset)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        fs.Position = offset;
        int b = fs.ReadByte();
        fs.Position = offset;
        fs.WriteByte((byte)~b);
    }

    public static byte[] Read(string path, long offset, int count)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.Read);
        fs.Position = offset;
        var b = new byte[count];
        fs.ReadExactly(b);
        return b;
    }

    /// <summary>Appends a torn write (non-zero bytes no valid frame vouches for) right after the valid log.</summary>
    public static (string Path, long End, long NextLsn) TearTail(string appendDir, int bytes = 300)
    {
        var (path, end, next, _) = LastSegment(appendDir);
        Write(path, end, Enumerable.Repeat((byte)0xAB, bytes).ToArray());
        return (path, end, next);
    }

    public static string BaseOf(string appendDir) => Directory.GetFiles(appendDir, "*.base.rdb").Single();
}
