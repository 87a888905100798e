namespace Arrakis.Server.Keyspace;

/// <summary>A stripe could not be taken because a script that holds every stripe ran past
/// busy-reply-threshold: the command did not run and is answered BUSY.</summary>
internal sealed class ScriptBusyException : Exception
{
    public ScriptBusyException()
        : base("a script is busy")
    {
    }
}
