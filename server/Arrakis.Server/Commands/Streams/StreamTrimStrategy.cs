namespace Arrakis.Server.Commands.Streams;

/// <summary>How XADD/XTRIM trim: not at all, to a length (MAXLEN), or below an ID (MINID).</summary>
internal enum StreamTrimStrategy
{
    None,
    MaxLen,
    MinId,
}
