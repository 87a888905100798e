using Arrakis.Persistence.Log;

namespace Arrakis.Server.Durability;

/// <summary>
/// The append-only directory as the running server sees it: the manifest, the storage that grants
/// segments, and the claimed segment being appended to. Changed only by startup and the rewrite.
/// </summary>
internal sealed class LogDirectory(string directory, string manifestPath, ILogStorage storage)
{
    public string Directory { get; } = directory;
    public string ManifestPath { get; } = manifestPath;
    public ILogStorage Storage { get; } = storage;
    public LogManifest Manifest { get; set; } = null!;

    /// <summary>The claimed device of the segment being appended to (released when a rewrite retires it).</summary>
    public LogDevice? Current { get; set; }

    /// <summary>
    /// The size of each half of a log device (--aof-device): segments take turns in [0, half) and [half, 2 half),
    /// so a rewrite's new segment never overlaps the one it replaces (a multiple of the block size and of 4096).
    /// </summary>
    public static long DeviceHalf(Arrakis.IoBypass.Block.IQueuePair device) => device.Capacity / 2 / Unit(device) * Unit(device);

    /// <summary><paramref name="offset"/> rounded up to the unit of <see cref="DeviceHalf"/>: where a segment may start.</summary>
    public static long AlignUp(long offset, Arrakis.IoBypass.Block.IQueuePair device) => (offset + Unit(device) - 1) / Unit(device) * Unit(device);

    /// <summary>Segments on a device start at multiples of this: its block size, and at least 4096.</summary>
    private static long Unit(Arrakis.IoBypass.Block.IQueuePair device) => Math.Max(device.BlockSize, 4096);

    public string PathOf(string file) => Path.IsPathRooted(file) ? file : Path.Combine(Directory, file);

    /// <summary>
    /// Saves <paramref name="next"/> durably and makes it current; throws <see cref="IOException"/> when it cannot
    /// (<see cref="ManifestUncertainException"/> when the new manifest replaced the old one but the directory could
    /// not be synced: either may be the one a crash leaves).
    /// </summary>
    public void Commit(LogManifest next)
    {
        int rc = next.Save(ManifestPath, Storage.SyncDirectory, out bool replaced);
        if (rc < 0 && replaced) throw new ManifestUncertainException($"the manifest {ManifestPath} was replaced but its directory could not be synced (errno {-rc})");
        if (rc < 0) throw new IOException($"can't write the manifest {ManifestPath} (errno {-rc})");
        Manifest = next;
    }

    /// <summary>The old or the new manifest may be the durable one.</summary>
    public sealed class ManifestUncertainException(string message) : IOException(message);
}
