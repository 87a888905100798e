namespace Arrakis.IoBypass.Transport;

/// <summary>One readiness event returned by <see cref="IConnectionSource.Poll"/>.</summary>
public readonly record struct ConnectionEvent(ConnectionEventKind Kind, long Connection);
