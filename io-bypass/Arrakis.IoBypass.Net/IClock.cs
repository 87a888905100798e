namespace Arrakis.IoBypass.Net;

/// <summary>
/// A monotonic clock for the stack's timers, injected so that state machines are tested without
/// threads or sleeps (a manual clock in tests). Time is in microseconds since an arbitrary epoch and
/// never goes backwards. Read on the thread that owns the stack; implementations need not be thread-safe.
/// </summary>
internal interface IClock
{
    /// <summary>Microseconds since the clock's epoch; non-decreasing.</summary>
    long NowMicroseconds { get; }
}
