using Microsoft.Extensions.Logging;

namespace Arrakis.Server.Host;

/// <summary>
/// The server's log: one line per event on stdout, "HH:mm:ss.fff level: category message", written
/// synchronously under a lock (events are rare: startup, shutdown, warnings). Replaces the generic
/// host's console logger, whose queue thread and formatter machinery cost more than the server logs.
/// </summary>
internal sealed class ConsoleLog(string category, LogLevel minimum = LogLevel.Information) : ILogger
{
    private static readonly Lock Gate = new();

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= minimum && logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel)) return;
        string line = $"{DateTime.Now:HH:mm:ss.fff} {Level(logLevel)}: {category} {formatter(state, exception)}";
        if (exception != null) line += Environment.NewLine + exception;
        lock (Gate)
        {
            Console.Out.WriteLine(line);
            Console.Out.Flush();
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trce",
        LogLevel.Debug => "dbug",
        LogLevel.Information => "info",
        LogLevel.Warning => "warn",
        LogLevel.Error => "fail",
        _ => "crit",
    };
}
