using System.Collections;
using System.Text.Json;
using Arrakis.Server.Configuration;

namespace Arrakis.Server.Host;

/// <summary>
/// Builds <see cref="ServerOptions"/> from, in increasing priority: appsettings.json next to the
/// binary (section "Arrakis", redis.conf names as keys), ARRAKIS_* environment variables
/// (ARRAKIS_PORT=6380, ARRAKIS_REQUIREPASS=...), a redis.conf file, and command-line directives.
/// </summary>
internal static class StartupOptions
{
    public static (ServerOptions Options, string ConfigFile, List<string> Warnings) Build(string[] args, IDictionary environment, string baseDirectory)
    {
        var options = new ServerOptions();
        var warnings = new List<string>();
        var directives = new List<(string, string[])>();

        string appsettings = Path.Combine(baseDirectory, "appsettings.json");
        if (File.Exists(appsettings))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(appsettings));
            if (doc.RootElement.TryGetProperty("Arrakis", out var section))
            {
                foreach (var p in section.EnumerateObject())
                    directives.Add((p.Name.ToLowerInvariant(), [p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText()]));
            }
        }
        foreach (DictionaryEntry e in environment)
        {
            string key = (string)e.Key;
            if (!key.StartsWith("ARRAKIS_", StringComparison.Ordinal)) continue;
            directives.Add((key["ARRAKIS_".Length..].ToLowerInvariant().Replace('_', '-'), [(string?)e.Value ?? ""]));
        }

        string configFile = "";
        int first = 0;
        if (args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal))
        {
            configFile = Path.GetFullPath(args[0]);
            if (!File.Exists(configFile)) throw new FileNotFoundException($"can't open config file '{args[0]}'");
            directives.AddRange(Directives.ParseFile(File.ReadAllText(configFile), args[0]));
            first = 1;
        }
        directives.AddRange(Directives.ParseCommandLine(args.Skip(first)));
        warnings.AddRange(Directives.Apply(options, directives));
        return (options, configFile, warnings);
    }
}
