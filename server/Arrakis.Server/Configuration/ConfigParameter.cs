namespace Arrakis.Server.Configuration;

/// <summary>One CONFIG GET/SET parameter: its Redis name, how to read it and how to set it.</summary>
internal sealed class ConfigParameter(string name, Func<ServerOptions, string> get, Func<ServerOptions, string, string?>? set)
{
    public string Name { get; } = name;

    public string Get(ServerOptions o) => get(o);

    /// <summary>True when CONFIG SET may change it while running.</summary>
    public bool Mutable => set is not null;

    /// <summary>Applies <paramref name="value"/>; returns null or Redis's reason text for a bad value.</summary>
    public string? Set(ServerOptions o, string value) => set is null ? "can't set immutable config" : set(o, value);

    /// <summary>Applies at startup (config file or command line), immutable parameters included.</summary>
    public Func<ServerOptions, string, string?>? StartupSet { get; init; }
}
