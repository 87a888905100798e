using Arrakis.IoBypass.Linux.Interop;

namespace Arrakis.IoBypass.Linux.Tests.Block;

/// <summary>A private directory under the temp dir (on this machine: ext4, O_DIRECT-capable) that is deleted on Dispose.</summary>
public sealed class TempStorage : IDisposable
{
    public TempStorage()
    {
        Directory = Path.Combine(Path.GetTempPath(), $"arrakis-block-{Guid.NewGuid():N}");
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathOf(string name) => Path.Combine(Directory, name);

    /// <summary>Creates <paramref name="name"/> with <paramref name="bytes"/> zero bytes, written and synced through the page cache.</summary>
    public string CreateZeroFile(string name, long bytes)
    {
        string path = PathOf(name);
        using var fs = new FileStream(path, FileMode.CreateNew, FileAccess.Write);
        var zeros = new byte[65536];
        for (long done = 0; done < bytes; done += zeros.Length) fs.Write(zeros, 0, (int)Math.Min(zeros.Length, bytes - done));
        fs.Flush(flushToDisk: true);
        return path;
    }

    /// <summary>open(path, O_DIRECT | O_CLOEXEC | (O_RDWR or O_RDONLY)); asserts success.</summary>
    public static unsafe int OpenDirect(string path, bool readOnly = false)
    {
        int flags = (readOnly ? 0 : BlockConstants.O_RDWR) | Tmds.Linux.LibC.O_DIRECT | LinuxConstants.O_CLOEXEC;
        byte[] p = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pp = p)
        {
            int fd = Tmds.Linux.LibC.open(pp, flags, 0);
            Assert.True(fd >= 0, $"open({path}, O_DIRECT) failed: errno {Tmds.Linux.LibC.errno}");
            return fd;
        }
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
