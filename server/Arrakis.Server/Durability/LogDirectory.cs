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

    public string PathOf(string file) => Path.IsPathRooted(file) ? file : Path.Combine(Directory, file);

    /// <summary>Saves <paramref name="next"/> durably and makes it current; throws <see cref="IOException"/> when it cannot.</summary>
    public void Commit(LogManifest next)
    {
        int rc = next.Save(ManifestPath, Storage.SyncDirectory);
        if (rc < 0) throw new IOException($"can't write the manifest {ManifestPath} (errno {-rc})");
        Manifest = next;
    }
}
