namespace Arrakis.Server.Sessions;

/// <summary>CLIENT REPLY modes.</summary>
internal enum ReplyMode : byte
{
    On,
    Off,
    /// <summary>Skip the reply of the next command only.</summary>
    Skip,
    /// <summary>Internal: the command being run is the one to skip.</summary>
    SkipThis,
}
