namespace Arrakis.Server.Host;

/// <summary>What startup learned before the host ran: the config file used and its warnings.</summary>
internal sealed record StartupInfo(string ConfigFile, List<string> Warnings);
