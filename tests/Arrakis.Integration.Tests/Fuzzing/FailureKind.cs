namespace Arrakis.Integration.Tests.Fuzzing;

/// <summary>What went wrong at one step.</summary>
internal enum FailureKind
{
    /// <summary>Our server closed the connection or exited. Never tolerated.</summary>
    Crash,
    /// <summary>Our server did not reply in time while Redis did. Never tolerated.</summary>
    Hang,
    /// <summary>The replies differ.</summary>
    Reply,
    /// <summary>The keyspaces differ after the step although its reply matched (or was already reported).</summary>
    State,
    /// <summary>Redis itself did not answer: a generator bug (a request that blocks forever, ...).</summary>
    RedisFailure,
}
