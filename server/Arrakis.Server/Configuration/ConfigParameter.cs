namespace Arrakis.Server.Configuration;

/// <summary>
/// One CONFIG GET/SET parameter: its Redis name, how to read it, how (and whether) it can be set
/// while running, and how it is applied at startup.
/// </summary>
internal sealed class ConfigParameter(string name, Func<ServerOptions, string> get, Func<ServerOptions, string, string?>? set)
{
    public string Name { get; } = name;

    public string Get(ServerOptions o) => get(o);

    /// <summary>Redis refuses CONFIG SET of it even with its current value ("immutable" or "protected").</summary>
    public string? RedisRefusal { get; init; }

    /// <summary>False for parameters Redis has and this server answers with a fixed value (no effect here).</summary>
    public bool HasEffect { get; init; } = true;

    /// <summary>
    /// Applies <paramref name="value"/> while running; returns null or the reason text for Redis's
    /// "CONFIG SET failed" error. A parameter that cannot change here accepts only its current value.
    /// </summary>
    public string? Set(ServerOptions o, string value)
    {
        if (RedisRefusal is not null) return $"can't set {RedisRefusal} config";
        if (set is not null) return set(o, value);
        return SameValue(Get(o), value) ? null : NotChangeable;
    }

    public const string NotChangeable = "Arrakis cannot change this parameter while running (only its current value is accepted; see docs/compatibility.md)";

    /// <summary>Applies at startup (config file or command line), immutable parameters included.</summary>
    public Func<ServerOptions, string, string?>? StartupSet { get; init; }

    /// <summary>Redis's spelling of a value is free in case (yes/YES) and in memory units (1mb = 1048576).</summary>
    public static bool SameValue(string current, string value)
    {
        if (string.Equals(current, value, StringComparison.OrdinalIgnoreCase)) return true;
        return ConfigRegistry.TryParseMemory(current, out long a) && ConfigRegistry.TryParseMemory(value, out long b) && a == b;
    }
}
