using Arrakis.Persistence.Log;

namespace Arrakis.Aof;

/// <summary>
/// An append-only directory as the tool found it: the manifest's path, the directory its relative
/// file names are resolved against, and the parsed manifest.
/// </summary>
internal sealed record AofDirectory(string Directory, string ManifestPath, LogManifest Manifest)
{
    public const string DefaultDirName = "appendonlydir";
    public const string DefaultManifest = "appendonly.aof.manifest";

    /// <summary>A file the manifest names: relative to the append-only directory, or an absolute path (a device).</summary>
    public string PathOf(string file) => Path.IsPathRooted(file) ? file : Path.Combine(Directory, file);

    /// <summary>
    /// Finds and parses the manifest for <paramref name="path"/>: a manifest file, an append-only
    /// directory (its appendonly.aof.manifest, or its only *.manifest), or the server's --dir (then
    /// appendonlydir/ inside it). Null with <paramref name="error"/> otherwise; never throws.
    /// </summary>
    public static AofDirectory? Open(string path, out string error)
    {
        error = "";
        string? manifestPath = Locate(path, out error);
        if (manifestPath is null) return null;
        var manifest = LogManifest.Load(manifestPath, out string? parseError);
        if (manifest is null)
        {
            error = $"manifest {manifestPath}: {parseError ?? "cannot be read"}";
            return null;
        }
        return new AofDirectory(Path.GetDirectoryName(Path.GetFullPath(manifestPath))!, manifestPath, manifest);
    }

    private static string? Locate(string path, out string error)
    {
        error = "";
        try
        {
            if (File.Exists(path)) return path;
            if (!System.IO.Directory.Exists(path))
            {
                error = $"{path}: no such file or directory";
                return null;
            }
            foreach (var candidate in new[] { Path.Combine(path, DefaultManifest), Path.Combine(path, DefaultDirName, DefaultManifest) })
                if (File.Exists(candidate)) return candidate;
            var manifests = System.IO.Directory.GetFiles(path, "*.manifest");
            if (manifests.Length == 1) return manifests[0];
            error = manifests.Length == 0
                ? $"{path}: no manifest ({DefaultManifest}) in it or in {Path.Combine(path, DefaultDirName)}"
                : $"{path}: several manifests; name one";
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = $"{path}: {e.Message}";
            return null;
        }
    }
}
