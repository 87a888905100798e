namespace Arrakis.Persistence.Log;

/// <summary>One record read back from the log: an LSN and the commands that are its effect (applied together).</summary>
public sealed record LogRecord(long Lsn, IReadOnlyList<LogCommand> Commands);
