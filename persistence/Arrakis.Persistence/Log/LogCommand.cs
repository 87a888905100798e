namespace Arrakis.Persistence.Log;

/// <summary>One command of a log record: the database it ran in and its arguments.</summary>
public readonly record struct LogCommand(int Db, byte[][] Args);
