namespace Arrakis.Integration.Tests.Differential;

/// <summary>How a reply may legitimately differ between the two servers.</summary>
public enum Compare
{
    /// <summary>Byte for byte.</summary>
    Exact,
    /// <summary>An aggregate whose element order is unspecified (KEYS): compared as sorted elements.</summary>
    Unordered,
    /// <summary>Only the reply type (RANDOMKEY, TIME, CLIENT ID).</summary>
    TypeOnly,
    /// <summary>An integer within 1 of the other (TTL at a second boundary).</summary>
    NearInteger,
    /// <summary>Milliseconds within 500 of the other (PTTL: the two servers are asked one after the
    /// other, and on a busy machine that takes more than a millisecond).</summary>
    NearMilliseconds,
    /// <summary>Same shape and strings; integers equal except stream times read one server after the other:
    /// Unix-ms timestamps within 5 s, idle times (XPENDING rows, XINFO CONSUMERS) within 2 s.</summary>
    NearTimes,
}
