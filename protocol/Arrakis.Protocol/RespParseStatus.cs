namespace Arrakis.Protocol;

/// <summary>Outcome of one <see cref="RequestReader.TryRead"/> call.</summary>
public enum RespParseStatus
{
    /// <summary>A whole request was parsed; its arguments are in the <see cref="RequestArguments"/>.</summary>
    Done,

    /// <summary>The buffer ends inside a request; call again with the same start and more bytes.</summary>
    NeedMoreData,

    /// <summary>The bytes break the protocol; <see cref="RequestReader.Error"/> names the Redis error text.
    /// The connection must be answered with that error and closed.</summary>
    InvalidData,
}
