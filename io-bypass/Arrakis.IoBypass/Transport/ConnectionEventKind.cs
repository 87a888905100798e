namespace Arrakis.IoBypass.Transport;

/// <summary>What a <see cref="ConnectionEvent"/> reports.</summary>
public enum ConnectionEventKind : byte
{
    /// <summary>A new connection was accepted and is owned by the polling thread from now on.</summary>
    Accepted,

    /// <summary>Bytes (or end of stream, or an error) are ready to receive.</summary>
    Readable,

    /// <summary>The connection can take more bytes after an earlier partial send.</summary>
    Writable,

    /// <summary>Another thread called <see cref="IConnectionSource.Wake"/>, or an eventfd added with
    /// <see cref="IConnectionSource.WatchSignal"/> was signalled.</summary>
    Wakeup,

    /// <summary>A connection was refused for lack of resources (no file descriptor left): the
    /// source already answered it with Redis's max-clients error and closed it.</summary>
    Refused,
}
